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
  /**
   * Prefix of the Amazon Connect CTRs Firehose delivers (any: `""` is the bucket root, `ctr` without a
   * slash is read as Firehose pastes it, `ctr2026/11/22/…`). Contacts come from CTRs when this or the
   * bucket below is set.
   */
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

/**
 * Prefix of the archive bucket under which each CTR object is staged once as NDJSON for Athena (the
 * `connect_ctr_lines` Glue table's location; functions/adapters/connect-ctr-staging.ts), shared with the stack.
 */
export const CTR_STAGING_PREFIX = 'connect-ctr/';

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
  [ENV.ctrPrefix]: z
    .string()
    .optional()
    .refine((p) => p === undefined || !p.startsWith('/'), 'must not start with "/"'),
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
  /** Where the CTRs are, when contacts come from them. */
  readonly ctr: { readonly bucket: string; readonly prefix: string } | undefined;
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
    ctr:
      e[ENV.ctrPrefix] === undefined && e[ENV.ctrBucket] === undefined
        ? undefined
        : { bucket: e[ENV.ctrBucket] ?? e[ENV.exportsBucket], prefix: e[ENV.ctrPrefix] ?? '' },
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
