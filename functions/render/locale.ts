/**
 * The words of a scorecard, one JSON file per language under `templates/locales/`. The schema is
 * strict, so a key missing from (or misspelt in) one language fails at load time, naming the key.
 */

import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ALERT_KINDS } from '../engine/alerts.js';
import { KPI_IDS } from '../engine/catalogue.js';
import type { FormatWords, Locale } from '../engine/format.js';
import { FAMILIES } from '../engine/kpi.js';
import { STATUSES } from '../engine/report-schema.js';

/**
 * Where the templates and locale files live: beside `functions/` in the sources; in Lambda, where the
 * code is one bundle at the task root, in the `templates/` folder copied beside it at bundling.
 */
export const TEMPLATES_DIR =
  process.env.LAMBDA_TASK_ROOT === undefined
    ? new URL('../../templates/', import.meta.url)
    : pathToFileURL(`${process.env.LAMBDA_TASK_ROOT}/templates/`);

const byPeriod = z.object({ day: z.string(), week: z.string(), month: z.string() }).strict();

const keyed = <const K extends readonly [string, ...string[]]>(keys: K) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.string()])) as { [P in K[number]]: z.ZodString }).strict();

/** A sentence about a KPI, the same for every French form of its name or one per form (ms, fs, mp, fp). */
const formed = z.union([
  z.string(),
  z.object({ ms: z.string(), fs: z.string(), mp: z.string(), fp: z.string() }).strict(),
]);

/** A sentence per plural category of its count. */
const counted = keyed(['one', 'other']);

/** A sentence per direction of the KPI: "is below target" for higher-is-better, "is above target" for lower. */
const directed = z.object({ higher: formed, lower: formed }).strict();

/** One entry per KPI of the catalogue: a locale file that misses one fails to load. */
const perKpi = <T extends z.ZodType>(schema: T) =>
  z.object(Object.fromEntries(KPI_IDS.map((id) => [id, schema])) as Record<(typeof KPI_IDS)[number], T>).strict();

const alertSchema = z
  .object({
    subject: z.string(),
    title: keyed(ALERT_KINDS),
    rule: z.string(),
    conditions: keyed(['below_target', 'drop_points', 'rise_percent', 'no_data', 'reject_share', 'unknown']),
    values: z.string(),
    scopes: keyed(['channel', 'agent']),
  })
  .strict();

/** The sentences of changes and alerts (functions/render/wording.ts fills them). */
const sentencesSchema = z
  .object({
    rose: formed,
    fell: formed,
    /** A duration that fell: "a diminué de" rather than "a baissé de". */
    shortened: formed,
    at: z.string(),
    target: z.string(),
    lastYear: z.string(),
    points: counted,
    withPercent: z.string(),
    up: z.string(),
    down: z.string(),
    entered: z.object({ ok: formed, warning: formed, breach: formed }).strict(),
    statusDetail: z.string(),
    scoped: z.string(),
  })
  .strict();

const alertSentencesSchema = z
  .object({
    below_target: z
      .object({ fired: directed, recovered: directed, still_breached: directed, detail: z.string() })
      .strict(),
    drop_points: z.object({ recovered: formed, still_breached: z.string() }).strict(),
    rise_percent: z.object({ recovered: formed, still_breached: z.string() }).strict(),
    change: z.string(),
    no_data: keyed(['fired', 'previous', 'recovered', 'still_breached']),
    reject_share: keyed(ALERT_KINDS),
  })
  .strict();

const REJECT_REASONS = [
  'bad_json',
  'not_an_object',
  'missing_field',
  'wrong_type',
  'bad_timestamp',
  'timestamp_out_of_range',
  'negative_duration',
  'unknown_value',
  'out_of_range',
  'inconsistent',
  'wrong_column_count',
  'line_too_long',
  'bad_encoding',
  'unreadable_file',
  'unsupported_file',
  'other',
] as const;

const dataQualitySchema = z
  .object({
    title: z.string(),
    banner: z.string(),
    bannerRejects: z.string(),
    bannerIncomplete: counted,
    bannerMissing: counted,
    kind: counted,
    kindNoTotal: counted,
    reason: z.string(),
    fix: z.string(),
    whatToDo: z.string(),
    incomplete: z.string(),
    outsideWindow: counted,
    excluded: z.string(),
    lateDay: z.string(),
    missing: z.string(),
    revised: z.string(),
    trendGaps: counted,
    /** Per reject reason (the part before ":"), what it means and what to do; `other` for a reason not listed. */
    reasons: z
      .object(
        Object.fromEntries(REJECT_REASONS.map((r) => [r, keyed(['label', 'fix'])])) as Record<
          (typeof REJECT_REASONS)[number],
          ReturnType<typeof keyed<readonly ['label', 'fix']>>
        >,
      )
      .strict(),
  })
  .strict();

export const stringsSchema = z
  .object({
    lang: z.enum(['fr', 'en']),
    subject: byPeriod,
    title: byPeriod,
    period: byPeriod,
    timezone: z.string(),
    headlines: z.string(),
    target: z.string(),
    previous: byPeriod,
    noData: z.string(),
    status: keyed([...STATUSES, 'none']),
    columns: keyed(['kpi', 'value', 'status', 'change', 'key', 'count', 'share']),
    families: keyed(FAMILIES),
    breakdownTotal: z.string(),
    channels: z.record(z.string(), z.string()),
    teams: keyed(['title', 'team', 'targets']),
    queues: keyed(['title', 'queue']),
    sparkline: byPeriod,
    verbatims: keyed(['title', 'intro', 'score', 'team', 'empty']),
    surveyKinds: keyed(['csat', 'nps', 'ces', 'esat']),
    notices: keyed(['alerts']),
    footer: keyed(['generated', 'archive']),
    units: keyed(['points', 'day', 'hour', 'minute', 'second']),
    alert: alertSchema,
    archive: z
      .object({
        title: z.string(),
        intro: z.string(),
        kinds: byPeriod,
        scorecard: z.string(),
        data: z.string(),
        empty: z.string(),
      })
      .strict(),
    /** How a sentence names each KPI ("le FCR", "la DMT") and the French form of that name. */
    kpis: perKpi(z.object({ subject: z.string(), form: z.enum(['ms', 'fs', 'mp', 'fp']) }).strict()),
    /** KPI names that carry a threshold: "{name} (en {T})". */
    kpiThresholds: keyed(['service_level', 'abandon_rate', 'social_responsiveness']),
    sentences: sentencesSchema,
    /** A change's worth for the KPI, beside its figure. */
    quality: keyed(['better', 'worse']),
    changes: z
      .object({
        title: z.string(),
        against: keyed(['day', 'week', 'month', 'same_weekday_last_week']),
        groups: keyed(['worse', 'better', 'neutral']),
        none: z.string(),
        noReference: z.string(),
      })
      .strict(),
    alerts: alertSentencesSchema,
    /** An export kind as a plural noun ("tickets", "réponses aux enquêtes"). */
    exportKinds: keyed(['contacts', 'tickets', 'surveys', 'agent_days', 'customers', 'orders', 'costs']),
    dataQuality: dataQualitySchema,
    glossary: z
      .object({
        title: z.string(),
        intro: z.string(),
        thresholds: z.string(),
        unit: z.string(),
        units: keyed(['count', '%', 's', 'pts', 'score', 'currency']),
        better: keyed(['higher', 'lower', 'none']),
        link: z.string(),
      })
      .strict(),
    /** Each KPI's definition; the English one is docs/spec.md §3's, word for word (a test checks). */
    definitions: perKpi(z.string().min(1)),
  })
  .strict();

/** Every visible word of a scorecard in one language. */
export type Strings = z.infer<typeof stringsSchema>;

/** A locale file that cannot be read or does not match the schema. */
export class LocaleError extends Error {
  override readonly name = 'LocaleError';
}

const cache = new Map<Locale, Promise<Strings>>();

/**
 * French sets a no-break space before `:` `;` `!` `?` and inside « »: written as plain spaces in the
 * locale file, they are pinned here, so a narrow column never starts a line with a colon.
 */
function frenchSpacing(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/ ([:;!?»])/g, '\u00a0$1').replace(/« /g, '«\u00a0');
  if (Array.isArray(value)) return value.map(frenchSpacing);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frenchSpacing(v)]));
  }
  return value;
}

async function readStrings(locale: Locale): Promise<Strings> {
  const url = new URL(`locales/${locale}.json`, TEMPLATES_DIR);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(url, 'utf8'));
  } catch (cause) {
    throw new LocaleError(`cannot read locale file ${url.pathname}`, { cause });
  }
  const parsed = stringsSchema.safeParse(locale === 'fr' ? frenchSpacing(json) : json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new LocaleError(`invalid locale file ${url.pathname}: ${issues}`);
  }
  if (parsed.data.lang !== locale)
    throw new LocaleError(`locale file ${url.pathname} declares lang ${parsed.data.lang}`);
  return parsed.data;
}

/** The strings of a language, read once per process. */
export function loadStrings(locale: Locale): Promise<Strings> {
  let strings = cache.get(locale);
  if (strings === undefined) {
    strings = readStrings(locale);
    // A failed read is not cached: the next call retries and reports the error again.
    strings.catch(() => cache.delete(locale));
    cache.set(locale, strings);
  }
  return strings;
}

/** The words a `Formatter` needs, taken from a language's strings. */
export function formatWords(strings: Strings): FormatWords {
  return { noData: strings.noData, ...strings.units };
}

/**
 * Fills `{name}` placeholders of a locale sentence. The result is plain text: the template escapes it
 * when it lands in HTML. A placeholder without a value is a bug in the caller, so it throws.
 */
export function fill(sentence: string, values: Readonly<Record<string, string | number>>): string {
  return sentence.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new LocaleError(`no value for {${name}} in "${sentence}"`);
    return String(value);
  });
}
