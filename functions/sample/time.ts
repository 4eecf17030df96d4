/**
 * Local-time helpers for the sample: the centre works in local wall-clock hours, exports carry UTC or
 * offset timestamps. A local day is cut into 15-minute slots (every IANA offset is a multiple of 15 minutes),
 * each knowing its wall-clock hour, so a 23-hour or 25-hour DST day has exactly the slots it really has:
 * the skipped hour has none, the repeated hour has twice as many.
 */
import { DateTime, IANAZone } from 'luxon';
import type { HourCurve, OpeningHours } from './centre.js';
import type { Random } from './random.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const SLOT = 15 * MINUTE;

/** Adds whole days to a `YYYY-MM-DD` calendar date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a calendar date (for cyclic choices that are the same whatever the zone). */
export function epochDay(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);
}

/** ISO weekday of a calendar date, 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

// Formatting hundreds of thousands of timestamps with Date#toISOString dominated generation time: dates are
// cached per day number and times of day assembled from a table of two-digit strings.
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const DATES = new Map<number, string>();

function dateOfDay(day: number): string {
  let date = DATES.get(day);
  if (date === undefined) {
    date = new Date(day * DAY).toISOString().slice(0, 10);
    if (DATES.size > 10_000) DATES.clear();
    DATES.set(day, date);
  }
  return date;
}

/** `YYYY-MM-DDTHH:MM:SS` of a wall-clock instant expressed in epoch milliseconds. */
function isoSeconds(ms: number): string {
  const day = Math.floor(ms / DAY);
  const s = Math.floor((ms - day * DAY) / SECOND);
  const hh = TWO_DIGITS[Math.floor(s / 3600)] ?? '00';
  const mm = TWO_DIGITS[Math.floor((s % 3600) / 60)] ?? '00';
  const ss = TWO_DIGITS[s % 60] ?? '00';
  return `${dateOfDay(day)}T${hh}:${mm}:${ss}`;
}

/** The UTC calendar date of an instant, the partition key of exports. */
export function utcDate(ms: number): string {
  return dateOfDay(Math.floor(ms / DAY));
}

/** One local day: its instants and its 15-minute slots with their wall-clock hours. */
export interface LocalDay {
  readonly date: string;
  readonly weekday: number;
  readonly startMs: number;
  readonly endMs: number;
  /** Start instant of each 15-minute slot of the day. */
  readonly slotStarts: readonly number[];
  /** Wall-clock hour (0–23) of each slot. */
  readonly slotHours: readonly number[];
}

/** The time zone of the centre, with cached offsets and fast formatting. */
export class Zone {
  readonly name: string;
  private readonly zone: IANAZone;
  private readonly offsets = new Map<number, number>();

  constructor(name: string) {
    if (!IANAZone.isValidZone(name)) throw new RangeError(`unknown time zone "${name}"`);
    this.name = name;
    this.zone = IANAZone.create(name);
  }

  /** Offset from UTC in minutes at an instant (cached per 15-minute slot). */
  offsetMinutes(ms: number): number {
    const key = Math.floor(ms / SLOT);
    let offset = this.offsets.get(key);
    if (offset === undefined) {
      offset = this.zone.offset(key * SLOT);
      this.offsets.set(key, offset);
    }
    return offset;
  }

  /** The first instant of a local calendar date. */
  startOfDay(date: string): number {
    return DateTime.fromISO(date, { zone: this.zone }).startOf('day').toMillis();
  }

  /** The first instant of the first day of a local month (`YYYY-MM`). */
  startOfMonth(month: string): number {
    return DateTime.fromISO(`${month}-01`, { zone: this.zone }).startOf('day').toMillis();
  }

  /** The instant of a wall-clock time (seconds after local midnight) on a local date. */
  atWallClock(date: string, seconds: number): number {
    return DateTime.fromISO(date, { zone: this.zone })
      .set({ hour: Math.floor(seconds / 3600), minute: Math.floor((seconds % 3600) / 60), second: seconds % 60 })
      .toMillis();
  }

  /** The wall-clock hour (0–23) at an instant. */
  localHour(ms: number): number {
    const wall = ms + this.offsetMinutes(ms) * MINUTE;
    return Math.floor((((wall % DAY) + DAY) % DAY) / HOUR);
  }

  /** ISO weekday (1 = Monday) of the local date at an instant. */
  localWeekday(ms: number): number {
    const d = new Date(ms + this.offsetMinutes(ms) * MINUTE).getUTCDay();
    return d === 0 ? 7 : d;
  }

  /** The local calendar date at an instant. */
  localDate(ms: number): string {
    return utcDate(ms + this.offsetMinutes(ms) * MINUTE);
  }

  day(date: string): LocalDay {
    const startMs = this.startOfDay(date);
    const endMs = this.startOfDay(addDays(date, 1));
    const slotStarts: number[] = [];
    const slotHours: number[] = [];
    for (let t = startMs; t < endMs; t += SLOT) {
      slotStarts.push(t);
      slotHours.push(this.localHour(t));
    }
    return { date, weekday: isoWeekday(date), startMs, endMs, slotStarts, slotHours };
  }

  /** `2026-03-29T08:15:00Z` */
  formatUtc(ms: number): string {
    return `${isoSeconds(ms)}Z`;
  }

  /** `2026-03-29T10:15:00+02:00`: the same instant written with the local offset. */
  formatLocal(ms: number): string {
    const offset = this.offsetMinutes(ms);
    const abs = Math.abs(offset);
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = TWO_DIGITS[abs % 60] ?? '00';
    return `${isoSeconds(ms + offset * MINUTE)}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
  }
}

/** Draws instants of a local day following an intraday curve of wall-clock hour weights. */
export class ArrivalSampler {
  private readonly cumulative: number[] = [];
  readonly total: number;

  /** `latestMs` excludes slots that start later (the export cut-off on the last day). */
  constructor(
    private readonly day: LocalDay,
    curve: HourCurve,
    latestMs = Number.POSITIVE_INFINITY,
  ) {
    let total = 0;
    day.slotStarts.forEach((start, i) => {
      if (start + 15 * MINUTE <= latestMs) total += curve[day.slotHours[i] ?? 0] ?? 0;
      this.cumulative.push(total);
    });
    this.total = total;
  }

  /** One instant, whole seconds. */
  sample(rng: Random): number {
    const u = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) > u) hi = mid;
      else lo = mid + 1;
    }
    return (this.day.slotStarts[lo] ?? this.day.startMs) + rng.int(0, 899) * SECOND;
  }
}

/**
 * Opening hours as a clock: adds "open time" to an instant (a reply in 3 working hours to an e-mail sent on
 * Friday evening lands on Monday). Cumulative open time per 15-minute slot makes each addition a binary search.
 */
export class OpenClock {
  private readonly base: number;
  private readonly cumulative: Float64Array;
  private readonly open: Uint8Array;

  constructor(zone: Zone, hours: OpeningHours, fromMs: number, toMs: number) {
    this.base = Math.floor(fromMs / SLOT) * SLOT;
    const n = Math.ceil((toMs - this.base) / SLOT);
    this.cumulative = new Float64Array(n + 1);
    this.open = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const t = this.base + i * SLOT;
      const span = hours[zone.localWeekday(t)];
      const hour = zone.localHour(t);
      const isOpen = span !== null && span !== undefined && hour >= span[0] && hour < span[1];
      this.open[i] = isOpen ? 1 : 0;
      this.cumulative[i + 1] = (this.cumulative[i] ?? 0) + (isOpen ? SLOT : 0);
    }
  }

  isOpen(ms: number): boolean {
    return this.open[Math.floor((ms - this.base) / SLOT)] === 1;
  }

  /** The instant after `ms` once `seconds` (≥ 1) of open time have passed; +∞ beyond the clock's range. */
  add(ms: number, seconds: number): number {
    const i = Math.floor((ms - this.base) / SLOT);
    if (i < 0 || i >= this.open.length) return Number.POSITIVE_INFINITY;
    const slotStart = this.base + i * SLOT;
    const before = (this.cumulative[i] ?? 0) + (this.open[i] === 1 ? ms - slotStart : 0);
    const target = before + Math.max(1, Math.round(seconds)) * SECOND;
    const n = this.open.length;
    if ((this.cumulative[n] ?? 0) < target) return Number.POSITIVE_INFINITY;
    let lo = i;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid + 1] ?? 0) >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.base + lo * SLOT + (target - (this.cumulative[lo] ?? 0));
  }
}
