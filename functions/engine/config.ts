/**
 * Vigie's configuration: a schema, then normalisation and cross-checks, giving either a config or
 * errors that each name the key at fault ("targets.answer_rate.target: …"). Pure: reading the file
 * is the CLI's or the handler's business.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { alertRulesSchema, checkAlertRules, EXAMPLE_ALERT_RULES } from './alerts.js';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');
const emailAddress = z.email();

const targetSchema = z.strictObject({
  /** In the KPI's display unit: percent (0–100) for `%` KPIs, points for `pts`, seconds for durations. */
  target: z.number().finite(),
  /** Width of the warning band on the bad side of the target, same unit. */
  warning: z.number().finite().nonnegative().optional(),
});

/** One line of text: a CR or LF in a name would start a new mail header. */
const oneLine = z.string().regex(/^[^\r\n]*$/, 'must be one line');

/**
 * What part of the report a recipient reads: the whole centre (with a section per team), or one team
 * or queue (its own figures only, and a subject naming it).
 */
const recipientScopeSchema = z.union(
  [z.literal('centre'), z.strictObject({ team: oneLine.min(1) }), z.strictObject({ queue: oneLine.min(1) })],
  { error: 'expected centre, { team: NAME } or { queue: NAME }' },
);

export type RecipientScope = z.output<typeof recipientScopeSchema>;

const recipientSchema = z.strictObject({
  email: emailAddress,
  name: oneLine.max(100).optional(),
  locale: z.enum(['fr', 'en']).default('fr'),
  scopes: z.array(recipientScopeSchema).min(1).default(['centre']),
  /**
   * Separate alert mails: every alert (`true`), none, or those of the listed rule ids; always within
   * `scopes`. Off unless asked for: the scorecard already lists the period's alerts among its notices.
   */
  alerts: z.union([z.boolean(), z.array(z.string().min(1)).min(1)]).default(false),
});

export type Recipient = z.output<typeof recipientSchema>;

/** Cross-checks of the `mail` section: alert rule ids a recipient names must exist. */
function checkRecipients(recipients: readonly Recipient[], ruleIds: ReadonlySet<string>): string[] {
  const errors: string[] = [];
  recipients.forEach((r, i) => {
    if (!Array.isArray(r.alerts)) return;
    r.alerts.forEach((id, j) => {
      if (!ruleIds.has(id)) errors.push(`mail.recipients.${i}.alerts.${j}: unknown alert rule id ${id}`);
    });
  });
  return errors;
}

/**
 * Where a contact's team, queue, reason or customer is read in an Amazon Connect contact trace record:
 * `attribute:NAME` (a contact attribute the flows set), `hierarchy:N` (the group name at level N, 1–5, of
 * the agent's hierarchy), `queue` (the queue's name) or `endpoint` (the customer's phone number or address).
 * Names go into JSON paths, so quotes, backslashes and control characters are refused.
 */
export type ConnectSource =
  | { readonly kind: 'attribute'; readonly name: string }
  | { readonly kind: 'hierarchy'; readonly level: number }
  | { readonly kind: 'queue' }
  | { readonly kind: 'endpoint' };

/** What a JSON path member name cannot hold in either engine's quoting: quotes, backslashes, control characters. */
const UNSAFE_IN_PATH = /["\\\p{Cc}]/u;

function connectSource(allowed: readonly ConnectSource['kind'][]) {
  const forms = allowed.map((k) => (k === 'attribute' ? 'attribute:NAME' : k === 'hierarchy' ? 'hierarchy:1-5' : k));
  const message = `expected ${forms.join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
  return z.string().transform((value, ctx): ConnectSource => {
    const attribute = /^attribute:(.{1,128})$/.exec(value);
    const hierarchy = /^hierarchy:([1-5])$/.exec(value);
    const source: ConnectSource | null =
      attribute?.[1] !== undefined && !UNSAFE_IN_PATH.test(attribute[1])
        ? { kind: 'attribute', name: attribute[1] }
        : hierarchy?.[1] !== undefined
          ? { kind: 'hierarchy', level: Number(hierarchy[1]) }
          : value === 'queue'
            ? { kind: 'queue' }
            : value === 'endpoint'
              ? { kind: 'endpoint' }
              : null;
    if (source === null || !allowed.includes(source.kind)) {
      ctx.addIssue({ code: 'custom', message: `${message}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return source;
  });
}

/**
 * Amazon Connect contact trace records as the contacts input (docs/connect.md). The defaults suit a plain
 * instance: the queue's name, the agent's first hierarchy level as team, the customer's endpoint, and a
 * `reason` attribute when the flows set one.
 */
const connectSchema = z
  .strictObject({
    /** Embedded default: a local folder of CTR objects in Firehose's layout (as `--ctr`, which wins). */
    ctr: z.string().min(1).optional(),
    team: connectSource(['attribute', 'hierarchy']).prefault('hierarchy:1'),
    queue: connectSource(['queue', 'attribute']).prefault('queue'),
    reason: connectSource(['attribute']).prefault('attribute:reason'),
    customer: connectSource(['endpoint', 'attribute']).prefault('endpoint'),
    /** Tasks are not customer contacts unless given a channel here (docs/spec.md §1). */
    task_channel: z.enum(['voice', 'email', 'chat', 'social', 'sms', 'bot']).optional(),
    /**
     * Days after a contact's day whose delivery partitions are read too: Firehose files a record by when it
     * is delivered, and Connect delivers a contact again when it changes (after-contact work, attributes).
     */
    delivery_days: z.number().int().min(0).max(14).default(2),
  })
  .prefault({});

export type ConnectConfig = z.output<typeof connectSchema>;

/** The `connect:` section of a config that says nothing of it: what a plain Connect instance needs. */
export const DEFAULT_CONNECT: ConnectConfig = connectSchema.parse(undefined);

export const configSchema = z.strictObject({
  centre: z
    .string()
    .min(1)
    .regex(/^[^\r\n]*$/, 'must be one line')
    .default('Centre de relation client'),
  timezone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'unknown IANA time zone')
    .default('Europe/Paris'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR')
    .default('EUR'),
  thresholds: z
    .strictObject({
      service_level_s: z.number().positive().default(20),
      short_abandon_s: z.number().nonnegative().default(5),
      social_reply_s: z.number().positive().default(3600),
    })
    .prefault({}),
  service_level: z.strictObject({ count_abandons_within_t: z.boolean().default(false) }).prefault({}),
  business_hours: z
    .strictObject({
      /** ISO weekdays, 1 = Monday … 7 = Sunday. */
      days: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
      start: time.default('08:00'),
      end: time.default('19:00'),
    })
    .prefault({})
    .refine((h) => h.start < h.end, { message: 'start must be before end', path: ['end'] }),
  keywords: z
    .array(z.string().min(1).max(100))
    .max(100)
    .default(['résiliation', 'remboursement', 'concurrent', 'retard']),
  top_reasons: z.number().int().min(1).max(50).default(5),
  /** Digests `vigie run` also emits: the past ISO week on Mondays, the past month on the 1st. */
  digests: z
    .strictObject({ weekly_on_monday: z.boolean().default(true), monthly_on_first: z.boolean().default(true) })
    .prefault({}),
  /** Days before the run's day whose partitions are re-read each night, so late data restates them. */
  lookback_days: z.number().int().min(0).max(31).default(3),
  /**
   * Days before the look-back whose export listings each night compares with what was filed: a day whose
   * files changed since is named in `inputs.late_days` with the backfill command that restates it. 0: no check.
   */
  late_check_days: z.number().int().min(0).max(366).default(35),
  verbatims: z.number().int().min(0).max(20).default(5),
  /**
   * Compaction of settled export partitions (older than the look-back window) into Parquet checked
   * records, which later runs read instead of the exports: on Athena, a fraction of the bytes scanned.
   */
  compaction: z
    .strictObject({
      enabled: z.boolean().default(false),
      /**
       * Partitions of one kind a run compacts at most (on Athena one UNLOAD per kind writes them, and an
       * UNLOAD writes at most 100 partitions); the rest wait for the next runs, oldest first.
       */
      max_partitions_per_run: z.number().int().min(1).max(100).default(62),
    })
    .prefault({}),
  targets: z
    .record(z.string(), targetSchema.extend({ scopes: z.record(z.string(), targetSchema).optional() }))
    .optional(),
  mail: z
    .strictObject({
      from: emailAddress.default('vigie@example.com'),
      recipients: z
        .array(recipientSchema)
        .default([{ email: 'manager@example.com', locale: 'fr', scopes: ['centre'], alerts: true }]),
    })
    .prefault({}),
  /** Alert rules (see functions/engine/alerts.ts); the example rule set applies when the key is absent. */
  alerts: alertRulesSchema.default(() => alertRulesSchema.parse(EXAMPLE_ALERT_RULES)),
  /** Base URL under which the archive is browsable, for links in mails: http or https only. */
  archive_url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  connect: connectSchema,
});

export type ConfigInput = z.input<typeof configSchema>;
type ParsedConfig = z.output<typeof configSchema>;

/** A KPI target in the KPI's own value unit (ratios 0–1 for `%` KPIs). */
export interface Target {
  readonly target: number;
  readonly warning: number;
}

/** Normalised configuration: the schema's output with targets resolved to value units. */
export interface Config extends Omit<ParsedConfig, 'targets'> {
  /** Targets per KPI id; `scopes` keyed by scope key ("team:Sud"). */
  readonly targets: Readonly<Record<string, Target & { readonly scopes: Readonly<Record<string, Target>> }>>;
}

/** Facts about a KPI that config checks need (kept minimal so config does not import the catalogue). */
export interface KpiFacts {
  readonly unit: string;
}

/**
 * Targets that the seeds give, used unless the config says otherwise: NF 345 answer rate 90 %,
 * service level 80 % in 20 s, abandons ≤ 5 %, CSAT ≥ 90 %, first response to email within 24 h.
 */
export const DEFAULT_TARGETS: Readonly<Record<string, z.infer<typeof targetSchema>>> = {
  answer_rate: { target: 90, warning: 2 },
  service_level: { target: 80, warning: 5 },
  abandon_rate: { target: 5, warning: 1 },
  csat: { target: 90, warning: 3 },
  frt: { target: 86_400, warning: 3_600 },
};

export type ConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly errors: string[] };

const SCOPE_KEY = /^(team|queue|channel|agent):.+$/;

function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** Validates and normalises a parsed config document against the KPI catalogue. */
export function parseConfig(input: unknown, catalogue: ReadonlyMap<string, KpiFacts>): ConfigResult {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`) };
  }
  const errors: string[] = [];
  const toValueUnit = (id: string, key: string, t: z.infer<typeof targetSchema>): Target | null => {
    const unit = catalogue.get(id)?.unit;
    if (unit === undefined) return null;
    const [lo, hi] = unit === '%' ? [0, 100] : unit === 'pts' ? [-100, 100] : [0, Number.POSITIVE_INFINITY];
    if (t.target < lo || t.target > hi) {
      errors.push(`${key}.target: ${t.target} is outside ${lo}–${hi} for a KPI in ${unit}`);
      return null;
    }
    const per = unit === '%' ? 100 : 1;
    return { target: t.target / per, warning: (t.warning ?? 0) / per };
  };
  const targets: Record<string, Target & { scopes: Record<string, Target> }> = {};
  const merged = { ...DEFAULT_TARGETS, ...(parsed.data.targets ?? {}) };
  for (const [id, t] of Object.entries(merged)) {
    if (!catalogue.has(id)) {
      errors.push(`targets.${id}: unknown KPI id`);
      continue;
    }
    const base = toValueUnit(id, `targets.${id}`, t);
    if (base === null) continue;
    const scopes: Record<string, Target> = {};
    for (const [scope, st] of Object.entries(('scopes' in t ? t.scopes : undefined) ?? {})) {
      if (!SCOPE_KEY.test(scope)) {
        errors.push(`targets.${id}.scopes.${scope}: expected team:NAME, queue:NAME, channel:NAME or agent:NAME`);
        continue;
      }
      const resolved = toValueUnit(id, `targets.${id}.scopes.${scope}`, st);
      if (resolved !== null) scopes[scope] = resolved;
    }
    targets[id] = { ...base, scopes };
  }
  errors.push(...checkAlertRules(parsed.data.alerts));
  errors.push(...checkRecipients(parsed.data.mail.recipients, new Set(parsed.data.alerts.map((r) => r.id))));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: { ...parsed.data, targets } };
}
