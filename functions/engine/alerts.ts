/**
 * Alert rules and the state machine that decides when a manager hears about them. Pure: rules,
 * observations and the previous state in; alerts and the next state out. The state is plain JSON so
 * the pipeline can keep it in the archive between nightly runs.
 *
 * Per rule × scope × period kind, the machine is either quiet or firing:
 * - quiet → firing when the rule's condition has held for `consecutive` evaluated periods in a row,
 *   unless the rule fired less than `cooldown_periods` periods ago: one alert per change of state.
 * - firing → quiet when the condition has been clear for `consecutive` periods in a row (the same
 *   anti-flap both ways), with a recovery notice unless `recovery` is false.
 * - A period that says nothing (volume under `min_volume`, no value, no previous value to compare
 *   with) neither counts towards nor breaks a run; a period never evaluated (a gap) breaks it.
 * - The machine only moves forward: evaluating a period at or before the last one evaluated for a
 *   rule × scope × kind changes nothing, so a re-run or a restated past day never resends an alert.
 * - While firing, a period where the condition still holds yields a `still_breached` notice: the
 *   scorecard says it, no alert mail is sent for it.
 *
 * Alerts carry numbers and kinds, never sentences: `functions/render/wording.ts` words them per reader.
 */
import { z } from 'zod';
import { kpiById } from './catalogue.js';
import { compareKpi } from './delta.js';
import type { KpiDefinition } from './kpi.js';
import { PERIOD_KINDS, type PeriodKind, periodOrdinal } from './periods.js';
import type { Status } from './report-schema.js';
import { CENTRE, type Scope, scopeKey } from './scope.js';

/**
 * What a rule watches:
 * - `below_target`: the KPI is in `breach` of its target (beyond the warning band, on the bad side,
 *   whichever its direction: "below" reads from a higher-is-better KPI). It clears when the status is
 *   back to `ok`; `warning` is in between: it neither fires nor clears (hysteresis).
 * - `drop_points`: a `%` or `pts` KPI got worse by at least `threshold` points since the previous
 *   period: a fall for a higher-is-better KPI, a rise for a lower-is-better one (abandon rate up 2
 *   points), a fall for a KPI with no direction.
 * - `rise_percent`: a count, duration, score or amount rose by at least `threshold` percent of its
 *   previous value (AHT up 10 %, volume up 30 %). Not allowed on higher-is-better KPIs, where a rise
 *   is good news.
 * - `no_data`: the KPI has no value (a feed stopped); the volume guard does not apply.
 * - `reject_share`: more than `threshold` percent of an export kind's records read for the period
 *   were rejected (half the day's tickets unreadable); one state per kind, for the whole centre. It
 *   names no KPI; `min_volume` is then a number of records.
 */
export const ALERT_TYPES = ['below_target', 'drop_points', 'rise_percent', 'no_data', 'reject_share'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** The default threshold of a `reject_share` rule: more than 2 % of a kind's records rejected. */
export const DEFAULT_REJECT_SHARE = 2;

const SCOPE_DIMENSIONS = ['all', 'team', 'queue', 'channel', 'agent'] as const;

const scopeSelectorSchema = z.union([
  z.enum(SCOPE_DIMENSIONS),
  z
    .string()
    .regex(/^(team|queue|channel|agent):.+$/, 'expected all, team, queue, channel, agent or a key like team:NAME'),
]);

/** One alert rule of the config. Thresholds are in points (`drop_points`) or percent (`rise_percent`, `reject_share`). */
export const alertRuleSchema = z
  .strictObject({
    /** Names the rule in alerts and in the persisted state; keep it stable. */
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected lower-case letters, digits, "_" or "-"'),
    /** The KPI watched; none for `reject_share`, which watches every export kind. */
    kpi: z.string().min(1).optional(),
    type: z.enum(ALERT_TYPES),
    threshold: z.number().finite().positive().optional(),
    /** Dimensions (every team…) or scope keys (`team:Sud`); `all` is the whole centre. */
    scopes: z.array(scopeSelectorSchema).min(1).default(['all']),
    /** Period kinds the rule is evaluated on; each kind keeps its own state. */
    periods: z
      .array(z.enum(PERIOD_KINDS))
      .min(1)
      .default([...PERIOD_KINDS]),
    /** No alert on a rate computed from fewer contacts than this (the KPI's denominator; records for `reject_share`). */
    min_volume: z.number().int().nonnegative().default(0),
    /** Periods in a row the condition must hold to fire, and be clear to recover. */
    consecutive: z.number().int().min(1).max(60).default(1),
    /** Periods after firing during which the rule does not fire again. */
    cooldown_periods: z.number().int().nonnegative().default(0),
    /** Whether to send a notice when a firing rule clears. */
    recovery: z.boolean().default(true),
  })
  .superRefine((rule, ctx) => {
    const needsThreshold = rule.type === 'drop_points' || rule.type === 'rise_percent';
    if (needsThreshold && rule.threshold === undefined) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `required for ${rule.type}` });
    }
    if ((rule.type === 'below_target' || rule.type === 'no_data') && rule.threshold !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `not used by ${rule.type}` });
    }
    if (rule.type === 'reject_share') {
      if (rule.kpi !== undefined) ctx.addIssue({ code: 'custom', path: ['kpi'], message: 'not used by reject_share' });
      if ((rule.threshold ?? 0) > 100) {
        ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a share of records, at most 100 (%)' });
      }
    } else if (rule.kpi === undefined) {
      ctx.addIssue({ code: 'custom', path: ['kpi'], message: `required for ${rule.type}` });
    }
  })
  .transform((rule) =>
    rule.type === 'reject_share' ? { ...rule, threshold: rule.threshold ?? DEFAULT_REJECT_SHARE } : rule,
  );

/** The `alerts` rules of the config: a list of rules with distinct ids. */
export const alertRulesSchema = z.array(alertRuleSchema).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id ${rule.id}` });
    seen.add(rule.id);
  });
});

export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;

/**
 * An example rule set (README, sample config): FCR down 2 points, AHT up 10 %, service level,
 * abandon rate and CSAT against their targets, and the contacts feed stopping.
 */
export const EXAMPLE_ALERT_RULES: readonly AlertRuleInput[] = [
  { id: 'fcr-drop', kpi: 'fcr', type: 'drop_points', threshold: 2, min_volume: 50 },
  { id: 'aht-rise', kpi: 'aht', type: 'rise_percent', threshold: 10, min_volume: 50 },
  {
    id: 'service-level-target',
    kpi: 'service_level',
    type: 'below_target',
    scopes: ['all', 'team'],
    min_volume: 30,
    consecutive: 2,
    cooldown_periods: 3,
  },
  { id: 'abandon-target', kpi: 'abandon_rate', type: 'below_target', min_volume: 30 },
  { id: 'csat-target', kpi: 'csat', type: 'below_target', min_volume: 30 },
  // A count is null only when no export arrived at all; a closed Sunday gives 0, not null.
  { id: 'contacts-feed', kpi: 'contacts_offered', type: 'no_data', periods: ['day'] },
  // Half a day's tickets unreadable must not pass for a quiet day.
  { id: 'reject-share', type: 'reject_share', threshold: DEFAULT_REJECT_SHARE },
];

/**
 * Checks rules against the catalogue, each error naming its key (`alerts.1.kpi: …`): unknown KPI,
 * a rule type that cannot apply to the KPI's unit or direction.
 */
export function checkAlertRules(rules: readonly AlertRule[], path = 'alerts'): string[] {
  const errors: string[] = [];
  rules.forEach((rule, i) => {
    const at = `${path}.${i}`;
    if (rule.type === 'reject_share') {
      if (rule.scopes.some((s) => s !== 'all')) {
        errors.push(`${at}.scopes: reject_share watches the whole centre's exports; use [all]`);
      }
      return;
    }
    const kpi = rule.kpi === undefined ? undefined : kpiById(rule.kpi);
    if (kpi === undefined) {
      errors.push(`${at}.kpi: unknown KPI id ${rule.kpi}`);
      return;
    }
    const inPoints = kpi.unit === '%' || kpi.unit === 'pts';
    if (rule.type === 'below_target' && kpi.better === null) {
      errors.push(`${at}.type: below_target needs a KPI with a direction; ${rule.kpi} has none`);
    }
    if (rule.type === 'drop_points' && !inPoints) {
      errors.push(`${at}.type: drop_points is for % and pts KPIs; ${rule.kpi} is in ${kpi.unit} (use rise_percent)`);
    }
    if (rule.type === 'rise_percent' && inPoints) {
      errors.push(
        `${at}.type: rise_percent is for counts, durations, scores and amounts; ${rule.kpi} is in ${kpi.unit} (use drop_points)`,
      );
    }
    if (rule.type === 'rise_percent' && kpi.better === 'higher') {
      errors.push(`${at}.type: rise_percent on ${rule.kpi} would alert on an improvement (higher is better)`);
    }
  });
  return errors;
}

const alertEntrySchema = z.strictObject({
  rule: z.string(),
  kpi: z.string(),
  /** Scope key ("all", "team:Sud"). */
  scope: z.string(),
  kind: z.enum(PERIOD_KINDS),
  /** First date of the last period evaluated. */
  last_period: z.iso.date(),
  firing: z.boolean(),
  /** Evaluated periods in a row where the condition held (while quiet) … */
  streak: z.number().int().nonnegative(),
  /** … or was clear (while firing). */
  clear_streak: z.number().int().nonnegative(),
  /** First date of the period the rule last fired in, for the cooldown. */
  last_fired: z.iso.date().nullable(),
  /** First dates of the latest periods that fired (never fire twice for one period). */
  alerted: z.array(z.iso.date()),
});

/** The persisted alert state: one entry per rule × scope × period kind. Plain JSON. */
export const alertStateSchema = z.strictObject({
  version: z.literal(1),
  entries: z.record(z.string(), alertEntrySchema),
});

export type AlertState = z.infer<typeof alertStateSchema>;
type AlertEntry = z.infer<typeof alertEntrySchema>;

export const EMPTY_ALERT_STATE: AlertState = { version: 1, entries: {} };

/** How many fired periods an entry remembers. */
const ALERTED_KEPT = 12;

/** A KPI's figures for one scope and period, as the report has them. */
export interface AlertObservation {
  readonly kpi: string;
  readonly scope: Scope;
  /** The period's kind and first date (YYYY-MM-DD). */
  readonly period: { readonly kind: PeriodKind; readonly start: string };
  readonly value: number | null;
  /** The previous period's value. */
  readonly previous: number | null;
  /** The target in the KPI's value unit (a ratio for `%` KPIs), `null` without one. */
  readonly target: number | null;
  readonly status: Status;
  /** Volume the value is computed from (contacts, answers…); `null` for KPIs that are not a ratio. */
  readonly denominator: number | null;
}

/** An export kind's records and rejects for one period (the whole centre), for `reject_share` rules. */
export interface RejectObservation {
  /** The export kind: `tickets`, `contacts`… */
  readonly source: string;
  readonly period: { readonly kind: PeriodKind; readonly start: string };
  readonly rejected: number;
  /** Records read for the period, rejected ones included. */
  readonly records: number;
}

/** What happened to a rule in a period: it started firing, it cleared, or it is firing and its condition still holds. */
export const ALERT_KINDS = ['fired', 'recovered', 'still_breached'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** A notice for the report and the mail, with the numbers it is about; `render/` words it. */
export interface Alert {
  /** The KPI's id, or `reject_share` for a rule on rejected records. */
  readonly kpi: string;
  readonly scope: Scope;
  /** The rule's id. */
  readonly rule: string;
  readonly type: AlertType;
  readonly kind: AlertKind;
  readonly period: { readonly kind: PeriodKind; readonly start: string };
  /** The KPI's value (the share of records rejected, 0–1, for `reject_share`). */
  readonly value: number | null;
  readonly previous: number | null;
  readonly target: number | null;
  /** The rule's threshold: points, or percent. */
  readonly threshold: number | null;
  /** The change since the previous period, as `compareKpi` gives it. */
  readonly delta: number | null;
  readonly delta_percent: number | null;
  /** `reject_share`: the export kind, its rejected records and the records read. */
  readonly source?: string;
  readonly count?: number;
  readonly total?: number;
}

export interface EvaluateAlertsInput {
  readonly rules: readonly AlertRule[];
  readonly observations: readonly AlertObservation[];
  /** Per export kind and period: records and rejects, for `reject_share` rules. */
  readonly rejects?: readonly RejectObservation[];
  readonly state: AlertState;
}

export interface EvaluateAlertsResult {
  readonly alerts: Alert[];
  readonly state: AlertState;
}

/** What a period says about a rule's condition. */
type Verdict = 'holds' | 'clear' | 'between' | 'unknown';

/** Tolerance for thresholds: ratios from sums land a hair off exact values. */
const EPS = 1e-9;

/** An observation of either sort, as the machine reads it. */
interface Observed extends AlertObservation {
  /** Set for a reject share: the export kind, its rejects and records. */
  readonly rejects?: RejectObservation;
}

function verdictOf(rule: AlertRule, kpi: KpiDefinition | undefined, obs: Observed): Verdict {
  if (rule.type === 'no_data') return obs.value === null ? 'holds' : 'clear';
  if (obs.value === null || !Number.isFinite(obs.value)) return 'unknown';
  if (obs.denominator !== null && obs.denominator < rule.min_volume) return 'unknown';
  const threshold = rule.threshold ?? 0;
  switch (rule.type) {
    case 'below_target':
      return obs.status === 'breach'
        ? 'holds'
        : obs.status === 'ok'
          ? 'clear'
          : obs.status === 'warning'
            ? 'between'
            : 'unknown';
    case 'drop_points': {
      const { delta } = compareKpi(kpi?.unit ?? '%', obs.value, obs.previous);
      if (delta === null) return 'unknown';
      const worsening = kpi?.better === 'lower' ? delta : -delta;
      return worsening >= threshold - EPS ? 'holds' : 'clear';
    }
    case 'rise_percent': {
      const { deltaPercent } = compareKpi(kpi?.unit ?? 'count', obs.value, obs.previous);
      if (deltaPercent === null) return 'unknown';
      return deltaPercent >= threshold - EPS ? 'holds' : 'clear';
    }
    case 'reject_share':
      // "More than 2 %": exactly 2 % does not fire.
      return obs.value * 100 > threshold + EPS ? 'holds' : 'clear';
  }
}

function appliesTo(rule: AlertRule, obs: Observed): boolean {
  if (!rule.periods.includes(obs.period.kind)) return false;
  if (rule.type === 'reject_share') return obs.rejects !== undefined;
  if (obs.rejects !== undefined || rule.kpi !== obs.kpi) return false;
  const key = scopeKey(obs.scope);
  return rule.scopes.some((s) => s === obs.scope.dimension || s === key);
}

const asObserved = (r: RejectObservation): Observed => ({
  kpi: 'reject_share',
  scope: CENTRE,
  period: r.period,
  value: r.records > 0 ? r.rejected / r.records : null,
  previous: null,
  target: null,
  status: 'ok',
  denominator: r.records,
  rejects: r,
});

const KIND_ORDER: Readonly<Record<PeriodKind, number>> = { day: 0, week: 1, month: 2 };

/** The numbers an alert carries, from the observation that raised it. */
function alertOf(rule: AlertRule, kpi: KpiDefinition | undefined, obs: Observed, kind: AlertKind): Alert {
  const { delta, deltaPercent } =
    kpi === undefined ? { delta: null, deltaPercent: null } : compareKpi(kpi.unit, obs.value, obs.previous);
  return {
    kpi: obs.kpi,
    scope: obs.scope,
    rule: rule.id,
    type: rule.type,
    kind,
    period: obs.period,
    value: obs.value,
    previous: obs.previous,
    target: obs.target,
    threshold: rule.threshold ?? null,
    delta,
    delta_percent: deltaPercent,
    ...(obs.rejects ? { source: obs.rejects.source, count: obs.rejects.rejected, total: obs.rejects.records } : {}),
  };
}

/**
 * Evaluates alert rules on a batch of observations, oldest period first, and returns the alerts with
 * the next state. Pure and deterministic: evaluating again with the returned state sends nothing new.
 * @example
 * const { alerts, state } = evaluateAlerts({ rules, observations, state: previousState });
 * // alerts[0]: { rule: 'fcr-drop', kind: 'fired', value: 0.76, previous: 0.78, delta: -2, … }
 */
export function evaluateAlerts(input: EvaluateAlertsInput): EvaluateAlertsResult {
  const { rules } = input;
  const entries: Record<string, AlertEntry> = {};
  for (const [key, entry] of Object.entries(input.state.entries))
    entries[key] = { ...entry, alerted: [...entry.alerted] };
  const kpis = new Map<string, KpiDefinition>();
  for (const rule of rules) {
    if (rule.kpi === undefined) continue;
    const kpi = kpiById(rule.kpi);
    if (kpi === undefined) throw new RangeError(`alert rule ${rule.id}: unknown KPI id ${rule.kpi}`);
    kpis.set(rule.kpi, kpi);
  }
  const observed: Observed[] = [...input.observations, ...(input.rejects ?? []).map(asObserved)];
  // Thousands of observations share a few periods: each period's date is parsed once, not per observation and rule.
  const ordinals = new Map<string, number>();
  const ordinalOf = (kind: PeriodKind, start: string): number => {
    const key = `${kind}|${start}`;
    let ordinal = ordinals.get(key);
    if (ordinal === undefined) {
      ordinal = periodOrdinal(kind, start);
      ordinals.set(key, ordinal);
    }
    return ordinal;
  };
  const observations = observed
    .map((obs, index) => ({ obs, index, ordinal: ordinalOf(obs.period.kind, obs.period.start) }))
    .sort(
      (a, b) =>
        (a.obs.period.start < b.obs.period.start ? -1 : a.obs.period.start > b.obs.period.start ? 1 : 0) ||
        KIND_ORDER[a.obs.period.kind] - KIND_ORDER[b.obs.period.kind] ||
        a.index - b.index,
    );
  const alerts: Alert[] = [];
  for (const { obs, ordinal } of observations) {
    for (const rule of rules) {
      if (!appliesTo(rule, obs)) continue;
      const kpi = rule.kpi === undefined ? undefined : kpis.get(rule.kpi);
      const { kind, start } = obs.period;
      // A reject-share rule keeps one state per export kind.
      const source = obs.rejects === undefined ? '' : `|${obs.rejects.source}`;
      const key = `${rule.id}|${kind}|${scopeKey(obs.scope)}${source}`;
      const before = entries[key];
      if (before !== undefined && ordinalOf(kind, before.last_period) >= ordinal) continue;
      const entry: AlertEntry = before ?? {
        rule: rule.id,
        kpi: obs.rejects === undefined ? obs.kpi : `${obs.kpi}:${obs.rejects.source}`,
        scope: scopeKey(obs.scope),
        kind,
        last_period: start,
        firing: false,
        streak: 0,
        clear_streak: 0,
        last_fired: null,
        alerted: [],
      };
      if (before !== undefined && ordinal - ordinalOf(kind, before.last_period) > 1) {
        entry.streak = 0;
        entry.clear_streak = 0;
      }
      const emit = (alertKind: AlertKind): void => {
        alerts.push(alertOf(rule, kpi, obs, alertKind));
      };
      switch (verdictOf(rule, kpi, obs)) {
        case 'holds': {
          entry.streak += 1;
          entry.clear_streak = 0;
          const cooling =
            entry.last_fired !== null && ordinal - ordinalOf(kind, entry.last_fired) <= rule.cooldown_periods;
          if (entry.firing) {
            emit('still_breached');
          } else if (entry.streak >= rule.consecutive && !cooling && !entry.alerted.includes(start)) {
            entry.firing = true;
            entry.last_fired = start;
            entry.alerted = [...entry.alerted, start].slice(-ALERTED_KEPT);
            emit('fired');
          }
          break;
        }
        case 'clear':
          entry.streak = 0;
          if (entry.firing) {
            entry.clear_streak += 1;
            if (entry.clear_streak >= rule.consecutive) {
              entry.firing = false;
              entry.clear_streak = 0;
              if (rule.recovery) emit('recovered');
            }
          }
          break;
        case 'between':
          entry.streak = 0;
          entry.clear_streak = 0;
          break;
        case 'unknown':
          break;
      }
      entry.last_period = start;
      entries[key] = entry;
    }
  }
  return { alerts, state: { version: 1, entries } };
}
