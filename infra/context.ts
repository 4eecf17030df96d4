/**
 * The deployment's settings, read from CDK context (`-c key=value` or `cdk.json`) and validated at synth:
 * a typo or a bad value fails `cdk synth` with one line naming the key, before anything is deployed.
 */
import { z } from 'zod';

/** A context value that cannot be used; the message is one line naming the key. */
export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/** The config deployed, without its recipients, when no `-c configFile` is given. */
export const EXAMPLE_CONFIG_FILE = 'config/vigie.example.yaml';

/** The sender used when none is given: enough to synthesize and test, never deliverable (see docs/deploy.md). */
export const PLACEHOLDER_SENDER = 'vigie@example.com';

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

// `-c key=value` always gives strings; `cdk.json` may give numbers or booleans. Both are accepted.
const text = z.union([z.string(), z.number()]).transform(String);
const whole = (min: number, max: number) =>
  text
    .refine((v) => /^\d+$/.test(v), 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
const hhmm = text
  .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), 'must be HH:MM (24-hour clock)')
  .transform((v) => ({ hour: Number(v.slice(0, 2)), minute: Number(v.slice(3)) }));
const bucketName = text.refine(
  (v) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) && !v.includes('..'),
  'must be an S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)',
);
const keyPrefix = text.refine(
  (v) => v === '' || (v.endsWith('/') && !v.startsWith('/') && !v.includes('//')),
  'must be empty or a key prefix ending with "/" (no leading "/")',
);
const flag = z
  .union([z.boolean(), z.string()])
  .refine((v) => typeof v === 'boolean' || v === 'true' || v === 'false', 'must be true or false')
  .transform((v) => v === true || v === 'true');
const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const domain = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const contextSchema = z
  .strictObject({
    timezone: text.refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').default('Europe/Paris'),
    exportsBucket: bucketName.optional(),
    exportsPrefix: keyPrefix.default(''),
    ctrBucket: bucketName.optional(),
    // Firehose pastes its prefix before the date as it is: `ctr` (no slash) and `""` (the bucket root) are prefixes too.
    ctrPrefix: text.refine((v) => !v.startsWith('/'), 'must be a key prefix (no leading "/")').optional(),
    sender: text
      .refine((v) => email.test(v) || domain.test(v), 'must be an email address or a domain verified in SES')
      .default(PLACEHOLDER_SENDER),
    sesConfigurationSet: text
      .refine((v) => /^[A-Za-z0-9_-]{1,64}$/.test(v), 'must be an SES configuration set name')
      .optional(),
    // Absent: the example config without its recipients (archive only), with a warning.
    configFile: text.refine((v) => v.trim() !== '', 'must be a path').optional(),
    allowExampleRecipients: flag.default(false),
    // 03:30, not 02:30: in most zones 02:xx does not exist on the spring-forward night and Scheduler skips it.
    nightlyAt: hhmm.default({ hour: 3, minute: 30 }),
    // The monthly digest runs 30 minutes after it, on the same day.
    digestAt: hhmm
      .refine(
        (t) => t.hour * 60 + t.minute <= 23 * 60 + 29,
        'must be 23:29 or earlier (the monthly digest runs 30 minutes later)',
      )
      .default({ hour: 7, minute: 0 }),
    // Athena refuses a cutoff below 10 MB.
    bytesScannedCutoffMb: whole(10, 10_000_000).default(10_240),
    lookbackDays: whole(0, 31).optional(),
    alarmEmail: text.refine((v) => email.test(v), 'must be an email address').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.ctrPrefix !== undefined && c.ctrBucket === undefined)
      ctx.addIssue({ code: 'custom', path: ['ctrPrefix'], message: 'needs ctrBucket' });
  });

/** The validated settings. Times are local to `timezone`. */
export interface VigieContext {
  readonly timezone: string;
  /** Existing bucket to read exports from; `undefined`: the stack creates one. */
  readonly exportsBucket: string | undefined;
  readonly exportsPrefix: string;
  readonly ctr: { readonly bucket: string; readonly prefix: string } | undefined;
  /** The SES identity: an email address or a domain. */
  readonly sender: string;
  /** The From address: the sender when it is an address, `vigie@<domain>` for a domain identity. */
  readonly fromAddress: string;
  readonly sesConfigurationSet: string | undefined;
  /** The YAML config to upload; `undefined`: the example's settings without recipients (EXAMPLE_CONFIG_FILE). */
  readonly configFile: string | undefined;
  /** Whether recipients at reserved example domains (never delivered) may be deployed, for trials. */
  readonly allowExampleRecipients: boolean;
  readonly nightlyAt: { readonly hour: number; readonly minute: number };
  readonly digestAt: { readonly hour: number; readonly minute: number };
  readonly bytesScannedCutoffMb: number;
  /** Overrides `lookback_days` of the uploaded config when set. */
  readonly lookbackDays: number | undefined;
  readonly alarmEmail: string | undefined;
}

/** The context keys Vigie reads, for documentation and the unknown-key check. */
export const CONTEXT_KEYS: readonly string[] = Object.keys(contextSchema.shape);

/**
 * Whether a context key is one Vigie could own. CDK's own keys are namespaced (`@aws-cdk/…`, `aws:cdk:…`,
 * `availability-zones:…`) or hyphenated (`acknowledged-issue-numbers`); Vigie's are plain camelCase words,
 * so any such word that is not a Vigie key is a typo (`timeZone`, `nightlyat`) and fails synth.
 */
const isVigieShaped = (key: string): boolean => /^[a-z][A-Za-z0-9]*$/.test(key);

/**
 * Validates the raw context (every key of the app's context; CDK's own are ignored).
 *
 * @example
 * parseContext({ timezone: 'Europe/Paris', nightlyAt: '02:30' }).nightlyAt // { hour: 2, minute: 30 }
 */
export function parseContext(raw: Readonly<Record<string, unknown>>): VigieContext {
  const own = Object.fromEntries(Object.entries(raw).filter(([key]) => isVigieShaped(key)));
  const parsed = contextSchema.safeParse(own);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys')
      throw new ContextError(
        `context ${issue.keys.join(', ')}: unknown key (expected one of ${CONTEXT_KEYS.join(', ')})`,
      );
    const key = String(issue?.path[0] ?? 'context');
    const value = own[key];
    const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
    throw new ContextError(`context ${key}:${shown} ${issue?.message ?? 'is invalid'}`);
  }
  const c = parsed.data;
  return {
    timezone: c.timezone,
    exportsBucket: c.exportsBucket,
    exportsPrefix: c.exportsPrefix,
    ctr: c.ctrBucket === undefined ? undefined : { bucket: c.ctrBucket, prefix: c.ctrPrefix ?? '' },
    sender: c.sender,
    fromAddress: c.sender.includes('@') ? c.sender : `vigie@${c.sender}`,
    sesConfigurationSet: c.sesConfigurationSet,
    configFile: c.configFile,
    allowExampleRecipients: c.allowExampleRecipients,
    nightlyAt: c.nightlyAt,
    digestAt: c.digestAt,
    bytesScannedCutoffMb: c.bytesScannedCutoffMb,
    lookbackDays: c.lookbackDays,
    alarmEmail: c.alarmEmail,
  };
}
