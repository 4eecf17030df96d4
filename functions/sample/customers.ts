/**
 * The customer base: a legacy base imported before the window, daily acquisitions and churns. Churns are
 * decided up front for the whole window, because a customer's export row (partitioned by `acquired_at`) carries
 * its latest state, `churned_at` included, and is written long before the churn day is generated.
 */
import { DIGITAL_ALL_DAY, SEGMENTS, VOICE_WEEKDAY } from './centre.js';
import type { Random } from './random.js';
import { ArrivalSampler, type Zone } from './time.js';

export interface Customer {
  readonly id: string;
  readonly acquiredMs: number;
  churnedMs: number | undefined;
  readonly segment: string;
}

/** Daily churn hazard by ISO weekday (about 1.5 % of the base a month). */
const CHURN_HAZARD = [0, 0.00066, 0.00066, 0.00066, 0.00066, 0.00066, 0.0003, 0.00012];
/** New customers a day per customer of the base, by ISO weekday: about as many as leave, so the base holds. */
const ACQUISITION_RATE = [0, 0.00063, 0.0006, 0.0006, 0.00058, 0.00062, 0.00033, 0.00012];

/** A set of customer ids with O(1) add, remove and uniform pick. */
export class Pool {
  private readonly items: string[] = [];
  private readonly index = new Map<string, number>();

  get size(): number {
    return this.items.length;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  add(id: string): void {
    if (this.index.has(id)) return;
    this.index.set(id, this.items.length);
    this.items.push(id);
  }

  remove(id: string): void {
    const i = this.index.get(id);
    if (i === undefined) return;
    const last = this.items.pop();
    this.index.delete(id);
    if (last !== undefined && last !== id) {
      this.items[i] = last;
      this.index.set(last, i);
    }
  }

  pick(rng: Random): string | undefined {
    return this.items[Math.floor(rng.next() * this.items.length)];
  }
}

export interface CustomerBook {
  readonly legacy: readonly Customer[];
  readonly acquiredOn: ReadonlyMap<string, readonly Customer[]>;
  readonly churnedOn: ReadonlyMap<string, readonly Customer[]>;
}

/**
 * Simulates the base over the window. `legacyFromMs`–`legacyToMs` is the import's span (before the first local
 * day), `dates` the local days of the window.
 */
export function simulateCustomers(
  rng: Random,
  zone: Zone,
  dates: readonly string[],
  window: {
    /** The base's size at the start, within ±10 %. */
    readonly base: number;
    readonly legacyFromMs: number;
    readonly legacyToMs: number;
    readonly latestMs: number;
  },
): CustomerBook {
  const { legacyFromMs, legacyToMs, latestMs } = window;
  let serial = 0;
  const nextId = () => `c${String(++serial).padStart(6, '0')}`;
  const segment = () => rng.weighted(SEGMENTS).value;

  const baseSize = rng.int(Math.round(window.base * 0.9), Math.round(window.base * 1.1));
  const legacy: Customer[] = [];
  const active: Customer[] = [];
  for (let i = 0; i < baseSize; i++) {
    const acquiredMs = legacyFromMs + Math.floor((rng.next() * (legacyToMs - legacyFromMs)) / 1000) * 1000;
    const c: Customer = { id: nextId(), acquiredMs, churnedMs: undefined, segment: segment() };
    legacy.push(c);
    active.push(c);
  }

  const acquiredOn = new Map<string, Customer[]>();
  const churnedOn = new Map<string, Customer[]>();
  for (const date of dates) {
    const day = zone.day(date);
    const busy = new ArrivalSampler(day, VOICE_WEEKDAY, latestMs);
    const allDay = new ArrivalSampler(day, DIGITAL_ALL_DAY, latestMs);
    const churns = rng.poisson(active.length * (CHURN_HAZARD[day.weekday] ?? 0));
    const lost: Customer[] = [];
    for (let i = 0; i < churns && active.length > 0; i++) {
      const k = Math.floor(rng.next() * active.length);
      const c = active[k];
      const last = active.pop();
      if (!c || !last) break;
      if (k < active.length) active[k] = last;
      // Churns are processed in office hours, new sign-ups come in around the clock.
      c.churnedMs = (busy.total > 0 ? busy : allDay).sample(rng);
      lost.push(c);
    }
    churnedOn.set(date, lost);

    const won: Customer[] = [];
    const n = rng.poisson(baseSize * (ACQUISITION_RATE[day.weekday] ?? 0));
    for (let i = 0; i < n; i++) {
      const c: Customer = { id: nextId(), acquiredMs: allDay.sample(rng), churnedMs: undefined, segment: segment() };
      won.push(c);
    }
    won.sort((a, b) => a.acquiredMs - b.acquiredMs);
    acquiredOn.set(date, won);
    active.push(...won);
  }
  return { legacy, acquiredOn, churnedOn };
}
