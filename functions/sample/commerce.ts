/**
 * CRM and shop exports: customer rows (latest state, sometimes with the earlier state beside it), orders, and
 * the monthly cost lines finance attributes to each team.
 */
import { AGENTS, DIGITAL_ALL_DAY, TEAMS } from './centre.js';
import type { Customer, Pool } from './customers.js';
import type { Fields, Kind } from './model.js';
import type { Random } from './random.js';
import { ArrivalSampler, HOUR, isoWeekday, type LocalDay, type Zone } from './time.js';

type Emit = (kind: Kind, part: number, ms: number, fields: Fields) => void;

/**
 * A customer's export rows. A churned customer is sometimes exported twice, the active state then the churned
 * one with a later `updated_at` (and later in the file): either dedup rule of SPEC keeps the churned state.
 */
export function emitCustomer(c: Customer, zone: Zone, rng: Random, emit: Emit): void {
  const local = rng.chance(0.3);
  const ts = (ms: number) => (local ? zone.formatLocal(ms) : zone.formatUtc(ms));
  const base: Fields = {
    id: c.id,
    acquired_at: ts(c.acquiredMs),
    churned_at: undefined,
    segment: rng.chance(0.95) ? c.segment : undefined,
    updated_at: undefined,
  };
  if (c.churnedMs === undefined) {
    emit('customers', 0, c.acquiredMs, { ...base, updated_at: rng.chance(0.5) ? ts(c.acquiredMs) : undefined });
    return;
  }
  if (rng.chance(0.4)) emit('customers', 0, c.acquiredMs, { ...base, updated_at: ts(c.acquiredMs) });
  emit('customers', 0, c.acquiredMs, { ...base, churned_at: ts(c.churnedMs), updated_at: ts(c.churnedMs) });
}

/** Remembers recent buyers so that a share of orders comes from returning customers. */
export class Buyers {
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly size = 3000) {}

  add(id: string): void {
    if (this.ring.length < this.size) this.ring.push(id);
    else this.ring[this.next] = id;
    this.next = (this.next + 1) % this.size;
  }

  pick(rng: Random): string | undefined {
    return this.ring[Math.floor(rng.next() * this.ring.length)];
  }
}

/** Orders a day by ISO weekday: online shopping peaks on Saturday. */
const ORDERS = [0, 220, 210, 210, 215, 230, 260, 150];

function orderFields(id: string, customer: string, ms: number, zone: Zone, rng: Random): Fields {
  const local = rng.chance(0.6);
  return {
    id,
    customer,
    at: local ? zone.formatLocal(ms) : zone.formatUtc(ms),
    amount: Math.max(4.99, Math.round(rng.logNormal(45, 0.8) * 100) / 100),
    currency: rng.chance(0.9) ? 'EUR' : undefined,
  };
}

/** One local day of orders, 35 % of them by a recent buyer. */
export function generateOrders(
  day: LocalDay,
  zone: Zone,
  pool: Pool,
  buyers: Buyers,
  latestMs: number,
  rng: Random,
  emit: Emit,
): void {
  const sampler = new ArrivalSampler(day, DIGITAL_ALL_DAY, latestMs);
  const ymd = day.date.replaceAll('-', '');
  const n = rng.poisson((ORDERS[day.weekday] ?? 0) * rng.logNormal(1, 0.08));
  for (let i = 0; i < n; i++) {
    const returning = rng.chance(0.35) ? buyers.pick(rng) : undefined;
    const customer = returning !== undefined && pool.has(returning) ? returning : pool.pick(rng);
    if (customer === undefined) continue;
    buyers.add(customer);
    const ms = sampler.sample(rng);
    const fields = orderFields(`or-${ymd}-${String(i + 1).padStart(4, '0')}`, customer, ms, zone, rng);
    emit('orders', 0, ms, fields);
    if (rng.chance(0.002)) emit('orders', 0, ms, { ...fields }); // re-delivered, identical
  }
}

/** How many customers of the legacy base have a last known order: enough returning buyers, not 100,000 rows. */
const LEGACY_BUYERS = 14_000;

/** The legacy import's last known order of part of the base, so returning buyers exist from the first day. */
export function legacyOrders(
  base: readonly Customer[],
  toMs: number,
  zone: Zone,
  buyers: Buyers,
  rng: Random,
  emit: Emit,
): void {
  let serial = 0;
  for (const c of base) {
    if (!rng.chance(Math.min(0.45, LEGACY_BUYERS / base.length))) continue;
    const ms = c.acquiredMs + Math.floor((rng.next() * (toMs - c.acquiredMs)) / 1000) * 1000;
    buyers.add(c.id);
    emit('orders', 0, ms, orderFields(`or-legacy-${String(++serial).padStart(6, '0')}`, c.id, ms, zone, rng));
  }
}

const MONTHS_FR = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** Monthly cost of one full-time agent, salary and charges. */
const AGENT_MONTH_EUR = 4150;
const TELEPHONY_EUR: Record<string, number> = { Nord: 2900, Sud: 2500, Digital: 700 };

/**
 * Cost lines of one local month (`YYYY-MM`): salaries and telephony per team, software and premises for the
 * centre (no team), and one two-day training session. Spans are local months, written with local offsets.
 */
export function monthCosts(month: string, zone: Zone, rng: Random, emit: Emit): void {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  const startMs = zone.startOfMonth(month);
  const endMs = zone.startOfMonth(next);
  const label = `${MONTHS_FR[m - 1] ?? ''} ${y}`;
  const amount = (x: number) => Math.round(x * (1 + 0.01 * rng.normal()) * 100) / 100;
  const line = (
    id: string,
    team: string | undefined,
    category: string,
    value: number,
    what: string,
    s = startMs,
    e = endMs,
  ) =>
    emit('costs', 0, s, {
      id: `cost-${month}-${id}`,
      start: zone.formatLocal(s),
      end: zone.formatLocal(e),
      amount: amount(value),
      currency: category === 'locaux' ? undefined : 'EUR',
      team,
      category,
      label: `${what} ${label}`,
    });

  for (const team of TEAMS) {
    const fte = AGENTS.filter((a) => a.team === team).reduce((sum, a) => sum + a.daily_s / (7 * 3600), 0);
    const key = team.toLowerCase();
    line(`${key}-salaires`, team, 'salaires', fte * AGENT_MONTH_EUR, `Salaires chargés équipe ${team} –`);
    line(`${key}-telephonie`, team, 'telephonie', TELEPHONY_EUR[team] ?? 0, `Téléphonie équipe ${team} –`);
  }
  line('digital-logiciels', 'Digital', 'logiciels', 3800, 'Licences chat et bot –');
  line('centre-logiciels', undefined, 'logiciels', 5200, 'CRM et outils du centre –');
  line('centre-locaux', undefined, 'locaux', 11500, 'Loyer et charges du plateau –');

  // A two-day training session, from 09:00 on a Monday to Thursday to 17:00 the next day.
  const team = rng.pick(TEAMS);
  let firstDay = rng.int(2, 24);
  while (isoWeekday(`${month}-${String(firstDay).padStart(2, '0')}`) > 4) firstDay++;
  const date = `${month}-${String(firstDay).padStart(2, '0')}`;
  const s = zone.atWallClock(date, 9 * 3600);
  const e = s + 32 * HOUR;
  line(`${team.toLowerCase()}-formation`, team, 'formation', rng.int(1800, 3200), `Formation équipe ${team} –`, s, e);
}
