/**
 * A Vigie Lambda function with its defaults set once (after Powertools' `FunctionWithLogGroup`): Node 24 on
 * arm64, an ESM bundle with source maps, its own log group with a retention, a role that may write only to
 * that log group, and the Powertools settings. Callers add what differs: entry, memory, timeout, grants.
 */
import { join, posix, resolve } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../../functions/handlers/metrics.js';

/** The repository root: templates, the lock file and `node_modules` are found from it. */
export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

/**
 * The Lambda's Node.js major: the runtime, the bundle's target, and the Node `.ci/run` repeats the tests on
 * (Node 24 is LTS until April 2028; 22 ends in April 2027).
 */
export const LAMBDA_NODE_MAJOR = 24;

/** ESM output: packages that still call `require` get one. */
export const REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * Native packages esbuild cannot bundle: left external and copied into the asset with the binary package of
 * the Lambda platform (linux, arm64, glibc).
 */
export const NATIVE_PACKAGES: readonly { readonly name: string; readonly binary: string; readonly version: string }[] =
  [{ name: '@resvg/resvg-js', binary: '@resvg/resvg-js-linux-arm64-gnu', version: '2.6.2' }];

/** The Lambda runtime of LAMBDA_NODE_MAJOR. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/**
 * Shell commands (run after esbuild, in the bundling shell) that put each native package and the binary
 * package of the Lambda's platform into the asset. npm installs only the host's binary, so the Lambda's
 * (linux arm64 glibc) is installed from the npm registry when it is not in `node_modules`. A package that
 * cannot be bundled fails the synth: without it the renderer would send every scorecard without charts.
 */
export function nativePackageCommands(inputDir: string, outputDir: string): string[] {
  return NATIVE_PACKAGES.flatMap((p) => {
    const copy = (name: string) =>
      `if [ -d "${inputDir}/node_modules/${name}" ]; then mkdir -p "${outputDir}/node_modules/${posix.dirname(name)}" && cp -R "${inputDir}/node_modules/${name}" "${outputDir}/node_modules/${name}"; fi`;
    const binary = `${outputDir}/node_modules/${p.binary}`;
    return [
      copy(p.name),
      copy(p.binary),
      // Installing the package for that platform brings its binary as the optional dependency it is.
      `{ [ -d "${binary}" ] || npm install --no-save --no-package-lock --no-audit --no-fund --prefix "${outputDir}" --os=linux --cpu=arm64 --libc=glibc "${p.name}@${p.version}" >&2 || true; }`,
      `{ ls "${binary}"/*.node >/dev/null 2>&1 || { echo "vigie: cannot bundle ${p.binary}@${p.version} (the Lambda's binary of ${p.name}): neither in node_modules nor installable from the npm registry, and without it every scorecard would go out without its charts. Run the synth where registry.npmjs.org is reachable." >&2; exit 1; }; }`,
    ];
  });
}

export interface VigieFunctionProps {
  /** The handler file (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  /** @default - no reserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /** @default RetentionDays.ONE_YEAR — a year of runs, to compare a month with the same month last year */
  readonly logRetention?: RetentionDays;
}

export class VigieFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: VigieFunctionProps) {
    super(scope, id);
    this.timeout = props.timeout;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No AWSLambdaBasicExecutionRole: it may write to every log group of the account.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Vigie ${id} function`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'vigie',
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: `node${LAMBDA_NODE_MAJOR}`,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // DuckDB is the local engine, never loaded in Lambda; native packages are copied below.
        externalModules: ['@duckdb/node-api', ...NATIVE_PACKAGES.map((p) => p.name)],
        // mjml's optional minifier drags in the TypeScript compiler.
        esbuildArgs: { '--external:typescript': true },
        banner: REQUIRE_BANNER,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            // The renderer loads its templates from `templates/` beside the code.
            `cp -R "${inputDir}/templates" "${outputDir}/templates"`,
            ...nativePackageCommands(inputDir, outputDir),
          ],
        },
      },
    });
  }
}
