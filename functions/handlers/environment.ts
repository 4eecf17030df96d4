/**
 * The environment the Lambda handlers read, once, at cold start. The CDK stack sets these variables
 * from the same names, so the stack and the handlers cannot drift apart.
 */
import { z } from 'zod';

/** Variable names, shared with `infra/` so the stack sets exactly what the handlers read. */
export const ENV = {
  exportsBucket: 'VIGIE_EXPORTS_BUCKET',
  /** Key prefix of the exports root inside the bucket (`""` or ending in `/`). */
  exportsPrefix: 'VIGIE_EXPORTS_PREFIX',
  /** When set, contacts come from Amazon Connect CTRs under this prefix (Firehose `YYYY/MM/DD/HH/`). */
  ctrPrefix: 'VIGIE_CTR_PREFIX',
  /** Bucket of the CTRs (default: the exports bucket). */
  ctrBucket: 'VIGIE_CTR_BUCKET',
  archiveBucket: 'VIGIE_ARCHIVE_BUCKET',
  /** `s3://bucket/key` of the YAML config (targets, recipients, alerts). */
  configUri: 'VIGIE_CONFIG_URI',
  glueDatabase: 'VIGIE_GLUE_DATABASE',
  athenaWorkgroup: 'VIGIE_ATHENA_WORKGROUP',
  /** Centre time zone; overrides the config file so the schedules and the periods agree. */
  timezone: 'VIGIE_TIMEZONE',
  /** Sender address; overrides the config file so IAM's `ses:FromAddress` condition holds. */
  mailFrom: 'VIGIE_MAIL_FROM',
  sesConfigurationSet: 'VIGIE_SES_CONFIGURATION_SET',
  /** Base URL under which the archive is browsable, for links in mails (optional). */
  archiveUrl: 'VIGIE_ARCHIVE_URL',
} as const;

/**
 * Prefix of the archive bucket under which compacted partitions are kept (the `<kind>_checked` Glue
 * tables' location), shared with the stack so its tables and IAM point where the handlers write.
 */
export const COMPACTED_PREFIX = 'compacted/';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const prefix = z
  .string()
  .default('')
  .refine((p) => p === '' || p.endsWith('/'), 'must be empty or end with "/"');

const environmentSchema = z.object({
  [ENV.exportsBucket]: z.string().min(3),
  [ENV.exportsPrefix]: prefix,
  [ENV.ctrPrefix]: optional.refine((p) => p === undefined || p.endsWith('/'), 'must end with "/"'),
  [ENV.ctrBucket]: optional,
  [ENV.archiveBucket]: z.string().min(3),
  [ENV.configUri]: z.string().regex(/^s3:\/\/[^/]+\/.+/, 'expected s3://bucket/key'),
  [ENV.glueDatabase]: z.string().min(1),
  [ENV.athenaWorkgroup]: z.string().min(1),
  [ENV.timezone]: optional,
  [ENV.mailFrom]: optional,
  [ENV.sesConfigurationSet]: optional,
  [ENV.archiveUrl]: optional,
});

/** The handlers' settings, read from the environment. */
export interface HandlerEnvironment {
  readonly exportsBucket: string;
  readonly exportsPrefix: string;
  readonly ctrPrefix: string | undefined;
  readonly ctrBucket: string;
  readonly archiveBucket: string;
  readonly config: { readonly bucket: string; readonly key: string };
  readonly glueDatabase: string;
  readonly athenaWorkgroup: string;
  readonly timezone: string | undefined;
  readonly mailFrom: string | undefined;
  readonly sesConfigurationSet: string | undefined;
  readonly archiveUrl: string | undefined;
}

/** A missing or malformed variable: one line naming it. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** Reads and checks the handlers' environment; throws one line naming the first bad variable. */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): HandlerEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new EnvironmentError(`${name}: ${env[name] === undefined ? 'is not set' : (issue?.message ?? 'invalid')}`);
  }
  const e = parsed.data;
  const uri = /^s3:\/\/([^/]+)\/(.+)$/.exec(e[ENV.configUri]);
  return {
    exportsBucket: e[ENV.exportsBucket],
    exportsPrefix: e[ENV.exportsPrefix],
    ctrPrefix: e[ENV.ctrPrefix],
    ctrBucket: e[ENV.ctrBucket] ?? e[ENV.exportsBucket],
    archiveBucket: e[ENV.archiveBucket],
    config: { bucket: uri?.[1] ?? '', key: uri?.[2] ?? '' },
    glueDatabase: e[ENV.glueDatabase],
    athenaWorkgroup: e[ENV.athenaWorkgroup],
    timezone: e[ENV.timezone],
    mailFrom: e[ENV.mailFrom],
    sesConfigurationSet: e[ENV.sesConfigurationSet],
    archiveUrl: e[ENV.archiveUrl],
  };
}
