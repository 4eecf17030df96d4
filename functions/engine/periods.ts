/**
 * Local periods in the centre's IANA time zone. Luxon reads zone rules from the platform's ICU data
 * (no hand-written offset tables); we chose it over date-fns-tz for its zone-aware arithmetic on
 * whole local days and weeks, and over the Temporal polyfill for its maturity and size.
 */
import { DateTime } from 'luxon';

export type PeriodKind = 'day' | 'week' | 'month';

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

/** Parses a YYYY-MM-DD local date in a zone; throws a RangeError naming the value when it is not a date. */
export function localDate(date: string, timezone: string): DateTime {
  const parsed = DATE.test(date) ? DateTime.fromISO(date, { zone: timezone }) : DateTime.invalid('format');
  if (!parsed.isValid) throw new RangeError(`not a date: ${date} (expected YYYY-MM-DD)`);
  return parsed.startOf('day');
}

function periodOf(kind: PeriodKind, first: DateTime, next: DateTime, timezone: string): Period {
  return {
    kind,
    startDate: first.toISODate() ?? '',
    endDate: next.minus({ days: 1 }).toISODate() ?? '',
    timezone,
    start: first.toSeconds(),
    end: next.toSeconds(),
  };
}

/** The local day `date` in `timezone`: 23, 24 or 25 hours long. */
export function dayPeriod(date: string, timezone: string): Period {
  const first = localDate(date, timezone);
  return periodOf('day', first, first.plus({ days: 1 }).startOf('day'), timezone);
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
