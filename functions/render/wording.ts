/**
 * The one place where changes and alerts become sentences ("Le FCR a baissé de 2 points, à 64,1 %
 * (objectif 70 %)", "La DMT a diminué de 12 s (2,9 %), à 6 min 39 s"). The engine hands over numbers
 * and kinds; the sentences are the locale files' (`templates/locales/*.json`: `sentences`, `alerts`),
 * filled here with the reader's number formats. Scorecards, alert mails, their text parts and
 * report.json's alert messages all call these functions.
 */
import type { AlertRule } from '../engine/alerts.js';
import { kpiById } from '../engine/catalogue.js';
import { compareKpi } from '../engine/delta.js';
import { createFormatter, type Formatter, type Locale, pluralOf } from '../engine/format.js';
import type { KpiDefinition, Unit } from '../engine/kpi.js';
import type { Report, ReportAlert, ReportChange } from '../engine/report-schema.js';
import { fill, formatWords, loadStrings, type Strings } from './locale.js';
import { reportScopeName } from './names.js';

/** What wording needs: the locale's strings, a formatter in the reader's language, and the report's thresholds. */
export interface Words {
  readonly strings: Strings;
  readonly format: Formatter;
  readonly locale: Locale;
}

type Form = 'ms' | 'fs' | 'mp' | 'fp';
type Formed = string | Readonly<Record<Form, string>>;

const INTL: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };
const NNBSP = '\u202f';
const MINUS = '\u2212';

/** The sentence for a KPI name's form (English files give one string, or the same keys for is/are). */
const formOf = (sentence: Formed, form: Form): string => (typeof sentence === 'string' ? sentence : sentence[form]);

/** A sentence starts with a capital, whatever the subject ("le FCR" → "Le FCR a baissé …"). */
export const capitalised = (text: string, locale: Locale): string =>
  text.charAt(0).toLocaleUpperCase(INTL[locale]) + text.slice(1);

/** How sentences name a KPI ("le FCR", "the answer rate") and the form its words agree with. */
function subjectOf(kpiId: string, words: Words): { readonly subject: string; readonly form: Form } {
  const own = (words.strings.kpis as Readonly<Record<string, { subject: string; form: Form }>>)[kpiId];
  return own ?? { subject: kpiById(kpiId)?.name[words.locale] ?? kpiId, form: 'ms' };
}

/** A number with at most one decimal ("2", "1,5"). */
const oneDecimal = (n: number, locale: Locale): string =>
  new Intl.NumberFormat(INTL[locale], { maximumFractionDigits: 1 }).format(n);

/** A ratio as a percentage with at most one decimal ("64,1 %", "70 %"): how a sentence reads a rate. */
export function sentencePercent(ratio: number, locale: Locale): string {
  const text = new Intl.NumberFormat(INTL[locale], { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
  // French sets a narrow no-break space before %; ICU versions differ (U+00A0 or U+202F), so pin it.
  return text.replace(/[\u00a0\u202f]%/, `${NNBSP}%`);
}

/** A KPI value in a sentence: a rate with at most one decimal, anything else as the tables show it. */
export function sentenceValue(unit: Unit, value: number | null, words: Words): string {
  return unit === '%' && value !== null && Number.isFinite(value)
    ? sentencePercent(value, words.locale)
    : words.format.value(value, unit);
}

/** "2 points", "1,5 point": a number of points with its noun agreeing. */
function points(n: number, words: Words): string {
  const rounded = Math.round(n * 10) / 10;
  const sentence =
    pluralOf(words.locale, rounded) === 'one'
      ? words.strings.sentences.points.one
      : words.strings.sentences.points.other;
  return fill(sentence, { n: oneDecimal(rounded, words.locale) });
}

/**
 * How much a KPI moved, without a sign (the verb says which way): points for `%` and `pts` KPIs,
 * the unit and percent of the earlier value for counts, durations and amounts ("12 s (2,9 %)"), the
 * unit alone for a mean score. With `signed`, the sign is written ("−3,5 points", "+445 (+4,6 %)").
 */
export function amountOf(unit: Unit, delta: number, deltaPercent: number | null, words: Words, signed = false): string {
  const sign = !signed || delta === 0 ? '' : delta < 0 ? MINUS : '+';
  const size = Math.abs(delta);
  if (unit === '%' || unit === 'pts') return `${sign}${points(size, words)}`;
  const inUnit =
    unit === 's'
      ? words.format.duration(size)
      : unit === 'count'
        ? words.format.count(size)
        : unit === 'currency'
          ? words.format.currency(size)
          : words.format.score(size);
  if (unit === 'score' || deltaPercent === null) return `${sign}${inUnit}`;
  const percent = `${sign}${sentencePercent(Math.abs(deltaPercent) / 100, words.locale)}`;
  return fill(words.strings.sentences.withPercent, { amount: `${sign}${inUnit}`, percent });
}

/** What a moved-sentence says about a KPI. */
export interface Move {
  readonly value: number;
  readonly reference: number;
  readonly target: number | null;
  /** The change since the same period a year earlier, when stored. */
  readonly lastYearDelta?: number | null;
  readonly lastYear?: number | null;
}

function targetClause(kpi: KpiDefinition, target: number | null, words: Words): string {
  return target === null
    ? ''
    : fill(words.strings.sentences.target, { target: sentenceValue(kpi.unit, target, words) });
}

function lastYearClause(kpi: KpiDefinition, move: Move, words: Words): string {
  if (move.lastYearDelta == null || move.lastYear == null) return '';
  const { deltaPercent } = compareKpi(kpi.unit, move.value, move.lastYear);
  return fill(words.strings.sentences.lastYear, {
    delta: amountOf(kpi.unit, move.lastYearDelta, deltaPercent, words, true),
  });
}

/**
 * "le FCR a baissé de 2 points, à 64,1 % (objectif 70 %)" — which way the value moved and by how much,
 * uncapitalised (a caller may prefix it). `brief` leaves out where it landed and the target.
 */
export function movedSentence(kpi: KpiDefinition, move: Move, words: Words, brief = false): string {
  const { subject, form } = subjectOf(kpi.id, words);
  const { delta, deltaPercent } = compareKpi(kpi.unit, move.value, move.reference);
  const s = words.strings.sentences;
  const d = delta ?? 0;
  const verb = d > 0 ? s.rose : kpi.unit === 's' ? s.shortened : s.fell;
  const head = fill(formOf(verb, form), { subject, amount: amountOf(kpi.unit, d, deltaPercent, words) });
  if (brief) return head;
  return `${head}${fill(s.at, { value: sentenceValue(kpi.unit, move.value, words) })}${targetClause(kpi, move.target, words)}${lastYearClause(kpi, move, words)}`;
}

const STATUS_WORDS = new Set(['ok', 'warning', 'breach']);

/**
 * A notable change as a sentence, capitalised: a status change says where the KPI went ("La CSAT est
 * passée hors objectif : 57,2 % (objectif 90 %), en baisse de 1,3 point"), any other move how far it
 * went; the change since last year is added when stored.
 */
export function changeSentence(change: ReportChange, words: Words): string {
  const kpi = kpiById(change.kpi);
  if (kpi === undefined) return change.kpi;
  const move: Move = {
    value: change.value,
    reference: change.reference,
    target: change.target,
    lastYear: change.last_year,
    lastYearDelta: change.last_year_delta,
  };
  const s = words.strings.sentences;
  if (change.reason === 'status' && STATUS_WORDS.has(change.status) && STATUS_WORDS.has(change.reference_status)) {
    const { subject, form } = subjectOf(kpi.id, words);
    const entered = s.entered[change.status as 'ok' | 'warning' | 'breach'];
    const amount = amountOf(kpi.unit, change.delta, change.delta_percent, words);
    const sentence = `${fill(formOf(entered, form), { subject })}${fill(s.statusDetail, {
      value: sentenceValue(kpi.unit, change.value, words),
      target: targetClause(kpi, change.target, words),
      move: fill(change.delta < 0 ? s.down : s.up, { amount }),
    })}${lastYearClause(kpi, move, words)}`;
    return capitalised(sentence, words.locale);
  }
  return capitalised(movedSentence(kpi, move, words), words.locale);
}

/** An alert's numbers, with those an older report did not record read from the report's own figures. */
export interface AlertFacts {
  readonly kind: NonNullable<ReportAlert['kind']>;
  readonly type: NonNullable<ReportAlert['type']>;
  readonly value: number | null;
  readonly previous: number | null;
  readonly target: number | null;
  readonly threshold: number | null;
}

/**
 * The kind, type and numbers of a report alert. Reports archived before alerts carried them read as
 * fired, typed by the configured rule (or by the value: none means no data), with the scope's figures.
 */
export function alertFacts(report: Report, alert: ReportAlert, rules: readonly AlertRule[] = []): AlertFacts {
  const entry = report.scopes.find(
    (s) => s.scope.dimension === alert.scope.dimension && s.scope.value === alert.scope.value,
  )?.kpis[alert.kpi];
  const value = alert.value !== undefined ? alert.value : (entry?.value ?? null);
  const rule = rules.find((r) => r.id === alert.rule);
  return {
    kind: alert.kind ?? 'fired',
    type: alert.type ?? rule?.type ?? (value === null ? 'no_data' : 'below_target'),
    value,
    previous: alert.previous !== undefined ? alert.previous : (entry?.previous ?? null),
    target: alert.target !== undefined ? alert.target : (entry?.target ?? null),
    threshold: alert.threshold !== undefined ? alert.threshold : (rule?.threshold ?? null),
  };
}

/** "2 %", "12,5 %": a threshold in percent. */
const percentNumber = (n: number, locale: Locale): string => sentencePercent(n / 100, locale);

/**
 * An alert as a sentence, capitalised, without its scope: fired, recovered or still breached, for each
 * rule type. `brief` (mail subjects and headlines) leaves out where a moved KPI landed.
 */
export function alertSentence(facts: AlertFacts, alert: ReportAlert, words: Words, brief = false): string {
  const a = words.strings.alerts;
  const { kind } = facts;
  if (facts.type === 'reject_share') {
    const records =
      alert.source === undefined
        ? ''
        : ((words.strings.exportKinds as Readonly<Record<string, string>>)[alert.source] ?? alert.source);
    return capitalised(
      fill(a.reject_share[kind], {
        share: facts.value === null ? words.strings.noData : sentencePercent(facts.value, words.locale),
        records,
        count: words.format.count(alert.count ?? 0),
        total: words.format.count(alert.total ?? 0),
        threshold: percentNumber(facts.threshold ?? 0, words.locale),
      }),
      words.locale,
    );
  }
  const kpi = kpiById(alert.kpi);
  if (kpi === undefined) return alert.message;
  const { subject, form } = subjectOf(kpi.id, words);
  const value = sentenceValue(kpi.unit, facts.value, words);
  let sentence: string;
  switch (facts.type) {
    case 'below_target': {
      const side = kpi.better === 'lower' ? 'lower' : 'higher';
      const head = fill(formOf(a.below_target[kind][side], form), { subject });
      sentence = brief
        ? head
        : `${head}${fill(a.below_target.detail, { value, target: targetClause(kpi, facts.target, words) })}`;
      break;
    }
    case 'drop_points':
    case 'rise_percent': {
      const known = facts.value !== null && facts.previous !== null;
      const moved = known
        ? movedSentence(
            kpi,
            { value: facts.value ?? 0, reference: facts.previous ?? 0, target: facts.target },
            words,
            brief,
          )
        : fill(a.no_data.fired, { subject });
      if (kind === 'fired') sentence = moved;
      else if (kind === 'still_breached') sentence = fill(a[facts.type].still_breached, { sentence: moved });
      else {
        const change = fill(a.change, { previous: sentenceValue(kpi.unit, facts.previous, words), value });
        sentence = `${fill(formOf(a[facts.type].recovered, form), { subject })}${brief ? '' : change}`;
      }
      break;
    }
    case 'no_data':
      sentence =
        kind === 'recovered'
          ? fill(a.no_data.recovered, { subject, value })
          : kind === 'still_breached'
            ? fill(a.no_data.still_breached, { subject })
            : `${fill(a.no_data.fired, { subject })}${
                facts.previous === null || brief
                  ? ''
                  : fill(a.no_data.previous, { previous: sentenceValue(kpi.unit, facts.previous, words) })
              }`;
      break;
  }
  return capitalised(sentence, words.locale);
}

/** A sentence about one scope, prefixed with the scope's name unless it is the whole centre: "[Équipe Sud] …". */
export function scoped(scope: ReportAlert['scope'], sentence: string, words: Words, centre: string): string {
  if (scope.dimension === 'all') return sentence;
  return fill(words.strings.sentences.scoped, { scope: reportScopeName(scope, centre, words.strings), sentence });
}

/** The words of a report in one language: its strings and a formatter in its time zone. */
export async function wordsFor(report: Report, locale: Locale, currency?: string): Promise<Words> {
  const strings = await loadStrings(locale);
  const format = createFormatter({
    locale,
    timeZone: report.period.timezone,
    words: formatWords(strings),
    ...(currency ? { currency } : {}),
  });
  return { strings, format, locale };
}

/**
 * An alert's message for report.json (docs/spec.md §4): its sentence with its scope, in one language
 * (the pipeline passes the first recipient's).
 * @example await alertMessage(report, alert, { locale: 'fr' }) // "[Équipe Sud] Le FCR a baissé de 2 points, à 76 %"
 */
export async function alertMessage(
  report: Report,
  alert: Omit<ReportAlert, 'message'>,
  options: { readonly locale: Locale; readonly currency?: string },
): Promise<string> {
  const words = await wordsFor(report, options.locale, options.currency);
  const full = { ...alert, message: '' };
  return scoped(alert.scope, alertSentence(alertFacts(report, full), full, words), words, report.centre);
}

/** A duration threshold as people say it: "20 s", "5 min", "1 h". */
export function thresholdText(seconds: number, words: Words): string {
  const u = words.strings.units;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}\u00a0${u.hour}`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}\u00a0${u.minute}`;
  return words.format.duration(seconds);
}

/**
 * A KPI's name as a table or a glossary shows it: with the threshold its definition depends on, when
 * the report says it ("Niveau de service (en 20 s)", "Taux d'abandon (hors abandons ≤ 5 s)").
 */
export function kpiLabel(kpi: KpiDefinition, words: Words, thresholds: Report['thresholds']): string {
  const name = kpi.name[words.locale];
  const template = (words.strings.kpiThresholds as Readonly<Record<string, string>>)[kpi.id];
  if (template === undefined || thresholds === undefined) return name;
  return fill(template, {
    name,
    T: thresholdText(thresholds.service_level_s, words),
    S: thresholdText(thresholds.short_abandon_s, words),
    D: thresholdText(thresholds.social_reply_s, words),
  });
}
