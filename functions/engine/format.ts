/**
 * Number, duration and date formatting for scorecards, through Intl (numbers) and Luxon (dates in the
 * centre's time zone). Pure: a formatter is built from a locale, a time zone and the few unit words the
 * locale files provide, so every visible word still comes from `templates/locales/`.
 */
import { DateTime } from 'luxon';
import type { Unit } from './kpi.js';

/** The languages a scorecard is written in. */
export type Locale = 'fr' | 'en';

/**
 * Intl locale per language. English recipients of a European centre read day/month dates and 24-hour
 * times, so `en` formats as British English.
 */
const INTL_LOCALE: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

/** Words a formatter needs (from the locale file): the null text and the unit abbreviations. */
export interface FormatWords {
  /** What a missing value reads as ("pas de données"); never 0 or NaN. */
  readonly noData: string;
  readonly points: string;
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
}

export interface FormatOptions {
  readonly locale: Locale;
  /** IANA zone of the centre; dates and times are shown there. */
  readonly timeZone: string;
  readonly words: FormatWords;
  /** ISO 4217 code of `currency` KPIs; EUR unless told. */
  readonly currency?: string;
}

/** Formats one locale's values; every method turns `null` into the no-data words. */
export interface Formatter {
  /** A ratio as a percentage: 0.873 → "87,3 %". */
  percent(ratio: number | null): string;
  /** A whole count: 2345 → "2 345". */
  count(n: number | null): string;
  /** Seconds: 45 → "45 s", 185 → "3 min 05 s", 3720 → "1 h 02 min", 97200 → "1 j 03 h". */
  duration(seconds: number | null): string;
  /** An amount in the formatter's currency: 2.35 → "2,35 €". */
  currency(amount: number | null): string;
  /** A mean score with one decimal: 5.2 → "5,2". */
  score(n: number | null): string;
  /** Signed whole points (NPS): 32 → "+32", −12 → "−12". */
  points(n: number | null): string;
  /** A KPI value in its unit. */
  value(value: number | null, unit: Unit): string;
  /**
   * A change in a KPI's unit: points for `%` and `pts` ("−2,0 pts"); for the other units the change in
   * the unit and in percent of `previous` ("+120 (+5,3 %)"), the percent left out when `previous` is
   * unknown or zero.
   */
  delta(delta: number | null, unit: Unit, previous: number | null): string;
  /** A share of a total (0..1) as a percentage, like `percent`. */
  share(ratio: number | null): string;
  /** A local calendar date (YYYY-MM-DD): "lundi 23 novembre 2026". */
  longDate(isoDate: string): string;
  /** A local calendar date: "23/11/2026". */
  shortDate(isoDate: string): string;
  /** The month of a local date: "novembre 2026". */
  monthYear(isoDate: string): string;
  /** An instant (ISO-8601 with offset) in the centre's zone: "24 novembre 2026 à 02:15". */
  dateTime(isoInstant: string): string;
  /** An instant in the centre's zone, short: "23/11 14:05". */
  shortDateTime(isoInstant: string): string;
}

const MINUS = '\u2212';
/** Keeps a number and its unit on one line. */
const NBSP = '\u00a0';

/** Typographic minus instead of the hyphen Intl emits for negative numbers. */
const typographicMinus = (s: string): string => s.replace(/-/g, MINUS);

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Builds a formatter for one locale and time zone. */
export function createFormatter(options: FormatOptions): Formatter {
  const { words, timeZone } = options;
  const tag = INTL_LOCALE[options.locale];
  const number = (o: Intl.NumberFormatOptions): Intl.NumberFormat => new Intl.NumberFormat(tag, o);
  const percentFmt = number({ style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const signedPercentFmt = number({
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const countFmt = number({ maximumFractionDigits: 0 });
  const signedCountFmt = number({ maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const currencyOptions = { style: 'currency', currency: options.currency ?? 'EUR' } as const;
  const currencyFmt = number(currencyOptions);
  const signedCurrencyFmt = number({ ...currencyOptions, signDisplay: 'exceptZero' });
  const scoreFmt = number({ minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const signedOneDecimalFmt = number({ minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });

  const orNoData =
    (f: (n: number) => string) =>
    (n: number | null): string =>
      n === null || !Number.isFinite(n) ? words.noData : f(n);

  const durationOf = (seconds: number): string => {
    const s = Math.max(0, seconds);
    // Round to the shown precision first, so 3599.6 s reads "1 h 00 min", never "59 min 60 s".
    const totalSeconds = Math.round(s);
    if (totalSeconds < 60) return `${totalSeconds}${NBSP}${words.second}`;
    if (totalSeconds < 3600) {
      return `${Math.floor(totalSeconds / 60)}${NBSP}${words.minute}${NBSP}${pad2(totalSeconds % 60)}${NBSP}${words.second}`;
    }
    const totalMinutes = Math.round(s / 60);
    if (totalMinutes < 24 * 60) {
      return `${Math.floor(totalMinutes / 60)}${NBSP}${words.hour}${NBSP}${pad2(totalMinutes % 60)}${NBSP}${words.minute}`;
    }
    const totalHours = Math.round(s / 3600);
    return `${countFmt.format(Math.floor(totalHours / 24))}${NBSP}${words.day}${NBSP}${pad2(totalHours % 24)}${NBSP}${words.hour}`;
  };

  const percent = orNoData((n) => percentFmt.format(n));
  const count = orNoData((n) => countFmt.format(n));
  const duration = orNoData(durationOf);
  const currency = orNoData((n) => typographicMinus(currencyFmt.format(n)));
  const score = orNoData((n) => scoreFmt.format(n));
  const points = orNoData((n) => typographicMinus(signedCountFmt.format(n)));

  const value = (v: number | null, unit: Unit): string => {
    switch (unit) {
      case '%':
        return percent(v);
      case 'count':
        return count(v);
      case 's':
        return duration(v);
      case 'currency':
        return currency(v);
      case 'score':
        return score(v);
      case 'pts':
        return points(v);
    }
  };

  const signedInUnit = (d: number, unit: Exclude<Unit, '%' | 'pts'>): string => {
    switch (unit) {
      case 'count':
        return typographicMinus(signedCountFmt.format(d));
      case 's': {
        const shown = durationOf(Math.abs(d));
        // A change that rounds to 0 s carries no sign, like Intl's exceptZero.
        if (Math.round(Math.abs(d)) === 0) return shown;
        return `${d < 0 ? MINUS : '+'}${shown}`;
      }
      case 'currency':
        return typographicMinus(signedCurrencyFmt.format(d));
      case 'score':
        return typographicMinus(signedOneDecimalFmt.format(d));
    }
  };

  const delta = (d: number | null, unit: Unit, previous: number | null): string => {
    if (d === null || !Number.isFinite(d)) return words.noData;
    if (unit === '%' || unit === 'pts') {
      // report.json gives the change of a `%` or `pts` KPI in points already (docs/spec.md §3).
      return `${typographicMinus(signedOneDecimalFmt.format(d))}${NBSP}${words.points}`;
    }
    const inUnit = signedInUnit(d, unit);
    if (previous === null || !Number.isFinite(previous) || previous === 0) return inUnit;
    return `${inUnit} (${typographicMinus(signedPercentFmt.format(d / Math.abs(previous)))})`;
  };

  const localDate = (isoDate: string): DateTime => {
    const dt = DateTime.fromISO(isoDate, { zone: timeZone }).setLocale(tag);
    if (!dt.isValid) throw new RangeError(`not a date: ${isoDate} (${dt.invalidExplanation ?? dt.invalidReason})`);
    return dt;
  };
  const instant = (iso: string): DateTime => {
    const dt = DateTime.fromISO(iso, { setZone: true });
    if (!dt.isValid) throw new RangeError(`not an instant: ${iso} (${dt.invalidExplanation ?? dt.invalidReason})`);
    return dt.setZone(timeZone).setLocale(tag);
  };

  return {
    percent,
    count,
    duration,
    currency,
    score,
    points,
    value,
    delta,
    share: percent,
    longDate: (d) => localDate(d).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    shortDate: (d) => localDate(d).toLocaleString({ day: '2-digit', month: '2-digit', year: 'numeric' }),
    monthYear: (d) => localDate(d).toLocaleString({ month: 'long', year: 'numeric' }),
    dateTime: (i) =>
      instant(i).toLocaleString({ day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
    shortDateTime: (i) =>
      instant(i).toLocaleString({ day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }),
  };
}

/** The plural category of a count in a locale ("one", "other", …), for choosing a sentence. */
export function pluralOf(locale: Locale, n: number): Intl.LDMLPluralRule {
  return new Intl.PluralRules(INTL_LOCALE[locale]).select(n);
}
