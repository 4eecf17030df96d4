/**
 * Local periods in the centre's IANA time zone. Luxon reads zone rules from the platform's ICU data
 * (no hand-written offset tables); we chose it over date-fns-tz for its zone-aware arithmetic on
 * whole local days and weeks, and over the Temporal polyfill for its maturity and size.
 *
 * Two layers: calendar arithmetic (which dates a day, ISO week or month holds) is done on plain dates
 * in UTC, where every day has 24 hours; only then is each boundary date turned into the instant of its
 * local midnight in the centre's zone. So a week is 7 local dates whatever DST does, and its length in
 * hours is whatever the zone says (167, 168, 169, or 167.5/168.5 on Lord Howe Island).
 */
import { DateTime } from 'luxon';

/** The period kinds, in growing length. */
export const PERIOD_KINDS = ['day', 'week', 'month'] as const;

export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** A local period and the UTC instants that bound it. */
export interface Period {
  readonly kind: PeriodKind;
  /** First local date, YYYY-MM-DD. */
  readonly startDate: string;
  /** Last local date included, YYYY-MM-DD. */
  readonly endDate: string;
  readonly timezone: string;
  /** Epoch seconds of local midnight starting the period. */
  readonly start: number;
  /** Epoch seconds of local midnight after the period (exclusive). */
  readonly end: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/**
 * How many trailing periods a trend shows, per kind: four weeks of days, a quarter of weeks, and 13
 * months so that the month a year ago is on the line.
 */
export const TRAILING_DEFAULT: Readonly<Record<PeriodKind, number>> = { day: 28, week: 12, month: 13 };

/** Parses a YYYY-MM-DD local date in a zone; throws a RangeError naming the value when it is not a date. */
export function localDate(date: string, timezone: string): DateTime {
  const parsed = DATE.test(date) ? DateTime.fromISO(date, { zone: timezone }) : DateTime.invalid('format');
  if (!parsed.isValid) throw new RangeError(`not a date: ${date} (expected YYYY-MM-DD)`);
  return parsed.startOf('day');
}

/** A calendar date as a zone-free DateTime (UTC, where every day lasts 24 hours). */
function calendarDate(date: string): DateTime {
  const parsed = DATE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : DateTime.invalid('format');
  if (!parsed.isValid) throw new RangeError(`not a date: ${date} (expected YYYY-MM-DD)`);
  return parsed;
}

function isoDateOf(dt: DateTime): string {
  const date = dt.toISODate();
  if (date === null) throw new RangeError(`not a date: ${dt.invalidExplanation ?? dt.invalidReason}`);
  return date;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The period from local date `first` up to (excluding) local date `next`, in `timezone`. */
function span(kind: PeriodKind, first: DateTime, next: DateTime, timezone: string): Period {
  const startDate = isoDateOf(first);
  const nextDate = isoDateOf(next);
  return {
    kind,
    startDate,
    endDate: isoDateOf(next.minus({ days: 1 })),
    timezone,
    start: localDate(startDate, timezone).toSeconds(),
    end: localDate(nextDate, timezone).toSeconds(),
  };
}

/** The local day `date` in `timezone`: 23, 24 or 25 hours long (23.5 or 24.5 where DST moves 30 minutes). */
export function dayPeriod(date: string, timezone: string): Period {
  const day = calendarDate(date);
  return span('day', day, day.plus({ days: 1 }), timezone);
}

/** Number of ISO weeks (52 or 53) in an ISO week-year: 28 December always lies in the last one. */
export function weeksInIsoYear(year: number): number {
  return DateTime.utc(year, 12, 28).weekNumber;
}

/**
 * The ISO week `text` (YYYY-Www, Monday to Sunday, ISO week-year) in `timezone`.
 * Throws a RangeError naming the value when the text is not a week or the week-year has no such week.
 * @example weekPeriod('2026-W53', 'Europe/Paris') // 2026-12-28 … 2027-01-03
 */
export function weekPeriod(text: string, timezone: string): Period {
  const match = WEEK.exec(text);
  if (match === null) throw new RangeError(`not an ISO week: ${text} (expected YYYY-Www, e.g. 2026-W48)`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  const weeks = weeksInIsoYear(year);
  if (week < 1 || week > weeks) throw new RangeError(`not an ISO week: ${text} (${year} has weeks 01 to ${weeks})`);
  const monday = DateTime.fromObject({ weekYear: year, weekNumber: week, weekday: 1 }, { zone: 'utc' });
  return span('week', monday, monday.plus({ weeks: 1 }), timezone);
}

/**
 * The calendar month `text` (YYYY-MM) in `timezone`.
 * Throws a RangeError naming the value when the text is not a month.
 * @example monthPeriod('2026-11', 'Europe/Paris') // 2026-11-01 … 2026-11-30
 */
export function monthPeriod(text: string, timezone: string): Period {
  const match = MONTH.exec(text);
  const month = match === null ? 0 : Number(match[2]);
  if (match === null || month < 1 || month > 12) {
    throw new RangeError(`not a month: ${text} (expected YYYY-MM, month 01 to 12)`);
  }
  const first = DateTime.utc(Number(match[1]), month, 1);
  return span('month', first, first.plus({ months: 1 }), timezone);
}

/**
 * A period from its text: YYYY-MM-DD for a day, YYYY-Www for a week, YYYY-MM for a month.
 * @example parsePeriod('week', '2026-W48', 'Europe/Paris')
 */
export function parsePeriod(kind: PeriodKind, text: string, timezone: string): Period {
  switch (kind) {
    case 'day':
      return dayPeriod(text, timezone);
    case 'week':
      return weekPeriod(text, timezone);
    case 'month':
      return monthPeriod(text, timezone);
  }
}

/**
 * The ISO week (YYYY-Www) of a calendar date, in the ISO week-year.
 * @example isoWeekOf('2027-01-01') // '2026-W53'
 */
export function isoWeekOf(date: string): string {
  const day = calendarDate(date);
  return `${day.weekYear}-W${pad2(day.weekNumber)}`;
}

/** The period's own text: '2026-11-23', '2026-W48' or '2026-11' (what `parsePeriod` reads back). */
export function periodId(period: Pick<Period, 'kind' | 'startDate'>): string {
  switch (period.kind) {
    case 'day':
      return period.startDate;
    case 'week':
      return isoWeekOf(period.startDate);
    case 'month':
      return period.startDate.slice(0, 7);
  }
}

/** The day, ISO week or month of kind `kind` that holds the calendar date `date`. */
export function periodContaining(kind: PeriodKind, date: string, timezone: string): Period {
  switch (kind) {
    case 'day':
      return dayPeriod(date, timezone);
    case 'week':
      return weekPeriod(isoWeekOf(date), timezone);
    case 'month':
      return monthPeriod(isoDateOf(calendarDate(date)).slice(0, 7), timezone);
  }
}

/** The period of the same kind just before `period` (day before, previous week, previous month). */
export function previousPeriod(period: Period): Period {
  const dayBefore = isoDateOf(calendarDate(period.startDate).minus({ days: 1 }));
  return periodContaining(period.kind, dayBefore, period.timezone);
}

/** The calendar date `days` days after `date` (before it when negative). */
export function dayShifted(date: string, days: number): string {
  return isoDateOf(calendarDate(date).plus({ days }));
}

/** The period of the same kind just after `period`. */
export function nextPeriod(period: Period): Period {
  const dayAfter = isoDateOf(calendarDate(period.endDate).plus({ days: 1 }));
  return periodContaining(period.kind, dayAfter, period.timezone);
}

/** The same weekday one week earlier, for a day: Monday compares with last Monday. */
export function sameWeekdayLastWeek(day: Period): Period {
  if (day.kind !== 'day') {
    throw new RangeError(`same weekday last week needs a day, not the ${day.kind} ${periodId(day)}`);
  }
  return dayPeriod(isoDateOf(calendarDate(day.startDate).minus({ weeks: 1 })), day.timezone);
}

/**
 * The same period one year earlier, or `null` when it does not exist: a day has the same calendar
 * date (29 February has none); a week has the same ISO week number in the previous ISO week-year
 * (W53 has none when that year had 52 weeks); a month is the same month.
 */
export function samePeriodLastYear(period: Period): Period | null {
  const first = calendarDate(period.startDate);
  switch (period.kind) {
    case 'day':
      if (first.month === 2 && first.day === 29) return null;
      return dayPeriod(isoDateOf(first.minus({ years: 1 })), period.timezone);
    case 'week': {
      const year = first.weekYear - 1;
      if (first.weekNumber > weeksInIsoYear(year)) return null;
      return weekPeriod(`${year}-W${pad2(first.weekNumber)}`, period.timezone);
    }
    case 'month':
      return monthPeriod(`${first.year - 1}-${pad2(first.month)}`, period.timezone);
  }
}

/**
 * The `count` periods ending with `period`, oldest first (for trends): by default the last 28
 * days, 12 weeks or 13 months.
 */
export function trailingPeriods(period: Period, count: number = TRAILING_DEFAULT[period.kind]): Period[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`not a number of periods: ${count}`);
  const periods = [period];
  for (let i = 1; i < count; i++) periods.push(previousPeriod(periods[periods.length - 1] ?? period));
  return periods.reverse();
}

/** The local dates (YYYY-MM-DD) of a period, in order: 1 for a day, 7 for a week, 28 to 31 for a month. */
export function daysOf(period: Pick<Period, 'startDate' | 'endDate'>): string[] {
  const days: string[] = [];
  const last = calendarDate(period.endDate);
  for (let day = calendarDate(period.startDate); day <= last; day = day.plus({ days: 1 })) days.push(isoDateOf(day));
  return days;
}

const EPOCH_MONDAY = DateTime.utc(1970, 1, 5);

/**
 * A period's rank among periods of its kind (consecutive periods differ by 1), from its kind and
 * first date; throws a RangeError when the date does not start such a period (a week starts on a
 * Monday, a month on the 1st).
 */
export function periodOrdinal(kind: PeriodKind, startDate: string): number {
  const first = calendarDate(startDate);
  switch (kind) {
    case 'day':
      return Math.round(first.toMillis() / 86_400_000);
    case 'week':
      if (first.weekday !== 1) throw new RangeError(`not the start of a week: ${startDate} (expected a Monday)`);
      return Math.round(first.diff(EPOCH_MONDAY, 'days').days / 7);
    case 'month':
      if (first.day !== 1) throw new RangeError(`not the start of a month: ${startDate} (expected day 01)`);
      return first.year * 12 + first.month - 1;
  }
}

/** UTC dates (partition `dt` values) touched by [start, end). */
export function utcDatesBetween(start: number, end: number): string[] {
  const dates: string[] = [];
  let day = DateTime.fromSeconds(start, { zone: 'utc' }).startOf('day');
  while (day.toSeconds() < end) {
    dates.push(day.toISODate() ?? '');
    day = day.plus({ days: 1 });
  }
  return dates;
}

/** The local date (YYYY-MM-DD) in which an instant falls. */
export function localDateOf(epochSeconds: number, timezone: string): string {
  return DateTime.fromSeconds(epochSeconds, { zone: timezone }).toISODate() ?? '';
}

/** Business hours: ISO weekdays and a local [start, end) time of day. */
export interface BusinessHours {
  readonly days: readonly number[];
  readonly start: string; // HH:MM
  readonly end: string; // HH:MM
}

/** Whether an instant falls inside business hours, in local time. */
export function isBusinessHours(epochSeconds: number, timezone: string, hours: BusinessHours): boolean {
  const local = DateTime.fromSeconds(epochSeconds, { zone: timezone });
  if (!hours.days.includes(local.weekday)) return false;
  const hhmm = local.toFormat('HH:mm');
  return hhmm >= hours.start && hhmm < hours.end;
}

/** An instant as ISO-8601 with the zone's offset, second precision. */
export function isoInZone(epochSeconds: number, timezone: string): string {
  return DateTime.fromSeconds(epochSeconds, { zone: timezone }).toISO({ suppressMilliseconds: true }) ?? '';
}

/** The local day a job scheduled at an instant reports: the day before that instant's local date. */
export function dayBeforeInstant(instant: string, timezone: string): string {
  const local = DateTime.fromISO(instant, { setZone: true }).setZone(timezone);
  if (!local.isValid) throw new RangeError(`not an ISO-8601 instant: ${instant}`);
  return local.minus({ days: 1 }).toISODate() ?? '';
}
