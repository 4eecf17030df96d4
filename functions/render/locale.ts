/**
 * The words of a scorecard, one JSON file per language under `templates/locales/`. The schema is
 * strict, so a key missing from (or misspelt in) one language fails at load time, naming the key.
 */

import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
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

const alertSchema = z
  .object({
    subject: z.string(),
    title: keyed(['firing', 'recovered']),
    rule: z.string(),
    conditions: keyed(['below_target', 'drop_points', 'rise_percent', 'no_data', 'unknown']),
    values: z.string(),
    points: keyed(['one', 'other']),
    headline: z
      .object({
        fell: formed,
        rose: formed,
        under: formed,
        over: formed,
        noData: formed,
        backAbove: formed,
        backBelow: formed,
        noLongerWorsening: formed,
        noLongerRising: formed,
        dataBack: formed,
      })
      .strict(),
    scopes: keyed(['channel', 'agent']),
    /** Short KPI names for subjects ("FCR"); the catalogue's name otherwise. */
    shortNames: z.record(z.string(), z.string()),
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
    teams: keyed(['title', 'team']),
    queues: keyed(['title', 'queue']),
    sparkline: byPeriod,
    verbatims: keyed(['title', 'intro', 'score', 'team', 'empty']),
    surveyKinds: keyed(['csat', 'nps', 'ces', 'esat']),
    rejects: keyed(['none', 'one', 'other', 'reason']),
    notices: keyed(['alerts', 'missing', 'revised']),
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
  })
  .strict();

/** Every visible word of a scorecard in one language. */
export type Strings = z.infer<typeof stringsSchema>;

/** A locale file that cannot be read or does not match the schema. */
export class LocaleError extends Error {
  override readonly name = 'LocaleError';
}

const cache = new Map<Locale, Promise<Strings>>();

async function readStrings(locale: Locale): Promise<Strings> {
  const url = new URL(`locales/${locale}.json`, TEMPLATES_DIR);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(url, 'utf8'));
  } catch (cause) {
    throw new LocaleError(`cannot read locale file ${url.pathname}`, { cause });
  }
  const parsed = stringsSchema.safeParse(json);
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
