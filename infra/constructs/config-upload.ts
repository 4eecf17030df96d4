/**
 * Uploads the YAML config to the archive (`config/vigie.yaml`, what VIGIE_CONFIG_URI names). The file is
 * validated at synth with the handlers' own schema, so a config the job would refuse fails `cdk synth`
 * instead of the first night. A BucketDeployment carries it (an S3 asset copied by CDK's custom resource):
 * a new file is a new asset, so every change of the file is deployed, and nothing else under `config/` is
 * touched.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { parseDocument } from 'yaml';
import { configFrom } from '../../functions/adapters/config-file.js';
import { ContextError } from '../context.js';

export interface ConfigUploadProps {
  /** Path of the YAML config, relative to the project root or absolute. */
  readonly configFile: string;
  readonly projectRoot: string;
  readonly bucket: IBucket;
  /** The object key, `config/vigie.yaml`. */
  readonly key: string;
  /** When set, replaces `lookback_days` in the uploaded copy. */
  readonly lookbackDays?: number | undefined;
}

/** Reads, optionally amends and validates the config; throws a ContextError naming the file and the key. */
export function configText(path: string, lookbackDays?: number): string {
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
  if (lookbackDays !== undefined) document.set('lookback_days', lookbackDays);
  try {
    configFrom(document.toJS(), path);
  } catch (error) {
    throw new ContextError(`context configFile: ${(error as Error).message}`, { cause: error });
  }
  return lookbackDays === undefined ? text : document.toString();
}

export class ConfigUpload extends Construct {
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: ConfigUploadProps) {
    super(scope, id);
    const text = configText(resolve(props.projectRoot, props.configFile), props.lookbackDays);
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
