/**
 * Comparisons between a KPI's value and an earlier one, as numbers (`compareKpi`, what report.json
 * carries) and as a sentence a manager reads ("FCR a baissé de 2 points (78 % → 76 %)").
 *
 * The sentences live in the small tables below rather than in `templates/locales/`, so the engine
 * words alerts without reading files. French subjects agree with the verb ("Appels présentés ont
 * augmenté", "La DMT est revenue"), which is why each KPI's French name carries its gender and number.
 */

import type { KpiId } from './catalogue.js';
import { createFormatter, type Formatter, type FormatWords, type Locale, pluralOf } from './format.js';
import type { Better, KpiDefinition, Unit } from './kpi.js';
import type { Scope } from './scope.js';

export type { Locale } from './format.js';

/** A value compared with an earlier one. */
export interface Comparison {
  /** The earlier value, `null` when unknown. */
  readonly previous: number | null;
  /**
   * value − previous: in points for `%` KPIs (ratios, so × 100) and `pts` KPIs, in the KPI's unit
   * otherwise (contacts, seconds, currency, score). `null` when either side is unknown.
   */
  readonly delta: number | null;
  /**
   * (value − previous) ÷ |previous| × 100, for counts, durations, scores and amounts; `null` for `%`
   * and `pts` KPIs (a change of a rate is read in points, never in percent of the rate), when either
   * side is unknown, or when previous is 0.
   */
  readonly deltaPercent: number | null;
}

const known = (n: number | null): n is number => n !== null && Number.isFinite(n);

/** Drops floating-point noise: (0.76 − 0.78) × 100 is −2, not −2.0000000000000018. */
const clean = (n: number): number => Number.parseFloat(n.toPrecision(12));

/**
 * Compares a KPI value with the previous one, in the way its unit is read.
 * @example compareKpi('%', 0.76, 0.78) // { previous: 0.78, delta: -2, deltaPercent: null }
 * @example compareKpi('s', 336, 300) // { previous: 300, delta: 36, deltaPercent: 12 }
 */
export function compareKpi(unit: Unit, value: number | null, previous: number | null): Comparison {
  const prev = known(previous) ? previous : null;
  if (!known(value) || prev === null) return { previous: prev, delta: null, deltaPercent: null };
  const diff = value - prev;
  if (unit === '%') return { previous: prev, delta: clean(diff * 100), deltaPercent: null };
  if (unit === 'pts') return { previous: prev, delta: clean(diff), deltaPercent: null };
  return { previous: prev, delta: clean(diff), deltaPercent: prev === 0 ? null : clean((diff / Math.abs(prev)) * 100) };
}

/** Gender and number of a KPI's French name: masculine/feminine, singular/plural. */
export type FrenchForm = 'ms' | 'fs' | 'mp' | 'fp';

/** Every catalogue KPI's French name form; a KPI added to the catalogue fails to compile until listed. */
const FRENCH_FORM = {
  contacts_offered: 'mp',
  contacts_handled: 'mp',
  contacts_abandoned: 'mp',
  answer_rate: 'ms',
  abandon_rate: 'ms',
  service_level: 'ms',
  asa: 'fs',
  avg_wait: 'ms',
  aht: 'fs',
  avg_talk: 'fs',
  avg_acw: 'ms',
  outbound_contacts: 'mp',
  conversion_rate: 'ms',
  conversions: 'fp',
  fcr: 'fs',
  one_touch_rate: 'fs',
  frt: 'ms',
  ticket_frt: 'ms',
  resolution_time: 'ms',
  tickets_created: 'mp',
  backlog: 'ms',
  social_responsiveness: 'ms',
  selfcare_rate: 'ms',
  contacts_by_channel: 'ms',
  after_hours_contacts: 'mp',
  top_reasons: 'mp',
  keyword_mentions: 'ms',
  csat: 'fs',
  nps: 'ms',
  ces: 'ms',
  esat: 'fs',
  absenteeism_rate: 'ms',
  agent_days_worked: 'mp',
  cost_per_contact: 'ms',
  cost_per_resolution: 'ms',
  contact_rate: 'ms',
  retention_rate: 'ms',
  churn_rate: 'ms',
  repeat_customer_rate: 'mp',
} as const satisfies Record<KpiId, FrenchForm>;

/** The French form of a KPI's name; masculine singular for an id outside the catalogue. */
export function frenchFormOf(kpiId: string): FrenchForm {
  return (FRENCH_FORM as Readonly<Record<string, FrenchForm>>)[kpiId] ?? 'ms';
}

/** What a sentence needs to know about a KPI. */
export type KpiWording = Pick<KpiDefinition, 'id' | 'name' | 'unit' | 'better'>;

/** Unit words for the formatter (mirroring `templates/locales/*.json` `units`), and scope words. */
const WORDS: Record<Locale, FormatWords & { readonly scope: Readonly<Record<Scope['dimension'], string>> }> = {
  fr: {
    noData: 'pas de données',
    points: 'pts',
    day: 'j',
    hour: 'h',
    minute: 'min',
    second: 's',
    scope: { all: 'Centre', team: 'Équipe', queue: 'File', channel: 'Canal', agent: 'Agent' },
  },
  en: {
    noData: 'no data',
    points: 'pts',
    day: 'd',
    hour: 'h',
    minute: 'min',
    second: 's',
    scope: { all: 'Centre', team: 'Team', queue: 'Queue', channel: 'Channel', agent: 'Agent' },
  },
};

/** The verb forms a change sentence needs, per locale and (in French) per gender and number. */
interface ChangeVerbs {
  readonly fell: string;
  readonly rose: string;
  readonly stable: string;
}

const CHANGE: Record<Locale, (form: FrenchForm) => ChangeVerbs> = {
  fr: (form) => {
    const plural = form.endsWith('p');
    return {
      fell: plural ? 'ont baissé de' : 'a baissé de',
      rose: plural ? 'ont augmenté de' : 'a augmenté de',
      stable: plural ? 'sont stables' : 'est stable',
    };
  },
  en: (form) => ({ fell: 'fell by', rose: 'rose by', stable: form.endsWith('p') ? 'are stable' : 'is stable' }),
};

const INTL: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };
const NBSP = '\u00a0';
const NNBSP = '\u202f';

/** Formatting helpers shared by change and alert sentences. */
export interface Wording {
  readonly locale: Locale;
  readonly format: Formatter;
  /** A KPI value in a sentence: ratios as a percentage with at most one decimal ("78 %", "78,5 %"). */
  value(unit: Unit, v: number | null): string;
  /** A number of points, with its noun agreeing ("2 points", "1,5 point" in French). */
  points(n: number): string;
  /** A percentage with at most one decimal ("12 %", "12.5%"). */
  percent(n: number): string;
}

/** Builds the number formatting of sentences for one locale (Intl: comma decimals and a narrow no-break space before % in French). */
export function wording(locale: Locale, currency = 'EUR'): Wording {
  const format = createFormatter({ locale, timeZone: 'UTC', words: WORDS[locale], currency });
  const intlPercent = new Intl.NumberFormat(INTL[locale], { style: 'percent', maximumFractionDigits: 1 });
  // French sets a narrow no-break space before %; ICU versions differ (U+00A0 or U+202F), so pin it.
  const percentFmt = { format: (n: number): string => intlPercent.format(n).replace(/[\u00a0\u202f]%/, `${NNBSP}%`) };
  const numberFmt = new Intl.NumberFormat(INTL[locale], { maximumFractionDigits: 1 });
  return {
    locale,
    format,
    value: (unit, v) => (unit === '%' && known(v) ? percentFmt.format(v) : format.value(v, unit)),
    points: (n) => `${numberFmt.format(n)}${NBSP}${pluralOf(locale, n) === 'one' ? 'point' : 'points'}`,
    percent: (n) => percentFmt.format(n / 100),
  };
}

/** A scope as a sentence prefix names it ("Équipe Sud", "Team Sud"); `null` for the whole centre. */
export function scopeLabel(scope: Scope, locale: Locale): string | null {
  return scope.dimension === 'all' ? null : `${WORDS[locale].scope[scope.dimension]} ${scope.value}`;
}

/** Prefixes a sentence with its scope: "[Équipe Sud] …"; nothing for the centre. */
export function withScope(scopeLabelText: string | null, sentence: string): string {
  return scopeLabelText === null ? sentence : `[${scopeLabelText}] ${sentence}`;
}

/** Rounds to the one decimal a sentence shows, so "stable" means "reads as no change". */
const shown = (n: number): number => Math.round(Math.abs(n) * 10) / 10;

/**
 * A change worded in a locale, or `null` when either value is unknown: `%` and `pts` KPIs in points,
 * the others in percent of the previous value (in their unit when the previous value is 0). The
 * wording says which way the value moved, not whether that is good: the direction belongs to alerts.
 * @example describeChange(fcr, null, 0.76, 0.78, 'fr') // 'Résolution au premier contact (FCR) a baissé de 2 points (78 % → 76 %)'
 * @example describeChange(aht, 'Team Sud', 336, 300, 'en') // '[Team Sud] Average handling time rose by 12% (5 min 00 s → 5 min 36 s)'
 */
export function describeChange(
  kpi: KpiWording,
  scopeLabelText: string | null,
  value: number | null,
  previous: number | null,
  locale: Locale,
  options: { readonly currency?: string } = {},
): string | null {
  const { delta, deltaPercent } = compareKpi(kpi.unit, value, previous);
  if (delta === null || !known(value) || !known(previous)) return null;
  const w = wording(locale, options.currency);
  const verbs = CHANGE[locale](frenchFormOf(kpi.id));
  const subject = kpi.name[locale];
  const values = `(${w.value(kpi.unit, previous)} → ${w.value(kpi.unit, value)})`;
  let amount: string;
  let size: number;
  if (kpi.unit === '%' || kpi.unit === 'pts') {
    size = shown(delta);
    amount = w.points(size);
  } else if (deltaPercent !== null) {
    size = shown(deltaPercent);
    amount = w.percent(size);
  } else {
    size = shown(delta);
    amount = w.value(kpi.unit, Math.abs(delta));
  }
  const sentence =
    size === 0
      ? `${subject} ${verbs.stable} (${w.value(kpi.unit, value)})`
      : `${subject} ${delta < 0 ? verbs.fell : verbs.rose} ${amount} ${values}`;
  return withScope(scopeLabelText, sentence);
}

/** Whether a change is an improvement, a deterioration, or neither (no direction, or no change). */
export function changeQuality(better: Better, delta: number | null): 'better' | 'worse' | 'neutral' {
  if (better === null || delta === null || delta === 0) return 'neutral';
  return delta > 0 === (better === 'higher') ? 'better' : 'worse';
}
