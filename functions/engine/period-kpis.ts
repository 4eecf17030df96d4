/**
 * Builds a period's report from its facts: every KPI of the catalogue for the centre and for each
 * team, queue, channel and agent seen, with targets and statuses. Pure: facts and config in, report out.
 */
import { CATALOGUE } from './catalogue.js';
import type { Config } from './config.js';
import { prorate } from './costs.js';
import {
  addMeasures,
  DIMENSIONS,
  type Dimension,
  type DimensionValues,
  type PeriodFacts,
  zeroMeasures,
} from './facts.js';
import { type AgentDayTotals, delivered, type KpiInput } from './kpi.js';
import { isBusinessHours, isoInZone, type Period } from './periods.js';
import { type KpiEntry, NO_DATA_ENTRY, type Report, type ReportScope } from './report-schema.js';
import { CENTRE, inScope, type Scope, scopeKey } from './scope.js';
import { statusOf, targetFor } from './targets.js';

/** A past day whose exports changed after it was filed, and the command that would restate it. */
export interface LateDay {
  readonly date: string;
  readonly command: string;
}

/**
 * What the run knows about its inputs, reported beside the KPIs: the ledger of docs/spec.md §1, where
 * records read = accepted + rejected + merged duplicates + excluded + outside the window.
 */
export interface InputSummary {
  readonly files: number;
  readonly records: number;
  readonly duplicates: number;
  readonly rejectsByReason: Readonly<Record<string, number>>;
  /** Valid, unique records whose day the run files (absent: not counted, as in facts filed before the ledger). */
  readonly accepted?: number;
  /** Rejects per export kind, then reason. */
  readonly rejectsByKind?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Records read per export kind, rejected ones included (absent from days filed before it was kept). */
  readonly recordsByKind?: Readonly<Record<string, number>>;
  /** Records read but not customer contacts (or merged legs of one), per reason. */
  readonly excluded?: Readonly<Record<string, number>>;
  /** Valid records whose local day is not among the days the run files, per day. */
  readonly outsideWindow?: Readonly<Record<string, number>>;
  /** Days of the period whose partitions hold a file that could not be read: their figures miss its records. */
  readonly incompleteDays?: readonly string[];
  /** Days before the look-back whose exports changed after they were filed. */
  readonly lateDays?: readonly LateDay[];
}

/** Every scope with data in the period: the centre first, then each dimension's values in order. */
export function scopesOf(facts: PeriodFacts): Scope[] {
  const values: Record<Dimension, Set<string>> = {
    team: new Set(),
    queue: new Set(),
    channel: new Set(),
    agent: new Set(),
  };
  const collect = (row: Partial<DimensionValues>): void => {
    for (const d of DIMENSIONS) {
      const v = row[d];
      if (typeof v === 'string') values[d].add(v);
    }
  };
  for (const row of facts.buckets) collect(row);
  for (const row of facts.breakdowns) collect(row);
  for (const row of facts.agentDays) collect(row);
  for (const row of facts.state.backlogAtEnd) collect(row);
  const scopes: Scope[] = [CENTRE];
  for (const d of DIMENSIONS) {
    for (const value of [...values[d]].sort((a, b) => a.localeCompare(b))) scopes.push({ dimension: d, value });
  }
  return scopes;
}

function addTo(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** Whether a bucket starts within business hours; shared by every scope of a period. */
export type BusinessHoursOf = (bucket: number) => boolean;

/** `isBusinessHours` for one period and config, computed once per bucket (Luxon is the costly part). */
export function businessHoursOf(period: Period, config: Config): BusinessHoursOf {
  const known = new Map<number, boolean>();
  return (bucket) => {
    let open = known.get(bucket);
    if (open === undefined) {
      open = isBusinessHours(bucket, period.timezone, config.business_hours);
      known.set(bucket, open);
    }
    return open;
  };
}

/** The KPI input for one scope, from facts already restricted to the period. */
export function kpiInput(
  facts: PeriodFacts,
  period: Period,
  scope: Scope,
  config: Config,
  isOpen: BusinessHoursOf = businessHoursOf(period, config),
): KpiInput {
  const totals = zeroMeasures();
  let afterHoursInbound = 0;
  const inboundByChannel = new Map<string, number>();
  for (const row of facts.buckets) {
    if (!inScope(scope, row)) continue;
    addMeasures(totals, row);
    if (row.inbound === 0) continue;
    if (row.channel !== null) addTo(inboundByChannel, row.channel, row.inbound);
    if (!isOpen(row.bucket)) afterHoursInbound += row.inbound;
  }
  const reasons = new Map<string, number>();
  const keywords = new Map<string, number>();
  for (const row of facts.breakdowns) {
    if (inScope(scope, row)) addTo(row.breakdown === 'reason' ? reasons : keywords, row.key, row.count);
  }
  const kinds = facts.state.kindsWithRecords;
  const kindsDelivered = kinds === undefined ? null : new Set(kinds);
  let agentDays: AgentDayTotals | null = null;
  // No agent day ever delivered: workforce figures are unknown, not zero days worked.
  if (scope.dimension !== 'queue' && scope.dimension !== 'channel' && delivered({ kindsDelivered }, 'agent_days')) {
    const sums = { scheduled_s: 0, absent_s: 0, days_worked: 0, days: 0 };
    for (const row of facts.agentDays) {
      if (scope.dimension !== 'all' && row[scope.dimension] !== scope.value) continue;
      sums.scheduled_s += row.scheduled_s;
      sums.absent_s += row.absent_s;
      sums.days_worked += row.days_worked;
      sums.days += row.days;
    }
    agentDays = sums;
  }
  let costs: number | null = null;
  if (scope.dimension === 'all' || scope.dimension === 'team') {
    const spans = facts.costs.filter((c) => scope.dimension === 'all' || c.team === scope.value);
    // No cost line touching the period means unknown costs, not free contacts.
    costs = spans.length > 0 ? prorate(spans, period.start, period.end) : null;
  }
  let backlog = 0;
  for (const row of facts.state.backlogAtEnd) if (inScope(scope, row)) backlog += row.open;
  const s = facts.state;
  return {
    scope,
    totals,
    afterHoursInbound,
    inboundByChannel,
    reasons,
    keywords,
    agentDays,
    costs,
    backlog,
    kindsDelivered,
    customers:
      scope.dimension === 'all'
        ? {
            atStart: s.customersAtStart,
            atEnd: s.customersAtEnd,
            acquired: totals.customers_acquired,
            lost: totals.customers_lost,
            buyers: s.buyers,
            repeatBuyers: s.repeatBuyers,
          }
        : null,
    options: {
      serviceLevelCountsAbandonsWithinT: config.service_level.count_abandons_within_t,
      topReasons: config.top_reasons,
    },
  };
}

const finiteOrNull = (n: number | null): number | null => (n !== null && Number.isFinite(n) ? n : null);

/** Every KPI of the catalogue for one scope, with target and status (no comparison yet). */
export function scopeKpis(input: KpiInput, config: Config): Record<string, KpiEntry> {
  const kpis: Record<string, KpiEntry> = {};
  for (const kpi of CATALOGUE) {
    const result = kpi.compute(input);
    const value = finiteOrNull(result.value);
    const target = targetFor(config, kpi.id, input.scope);
    kpis[kpi.id] = {
      value,
      numerator: finiteOrNull(result.numerator),
      denominator: finiteOrNull(result.denominator),
      target: target?.target ?? null,
      status: statusOf(value, target, kpi.better),
      previous: null,
      delta: null,
      ...(result.items ? { items: result.items.map((i) => ({ ...i })) } : {}),
    };
  }
  return kpis;
}

/** Every KPI without data: value, parts and target status unknown. */
function unknownKpis(): Record<string, KpiEntry> {
  return Object.fromEntries(CATALOGUE.map((kpi) => [kpi.id, { ...NO_DATA_ENTRY }]));
}

/** Rows grouped by scope key in one pass: each row belongs to the centre and to one value per dimension. */
function rowsByScope<T extends Partial<DimensionValues>>(rows: readonly T[]): Map<string, T[]> {
  const index = new Map<string, T[]>([['all', [...rows]]]);
  for (const row of rows) {
    for (const d of DIMENSIONS) {
      const value = row[d];
      if (typeof value !== 'string') continue;
      const key = scopeKey({ dimension: d, value });
      const list = index.get(key);
      if (list) list.push(row);
      else index.set(key, [row]);
    }
  }
  return index;
}

/**
 * The period's facts cut by scope once, so that each of the hundreds of scopes (agents mostly) reads
 * its own rows instead of every row of the period: O(rows) instead of O(scopes × rows).
 */
export function factsByScope(facts: PeriodFacts): (scope: Scope) => PeriodFacts {
  const buckets = rowsByScope(facts.buckets);
  const breakdowns = rowsByScope(facts.breakdowns);
  const agentDays = rowsByScope(facts.agentDays);
  const backlog = rowsByScope(facts.state.backlogAtEnd);
  return (scope) => {
    const key = scopeKey(scope);
    return {
      ...facts,
      buckets: buckets.get(key) ?? [],
      breakdowns: breakdowns.get(key) ?? [],
      agentDays: agentDays.get(key) ?? [],
      state: { ...facts.state, backlogAtEnd: backlog.get(key) ?? [] },
    };
  };
}

/** Keeps only the facts whose instant lies in the period (buckets are whole, so none straddles it). */
export function factsInPeriod(facts: PeriodFacts, period: Period): PeriodFacts {
  const inside = (row: { bucket: number }): boolean => row.bucket >= period.start && row.bucket < period.end;
  return {
    ...facts,
    buckets: facts.buckets.filter(inside),
    breakdowns: facts.breakdowns.filter(inside),
    agentDays: facts.agentDays.filter((d) => d.date >= period.startDate && d.date <= period.endDate),
    verbatims: facts.verbatims.filter((v) => v.answeredAt >= period.start && v.answeredAt < period.end),
  };
}

/** The report of one period (docs/spec.md §4) from its facts. */
export function reportPeriod(args: {
  readonly facts: PeriodFacts;
  readonly period: Period;
  readonly config: Config;
  readonly inputs: InputSummary;
  readonly generatedAt: Date;
  readonly missingDays?: readonly string[];
  /** Only the centre's figures: enough for a point of the trailing series, and 1/400th of the work. */
  readonly centreOnly?: boolean;
}): Report {
  const { period, config } = args;
  const facts = factsInPeriod(args.facts, period);
  // No export file at all for the period: every figure is unknown, not zero.
  const noExports = args.inputs.files === 0;
  const own = factsByScope(facts);
  const isOpen = businessHoursOf(period, config);
  const scopes: ReportScope[] = (args.centreOnly ? [CENTRE] : scopesOf(facts)).map((scope) => ({
    scope,
    kpis: noExports ? unknownKpis() : scopeKpis(kpiInput(own(scope), period, scope, config, isOpen), config),
  }));
  const i = args.inputs;
  const byReason = i.rejectsByReason;
  return {
    period: { kind: period.kind, start: period.startDate, end: period.endDate, timezone: period.timezone },
    scopes,
    alerts: [],
    rejects: {
      count: Object.values(byReason).reduce((a, b) => a + b, 0),
      by_reason: { ...byReason },
      ...(i.rejectsByKind === undefined ? {} : { by_kind: structuredClone(i.rejectsByKind) }),
    },
    centre: config.centre,
    generated_at: isoInZone(Math.floor(args.generatedAt.getTime() / 1000), period.timezone),
    inputs: {
      files: i.files,
      records: i.records,
      duplicates: i.duplicates,
      ...(i.recordsByKind === undefined ? {} : { records_by_kind: { ...i.recordsByKind } }),
      ...(i.accepted === undefined ? {} : { accepted: i.accepted }),
      ...(i.excluded === undefined ? {} : { excluded: { ...i.excluded } }),
      ...(i.outsideWindow === undefined ? {} : { outside_window: { ...i.outsideWindow } }),
      ...(i.incompleteDays === undefined ? {} : { incomplete_days: [...i.incompleteDays] }),
      ...(i.lateDays === undefined ? {} : { late_days: i.lateDays.map((d) => ({ ...d })) }),
    },
    verbatims: facts.verbatims.slice(0, config.verbatims).map((v) => ({
      answered_at: isoInZone(v.answeredAt, period.timezone),
      kind: v.kind,
      score: v.score,
      scale_max: v.scaleMax,
      comment: v.comment,
      team: v.team,
      queue: v.queue,
      channel: v.channel,
      agent: v.agent,
    })),
    missing_days: [...(args.missingDays ?? [])],
    revised: [],
    series: {},
    thresholds: {
      service_level_s: config.thresholds.service_level_s,
      short_abandon_s: config.thresholds.short_abandon_s,
      social_reply_s: config.thresholds.social_reply_s,
    },
  };
}
