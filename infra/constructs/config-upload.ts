/**
 * Uploads the YAML config to the archive (`config/vigie.yaml`, what VIGIE_CONFIG_URI names). The file is
 * validated at synth with the handlers' own schema, so a config the job would refuse fails `cdk synth`
 * instead of the first night. A BucketDeployment carries it (an S3 asset copied by CDK's custom resource):
 * a new file is a new asset, so every change of the file is deployed, and nothing else under `config/` is
 * touched. Without a config file, the example's settings are deployed with no recipients (archive only), and a
 * config that would mail a reserved example domain (manager@example.com) fails the synth unless allowed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Annotations } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { parseDocument } from 'yaml';
import { configFrom } from '../../functions/adapters/config-file.js';
import type { Config } from '../../functions/engine/config.js';
import { ContextError, EXAMPLE_CONFIG_FILE } from '../context.js';

export interface ConfigUploadProps {
  /**
   * Path of the YAML config, relative to the project root or absolute.
   * @default - the example config (EXAMPLE_CONFIG_FILE) with no recipients: reports are archived, no mail is sent
   */
  readonly configFile?: string | undefined;
  readonly projectRoot: string;
  readonly bucket: IBucket;
  /** The object key, `config/vigie.yaml`. */
  readonly key: string;
  /** When set, replaces `lookback_days` in the uploaded copy. */
  readonly lookbackDays?: number | undefined;
  /** Whether recipients at reserved example domains may be deployed. @default false */
  readonly allowExampleRecipients?: boolean;
}

/** How the uploaded copy differs from the file. */
export interface ConfigTextOptions {
  /** Replaces `lookback_days`. */
  readonly lookbackDays?: number | undefined;
  /** Empties `mail.recipients`: nobody is mailed, every report is archived. */
  readonly withoutRecipients?: boolean;
  /** Lets recipients at reserved example domains through (they are refused otherwise). */
  readonly allowExampleRecipients?: boolean;
}

/**
 * Domains that never receive mail (RFC 2606 and RFC 6761): example.com/net/org and the .example, .test,
 * .invalid and .localhost top-level domains, with their subdomains.
 */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;

/** Whether an address is at a reserved example domain (SES cannot deliver it; in the SES sandbox it fails the send). */
export function isExampleAddress(address: string): boolean {
  return RESERVED_DOMAIN.test(address.slice(address.lastIndexOf('@') + 1));
}

/** Reads, optionally amends and validates the config; throws a ContextError naming the file and the key. */
export function configText(path: string, options: ConfigTextOptions = {}): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ContextError(`context configFile: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`, {
      cause: error,
    });
  }
  const document = parseDocument(text);
  if (document.errors.length > 0)
    throw new ContextError(
      `context configFile: ${path}: not valid YAML: ${document.errors[0]?.message.split('\n')[0]}`,
    );
  const amended = options.lookbackDays !== undefined || options.withoutRecipients === true;
  if (options.lookbackDays !== undefined) document.set('lookback_days', options.lookbackDays);
  if (options.withoutRecipients === true) document.setIn(['mail', 'recipients'], []);
  let config: Config;
  try {
    config = configFrom(document.toJS(), path);
  } catch (error) {
    throw new ContextError(`context configFile: ${(error as Error).message}`, { cause: error });
  }
  // The config schema's default recipient is an example address too: a file without recipients is caught here.
  const examples = config.mail.recipients.map((r) => r.email).filter(isExampleAddress);
  if (examples.length > 0 && options.allowExampleRecipients !== true)
    throw new ContextError(
      `context configFile: ${path}: mail.recipients ${examples.join(', ')} at a reserved example domain would never receive a report: put real addresses in the file, or pass -c allowExampleRecipients=true for a trial`,
    );
  return amended ? document.toString() : text;
}

export class ConfigUpload extends Construct {
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: ConfigUploadProps) {
    super(scope, id);
    const text = configText(resolve(props.projectRoot, props.configFile ?? EXAMPLE_CONFIG_FILE), {
      lookbackDays: props.lookbackDays,
      withoutRecipients: props.configFile === undefined,
      allowExampleRecipients: props.allowExampleRecipients ?? false,
    });
    if (props.configFile === undefined)
      Annotations.of(this).addWarningV2(
        'vigie:no-config-file',
        `no -c configFile: deploying ${EXAMPLE_CONFIG_FILE} without its recipients, so reports are archived and nobody is mailed. To mail someone: cp ${EXAMPLE_CONFIG_FILE} config/vigie.yaml, put your recipients in it, and pass -c configFile=config/vigie.yaml (docs/deploy.md).`,
      );
    const slash = props.key.lastIndexOf('/');
    this.deployment = new BucketDeployment(this, 'Deploy', {
      sources: [Source.data(props.key.slice(slash + 1), text)],
      destinationBucket: props.bucket,
      destinationKeyPrefix: props.key.slice(0, slash + 1),
      prune: false,
      retainOnDelete: true,
      contentType: 'application/yaml',
    });
  }
}
