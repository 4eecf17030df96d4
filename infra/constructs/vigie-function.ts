/**
 * A Vigie Lambda function with its defaults set once (after Powertools' `FunctionWithLogGroup`): Node 22 on
 * arm64, an ESM bundle with source maps, its own log group with a retention, a role that may write only to
 * that log group, and the Powertools settings. Callers add what differs: entry, memory, timeout, grants.
 */
import { existsSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { Annotations, type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: templates, the lock file and `node_modules` are found from it. */
export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

/** ESM output: packages that still call `require` get one. */
export const REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * Native packages esbuild cannot bundle: left external and copied into the asset with the binary package of
 * the Lambda platform (linux, arm64, glibc).
 */
export const NATIVE_PACKAGES: readonly { readonly name: string; readonly binary: string; readonly version: string }[] =
  [{ name: '@resvg/resvg-js', binary: '@resvg/resvg-js-linux-arm64-gnu', version: '2.6.2' }];

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

    const bundlingRequired = Stack.of(this).bundlingRequired;
    const natives = NATIVE_PACKAGES.flatMap((p) => [p.name, p.binary]);
    if (bundlingRequired) {
      const missing = natives.filter((p) => !existsSync(join(PROJECT_ROOT, 'node_modules', p)));
      if (missing.length > 0)
        Annotations.of(this).addWarningV2(
          'vigie:native-package-missing',
          `${missing.join(', ')} not in node_modules: bundling fetches it from the npm registry; offline, the scorecards go out without charts. See docs/deploy.md.`,
        );
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
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
        POWERTOOLS_METRICS_NAMESPACE: 'Vigie',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
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
            ...natives.map(
              (p) =>
                `if [ -d "${inputDir}/node_modules/${p}" ]; then mkdir -p "${outputDir}/node_modules/${posix.dirname(p)}" && cp -R "${inputDir}/node_modules/${p}" "${outputDir}/node_modules/${p}"; fi`,
            ),
            // npm installs only the host's binary; the Lambda's (linux arm64) is fetched when missing. Offline,
            // the function still runs: the renderer sends scorecards without charts when it cannot load.
            ...NATIVE_PACKAGES.map(
              (p) =>
                // Installing the package for that platform brings its binary as the optional dependency it is.
                `[ -d "${outputDir}/node_modules/${p.binary}" ] || npm install --no-save --no-package-lock --no-audit --no-fund --prefix "${outputDir}" --os=linux --cpu=arm64 --libc=glibc "${p.name}@${p.version}" || echo "vigie: ${p.binary} unavailable, charts disabled in this bundle"`,
            ),
          ],
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundle targets node22 and the code is tested on Node 20/22; move to 24 with CI.',
    });
  }
}
