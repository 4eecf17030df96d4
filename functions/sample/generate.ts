/**
 * Deterministic sample exports for `vigie sample` and `npm start`: a fictional contact centre in Europe/Paris
 * over N local days, as the seven export kinds of docs/spec.md §1, with at-least-once duplicates and a sprinkle of
 * unreadable records. Pure: `sampleFiles` yields file contents; `writeSample` (write.ts) puts them on disk.
 *
 * Generation walks the local days in order and yields each UTC partition as soon as no later day can add to
 * it (a local day touches two UTC dates; survey answers come up to three days after the contact), so memory
 * holds a few days of records whatever the window.
 */
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { QUEUES, SOCIAL_HOURS, VOICE_HOURS, WRITTEN_HOURS } from './centre.js';
import { Buyers, emitCustomer, generateOrders, legacyOrders, monthCosts } from './commerce.js';
import { generateContacts } from './contacts.js';
import { Pool, simulateCustomers } from './customers.js';
import { encodeFile, type SampleFile } from './encode.js';
import { type Fields, KINDS, type Kind, type SampleRecord } from './model.js';
import { hashUnit, Random } from './random.js';
import { addDays, DAY, HOUR, isoWeekday, OpenClock, utcDate, Zone } from './time.js';
import { agentDayRows, esatAnswers, Roster } from './workforce.js';

export type { SampleFile } from './encode.js';
export type { Kind, MalformedReason, PlantedDefect } from './model.js';
export { KINDS, MALFORMED_REASONS } from './model.js';

export const DEFAULT_TIMEZONE = 'Europe/Paris';
export const DEFAULT_DAYS = 120;
/**
 * The customer base a centre taking ~2,000 inbound contacts a weekday serves: about 300,000, so the contact
 * rate (inbound contacts ÷ active customers) is ~0.7 % a day and ~20 % a month, as consumer services see
 * it. A base of 30,000 made every customer call twice a month (a monthly rate of 182 %).
 */
export const DEFAULT_CUSTOMERS = 300_000;

export interface SampleOptions {
  /** Local days generated, ending at `endDate`. */
  readonly days: number;
  readonly seed: number;
  /** Last local day included, `YYYY-MM-DD` (the nightly job's "yesterday"). */
  readonly endDate: string;
  /** IANA zone of the centre; default Europe/Paris. */
  readonly timezone: string;
  /** Customers at the start of the window, within ±10 %; a test that reads no customer KPI may take fewer. */
  readonly customers: number;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => DateTime.fromISO(d, { zone: 'utc' }).isValid, 'not a calendar date');

/** Options as callers give them: `days`, `seed` and `timezone` have defaults; unknown keys are typos. */
export const sampleOptionsSchema = z.strictObject({
  days: z.number().int().min(1).max(3660).default(DEFAULT_DAYS),
  seed: z.number().int().min(0).max(0xffff_ffff).default(42),
  endDate: isoDate,
  timezone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'unknown IANA time zone')
    .default(DEFAULT_TIMEZONE),
  customers: z.number().int().min(1000).max(10_000_000).default(DEFAULT_CUSTOMERS),
});
export type SampleOptionsInput = z.input<typeof sampleOptionsSchema>;

export class SampleOptionsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SampleOptionsError';
  }
}

/** Validates options, naming the key at fault. */
export function resolveSampleOptions(input: SampleOptionsInput): SampleOptions {
  const parsed = sampleOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new SampleOptionsError(`invalid sample options: ${issues.join('; ')}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** "Yesterday" in the centre's zone at the instant `now` (the default `endDate`). */
export function defaultEndDate(now: Date, timezone = DEFAULT_TIMEZONE): string {
  const date = DateTime.fromJSDate(now, { zone: timezone }).minus({ days: 1 }).toISODate();
  if (date === null) throw new SampleOptionsError(`cannot compute yesterday in "${timezone}"`);
  return date;
}

/** The dates a sample covers. */
export interface SampleWindow {
  /** First and last local days of the window. */
  readonly start: string;
  readonly end: string;
  /**
   * UTC partition of the legacy import (customers and their last order, before the window's first local
   * instant), so that customer counts and returning buyers make sense from the first day.
   */
  readonly legacyDate: string;
  /** Weekdays with an incident (technique and social media load +70 %, longer waits). */
  readonly incidents: readonly string[];
}

function isIncident(seed: number, date: string): boolean {
  return isoWeekday(date) <= 5 && hashUnit(seed, 'incident', date) < 0.05;
}

/** The window of a sample, without generating it. */
export function sampleWindow(input: SampleOptionsInput): SampleWindow {
  const options = resolveSampleOptions(input);
  const zone = new Zone(options.timezone);
  const start = addDays(options.endDate, -(options.days - 1));
  const dates = Array.from({ length: options.days }, (_, i) => addDays(start, i));
  return {
    start,
    end: options.endDate,
    legacyDate: utcDate(zone.startOfDay(start) - 1),
    incidents: dates.filter((d) => isIncident(options.seed, d)),
  };
}

type Buffer = Map<string, Map<string, SampleRecord[]>>;

/**
 * Yields the sample's files, partition by partition in date order, each kind in SPEC order.
 *
 * @example
 * for (const file of sampleFiles({ days: 3, seed: 7, endDate: '2026-03-30' })) console.log(file.path);
 */
export function* sampleFiles(input: SampleOptionsInput): Generator<SampleFile> {
  const options = resolveSampleOptions(input);
  const window = sampleWindow(options);
  const zone = new Zone(options.timezone);
  const root = new Random(options.seed);
  const dates = Array.from({ length: options.days }, (_, i) => addDays(window.start, i));
  const firstMs = zone.startOfDay(window.start);
  const cutoffMs = zone.startOfDay(addDays(window.end, 1));
  const legacyFromMs = Date.parse(`${window.legacyDate}T00:00:00Z`);
  const legacyToMs = Math.max(legacyFromMs + HOUR, firstMs - HOUR);

  const buffer: Buffer = new Map();
  const push = (kind: Kind, part: number, ms: number, fields: Fields, dt = utcDate(ms)) => {
    let byFile = buffer.get(dt);
    if (!byFile) {
      byFile = new Map();
      buffer.set(dt, byFile);
    }
    const key = `${kind}/${part}`;
    let records = byFile.get(key);
    if (!records) {
      records = [];
      byFile.set(key, records);
    }
    records.push({ kind, part, ms, dt, fields });
  };
  function* flush(upTo: string | undefined): Generator<SampleFile> {
    const ready = [...buffer.keys()].filter((dt) => upTo === undefined || dt <= upTo).sort();
    for (const dt of ready) {
      const byFile = buffer.get(dt);
      buffer.delete(dt);
      if (!byFile) continue;
      for (const kind of KINDS) {
        for (let part = 0; part < 2; part++) {
          const records = byFile.get(`${kind}/${part}`);
          if (records && records.length > 0) yield encodeFile(options.seed, kind, dt, part, records);
        }
      }
    }
  }

  // The customer base over the whole window, then the legacy import and the cost lines.
  const book = simulateCustomers(root.fork('customers'), zone, dates, {
    base: options.customers,
    legacyFromMs,
    legacyToMs,
    latestMs: cutoffMs,
  });
  const legacyRng = root.fork('legacy');
  for (const c of book.legacy) emitCustomer(c, zone, legacyRng, push);
  const buyers = new Buyers();
  legacyOrders(book.legacy, legacyToMs, zone, buyers, legacyRng, push);
  const costRng = root.fork('costs');
  for (let month = window.start.slice(0, 7); month <= window.end.slice(0, 7); ) {
    monthCosts(month, zone, costRng.fork(month), push);
    month = DateTime.fromISO(`${month}-01`, { zone: 'utc' }).plus({ months: 1 }).toFormat('yyyy-MM');
  }

  const pool = new Pool();
  for (const c of book.legacy) pool.add(c.id);
  const roster = new Roster(options.seed);
  const clockTo = cutoffMs + 2 * DAY;
  const world = {
    zone,
    roster,
    cutoffMs,
    voiceHours: new OpenClock(zone, VOICE_HOURS, legacyFromMs, clockTo),
    writtenHours: new OpenClock(zone, WRITTEN_HOURS, legacyFromMs, clockTo),
    socialHours: new OpenClock(zone, SOCIAL_HOURS, legacyFromMs, clockTo),
    customers: pool,
    leaving: [] as string[],
    leavingSoon(rng: Random): string | undefined {
      return this.leaving.length > 0 ? rng.pick(this.leaving) : undefined;
    },
    emit: push,
  };

  for (const date of dates) {
    const day = zone.day(date);
    const rng = root.fork('day', date);
    world.leaving = Array.from({ length: 11 }, (_, i) => book.churnedOn.get(addDays(date, i)) ?? [])
      .flat()
      .map((c) => c.id);

    const workforce = rng.fork('agent_days');
    for (const row of agentDayRows(roster, date, workforce)) push('agent_days', 0, day.startMs, row, date);
    for (const a of esatAnswers(roster, date, rng.fork('esat'))) {
      const ms = zone.atWallClock(date, a.hourOffsetS);
      if (ms >= cutoffMs) continue;
      const explicit = workforce.chance(0.3);
      push('surveys', 0, ms, {
        id: `esat-${date.replaceAll('-', '')}-${a.agent.id}`,
        kind: 'esat',
        score: a.score,
        scale_min: explicit ? 1 : undefined,
        scale_max: explicit ? 5 : undefined,
        answered_at: zone.formatLocal(ms),
        team: a.agent.team,
        agent: a.agent.id,
        comment: a.comment,
      });
    }

    generateContacts(world, day, rng.fork('contacts'), isIncident(options.seed, date));
    generateOrders(day, zone, pool, buyers, cutoffMs - HOUR, rng.fork('orders'), push);

    const rows = rng.fork('customers');
    for (const c of book.acquiredOn.get(date) ?? []) emitCustomer(c, zone, rows, push);
    for (const c of book.churnedOn.get(date) ?? []) pool.remove(c.id);
    for (const c of book.acquiredOn.get(date) ?? []) pool.add(c.id);

    yield* flush(addDays(date, -2));
  }
  yield* flush(undefined);
}

/** Queue ids of the sample centre, for configs and tests. */
export const SAMPLE_QUEUES: readonly string[] = QUEUES.map((q) => q.id);
