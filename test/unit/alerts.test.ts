import { describe, expect, it } from 'vitest';
import {
  type Alert,
  type AlertObservation,
  type AlertRule,
  type AlertRuleInput,
  type AlertState,
  alertRuleSchema,
  alertRulesSchema,
  alertStateSchema,
  checkAlertRules,
  EMPTY_ALERT_STATE,
  EXAMPLE_ALERT_RULES,
  evaluateAlerts,
} from '../../functions/engine/alerts.js';
import type { Status } from '../../functions/engine/report-schema.js';
import { CENTRE, type Scope } from '../../functions/engine/scope.js';

const rule = (input: AlertRuleInput): AlertRule => alertRuleSchema.parse(input);

/** The n-th day from Monday 2 November 2026 (0-based), as an observation's period. */
const dayN = (n: number): AlertObservation['period'] => ({
  kind: 'day',
  start: new Date(Date.UTC(2026, 10, 2 + n)).toISOString().slice(0, 10),
});

type Step = Partial<Omit<AlertObservation, 'period'>> | 'skip';

const observation = (period: AlertObservation['period'], over: Partial<AlertObservation> = {}): AlertObservation => ({
  kpi: 'fcr',
  scope: CENTRE,
  period,
  value: 0.8,
  previous: 0.8,
  target: 0.8,
  status: 'ok',
  denominator: 500,
  ...over,
});

/**
 * Feeds one observation per day, threading the state as nightly runs would; 'skip' is a day not
 * evaluated. Returns what each day emitted ('' for nothing) and the final state.
 */
function run(rules: readonly AlertRule[], steps: readonly Step[]) {
  let state: AlertState = EMPTY_ALERT_STATE;
  const emitted: string[] = [];
  const alerts: Alert[] = [];
  steps.forEach((step, n) => {
    if (step === 'skip') {
      emitted.push('');
      return;
    }
    const result = evaluateAlerts({ rules, observations: [observation(dayN(n), step)], state });
    state = result.state;
    alerts.push(...result.alerts);
    emitted.push(result.alerts.map((a) => a.kind).join(','));
  });
  return { emitted, alerts, state };
}

const status = (s: Status, over: Partial<AlertObservation> = {}): Step => ({ status: s, ...over });
const breach = status('breach', { value: 0.7 });
const ok = status('ok', { value: 0.82 });
const warning = status('warning', { value: 0.79 });

describe('below_target', () => {
  const belowTarget = rule({ id: 'fcr-target', kpi: 'fcr', type: 'below_target' });

  it.each([
    [
      'fires on the change to breach only, recovers, fires again',
      [ok, breach, breach, ok, breach],
      ['', 'fired', 'still_breached', 'recovered', 'fired'],
    ],
    [
      'fires once for a long breach, then says it still holds',
      [breach, breach, breach, breach],
      ['fired', 'still_breached', 'still_breached', 'still_breached'],
    ],
    ['does not fire in the warning band', [ok, warning, warning, ok], ['', '', '', '']],
    [
      'does not recover in the warning band (hysteresis)',
      [breach, warning, warning, ok],
      ['fired', '', '', 'recovered'],
    ],
    ['ignores a period with no value', [breach, status('no_data', { value: null }), ok], ['fired', '', 'recovered']],
  ] as const)('%s', (_name, steps, expected) => {
    expect(run([belowTarget], steps).emitted).toEqual(expected);
  });
});

describe('drop_points', () => {
  const fcrDrop = rule({ id: 'fcr-drop', kpi: 'fcr', type: 'drop_points', threshold: 2 });
  const abandonWorse = rule({ id: 'abandon-worse', kpi: 'abandon_rate', type: 'drop_points', threshold: 2 });
  const fcr = (previous: number, value: number): Step => ({ previous, value });
  const abandon = (previous: number, value: number): Step => ({ kpi: 'abandon_rate', previous, value, target: null });

  it.each([
    [
      'fires on a fall of exactly 2 points, recovers when the fall stops',
      [fcrDrop],
      [fcr(0.8, 0.8), fcr(0.8, 0.78), fcr(0.78, 0.775), fcr(0.775, 0.81)],
      ['', 'fired', 'recovered', ''],
    ],
    ['does not fire on a fall of 1.9 points', [fcrDrop], [fcr(0.8, 0.781)], ['']],
    ['does not fire on a rise of a higher-is-better KPI', [fcrDrop], [fcr(0.7, 0.8)], ['']],
    ['fires when a lower-is-better KPI worsens (rises) by 2 points', [abandonWorse], [abandon(0.04, 0.065)], ['fired']],
    [
      'does not fire when a lower-is-better KPI improves (falls) by 3 points',
      [abandonWorse],
      [abandon(0.07, 0.04)],
      [''],
    ],
    ['says nothing without a previous value', [fcrDrop], [{ previous: null, value: 0.5 }], ['']],
  ] as const)('%s', (_name, rules, steps, expected) => {
    expect(run(rules, steps).emitted).toEqual(expected);
  });
});

describe('rise_percent', () => {
  const ahtRise = rule({ id: 'aht-rise', kpi: 'aht', type: 'rise_percent', threshold: 10 });
  const aht = (previous: number, value: number): Step => ({ kpi: 'aht', previous, value, target: null });

  it.each([
    ['fires on a rise of exactly 10 %', [aht(300, 330)], ['fired']],
    ['does not fire on a rise of 9.7 %', [aht(300, 329)], ['']],
    ['does not fire on a fall', [aht(300, 200)], ['']],
    ['recovers when the rise stops', [aht(300, 336), aht(336, 340)], ['fired', 'recovered']],
    ['says nothing when the previous value is 0', [aht(0, 300)], ['']],
  ] as const)('%s', (_name, steps, expected) => {
    expect(run([ahtRise], steps).emitted).toEqual(expected);
  });
});

describe('no_data', () => {
  const feed = rule({ id: 'voice-feed', kpi: 'answer_rate', type: 'no_data', min_volume: 50 });
  const answer = (value: number | null, previous: number | null): Step => ({
    kpi: 'answer_rate',
    value,
    previous,
    status: value === null ? 'no_data' : 'ok',
    denominator: value === null ? 0 : 400,
  });

  it('fires when the value goes missing, whatever the volume guard, and recovers when it returns', () => {
    const { emitted, alerts } = run(
      [feed],
      [answer(0.92, 0.9), answer(null, 0.92), answer(null, null), answer(0.91, null)],
    );
    expect(emitted).toEqual(['', 'fired', 'still_breached', 'recovered']);
    expect(alerts.map((a) => [a.type, a.kind, a.value, a.previous])).toEqual([
      ['no_data', 'fired', null, 0.92],
      ['no_data', 'still_breached', null, null],
      ['no_data', 'recovered', 0.91, null],
    ]);
  });
});

describe('guards: minimum volume, anti-flap, cooldown, recovery notices', () => {
  const base = { id: 'fcr-target', kpi: 'fcr', type: 'below_target' } as const;

  it.each([
    [
      'min volume: no alert on a rate from 3 contacts',
      { ...base, min_volume: 50 },
      [status('breach', { value: 0.33, denominator: 3 }), status('breach', { denominator: 60 })],
      ['', 'fired'],
    ],
    [
      'min volume: a thin period neither recovers nor breaks the alert',
      { ...base, min_volume: 50 },
      [breach, status('ok', { denominator: 3 }), breach, ok],
      ['fired', '', 'still_breached', 'recovered'],
    ],
    [
      'anti-flap: 2 periods in a row to fire, 2 to recover',
      { ...base, consecutive: 2 },
      [breach, ok, breach, breach, ok, breach, ok, ok],
      ['', '', '', 'fired', '', 'still_breached', '', 'recovered'],
    ],
    [
      'anti-flap: a thin period keeps the run going',
      { ...base, consecutive: 2, min_volume: 50 },
      [breach, status('breach', { denominator: 3 }), breach],
      ['', '', 'fired'],
    ],
    [
      'anti-flap: a day not evaluated breaks the run',
      { ...base, consecutive: 2 },
      [breach, 'skip', breach, breach],
      ['', '', '', 'fired'],
    ],
    [
      'cooldown: no new alert within 2 periods of the last one',
      { ...base, cooldown_periods: 2 },
      [breach, ok, breach, breach, breach],
      ['fired', 'recovered', '', 'fired', 'still_breached'],
    ],
    [
      'cooldown: fires again right after it',
      { ...base, cooldown_periods: 2 },
      [breach, ok, ok, breach],
      ['fired', 'recovered', '', 'fired'],
    ],
    [
      'recovery: false clears silently, then can fire again',
      { ...base, recovery: false },
      [breach, ok, breach],
      ['fired', '', 'fired'],
    ],
  ] as const)('%s', (_name, input, steps, expected) => {
    expect(run([rule(input)], steps).emitted).toEqual(expected);
  });
});

describe('state', () => {
  const fcrTarget = rule({ id: 'fcr-target', kpi: 'fcr', type: 'below_target' });
  const breachToday = observation(dayN(0), { status: 'breach', value: 0.7 });

  it('is idempotent: evaluating the same period again with the returned state sends nothing', () => {
    // Prepare
    const first = evaluateAlerts({
      rules: [fcrTarget],
      observations: [breachToday],
      state: EMPTY_ALERT_STATE,
    });
    // Act
    const again = evaluateAlerts({ rules: [fcrTarget], observations: [breachToday], state: first.state });
    // Assess
    expect(first.alerts).toHaveLength(1);
    expect(again.alerts).toEqual([]);
    expect(again.state).toEqual(first.state);
  });

  it('never goes back: a restated past period, even one that recovered, changes nothing', () => {
    const later = evaluateAlerts({
      rules: [fcrTarget],
      observations: [observation(dayN(3), { status: 'breach', value: 0.7 })],
      state: EMPTY_ALERT_STATE,
    });
    const restated = evaluateAlerts({
      rules: [fcrTarget],
      observations: [observation(dayN(1), { status: 'ok' }), observation(dayN(3), { status: 'ok' })],
      state: later.state,
    });
    expect(restated.alerts).toEqual([]);
    expect(restated.state).toEqual(later.state);
  });

  it('sends one alert for a period seen twice in one batch, and takes a batch in date order', () => {
    const { alerts } = evaluateAlerts({
      rules: [fcrTarget],
      observations: [observation(dayN(1), { status: 'ok' }), breachToday, breachToday],
      state: EMPTY_ALERT_STATE,
    });
    expect(alerts.map((a) => [a.kind, a.period.start])).toEqual([
      ['fired', '2026-11-02'],
      ['recovered', '2026-11-03'],
    ]);
  });

  it('is plain JSON: a round trip through the archive gives the same state and the same decisions', () => {
    const { state } = run([fcrTarget], [breach, breach]);
    const restored = alertStateSchema.parse(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
    const next = observation(dayN(2), { status: 'ok' });
    const fromOriginal = evaluateAlerts({ rules: [fcrTarget], observations: [next], state });
    const fromRestored = evaluateAlerts({ rules: [fcrTarget], observations: [next], state: restored });
    expect(fromRestored).toEqual(fromOriginal);
    expect(fromRestored.alerts.map((a) => a.kind)).toEqual(['recovered']);
    expect(state.entries['fcr-target|day|all']).toMatchObject({
      rule: 'fcr-target',
      kpi: 'fcr',
      scope: 'all',
      kind: 'day',
      last_period: '2026-11-03',
      firing: true,
      last_fired: '2026-11-02',
      alerted: ['2026-11-02'],
    });
  });

  it('does not change the state it is given', () => {
    const { state } = run([fcrTarget], [breach]);
    const frozen = JSON.stringify(state);
    evaluateAlerts({ rules: [fcrTarget], observations: [observation(dayN(1), { status: 'ok' })], state });
    expect(JSON.stringify(state)).toBe(frozen);
  });

  it('keeps one state per scope and per period kind, and matches scopes by dimension or key', () => {
    // Prepare
    const teams = rule({
      id: 'fcr-teams',
      kpi: 'fcr',
      type: 'below_target',
      scopes: ['team', 'queue:Support'],
      periods: ['week'],
    });
    const sud: Scope = { dimension: 'team', value: 'Sud' };
    const nord: Scope = { dimension: 'team', value: 'Nord' };
    const support: Scope = { dimension: 'queue', value: 'Support' };
    const sales: Scope = { dimension: 'queue', value: 'Ventes' };
    const week = { kind: 'week', start: '2026-11-23' } as const;
    const bad = { status: 'breach', value: 0.7 } as const;
    // Act
    const { alerts, state } = evaluateAlerts({
      rules: [teams],
      observations: [
        observation(week, { ...bad, scope: sud }),
        observation(week, { ...bad, scope: nord }),
        observation(week, { ...bad, scope: support }),
        observation(week, { ...bad, scope: sales }),
        observation(week, { ...bad, scope: CENTRE }),
        observation(dayN(0), { ...bad, scope: sud }),
      ],
      state: EMPTY_ALERT_STATE,
    });
    // Assess
    expect(alerts.map((a) => [a.kind, a.scope, a.value, a.target])).toEqual([
      ['fired', sud, 0.7, 0.8],
      ['fired', nord, 0.7, 0.8],
      ['fired', support, 0.7, 0.8],
    ]);
    expect(Object.keys(state.entries).sort()).toEqual([
      'fcr-teams|week|queue:Support',
      'fcr-teams|week|team:Nord',
      'fcr-teams|week|team:Sud',
    ]);
  });
});

describe('reject_share', () => {
  const share = rule({ id: 'reject-share', type: 'reject_share', min_volume: 100 });
  const tickets = (n: number, rejected: number, records: number) => ({
    source: 'tickets',
    period: dayN(n),
    rejected,
    records,
  });
  const evaluate = (rejects: ReturnType<typeof tickets>[], state: AlertState = EMPTY_ALERT_STATE) =>
    evaluateAlerts({ rules: [share], observations: [], rejects, state });

  it('defaults to more than 2 % of a kind’s records, and needs no KPI', () => {
    expect(share.threshold).toBe(2);
    expect(share.kpi).toBeUndefined();
    expect(alertRuleSchema.safeParse({ id: 'x', type: 'reject_share', kpi: 'fcr' }).success).toBe(false);
    expect(alertRuleSchema.safeParse({ id: 'x', type: 'below_target' }).success).toBe(false);
  });

  it('fires above 2 %, not at 2 %, carrying the kind, the counts and the share', () => {
    // 405 of 810 tickets rejected: a half, far beyond 2 %; 20 of 1,000 is exactly 2 %: not "more than".
    expect(evaluate([tickets(0, 20, 1000)]).alerts).toEqual([]);
    const { alerts } = evaluate([tickets(0, 405, 810)]);
    expect(alerts).toEqual([
      expect.objectContaining({
        kpi: 'reject_share',
        scope: CENTRE,
        type: 'reject_share',
        kind: 'fired',
        value: 0.5,
        threshold: 2,
        source: 'tickets',
        count: 405,
        total: 810,
      }),
    ]);
  });

  it('keeps one state per export kind, and recovers when the share falls back', () => {
    const first = evaluate([tickets(0, 405, 810), { ...tickets(0, 1, 5000), source: 'contacts' }]);
    expect(first.alerts.map((a) => a.source)).toEqual(['tickets']);
    expect(Object.keys(first.state.entries).sort()).toEqual([
      'reject-share|day|all|contacts',
      'reject-share|day|all|tickets',
    ]);
    const next = evaluate([tickets(1, 3, 790)], first.state);
    expect(next.alerts.map((a) => [a.source, a.kind])).toEqual([['tickets', 'recovered']]);
  });

  it('says nothing on fewer records than min_volume', () => {
    expect(evaluate([tickets(0, 40, 80)]).alerts).toEqual([]);
  });
});

describe('rule config', () => {
  it('fills defaults', () => {
    expect(rule({ id: 'fcr-target', kpi: 'fcr', type: 'below_target' })).toEqual({
      id: 'fcr-target',
      kpi: 'fcr',
      type: 'below_target',
      scopes: ['all'],
      periods: ['day', 'week', 'month'],
      min_volume: 0,
      consecutive: 1,
      cooldown_periods: 0,
      recovery: true,
    });
  });

  it.each([
    [[{ id: 'x', kpi: 'fcr', type: 'drop_points' }], '0.threshold: required for drop_points'],
    [[{ id: 'x', kpi: 'fcr', type: 'no_data', threshold: 3 }], '0.threshold: not used by no_data'],
    [[{ id: 'x', kpi: 'fcr', type: 'below_target', scopes: ['teams'] }], '0.scopes.0'],
    [[{ id: 'x', kpi: 'fcr', type: 'below_target', consecutive: 0 }], '0.consecutive'],
    [[{ id: 'x', kpi: 'fcr', type: 'below_target', cooldown: 2 }], 'cooldown'],
    [[{ id: 'x', kpi: 'fcr', type: 'above_target' }], '0.type'],
    [
      [
        { id: 'x', kpi: 'fcr', type: 'below_target' },
        { id: 'x', kpi: 'aht', type: 'no_data' },
      ],
      '1.id: duplicate rule id x',
    ],
  ])('rejects %j, naming %s', (input, expected) => {
    const parsed = alertRulesSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issues = parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') ?? '';
    expect(issues).toContain(expected);
  });

  it.each([
    [{ id: 'x', kpi: 'fcrr', type: 'below_target' }, 'alerts.0.kpi: unknown KPI id fcrr'],
    [{ id: 'x', kpi: 'contacts_offered', type: 'below_target' }, 'below_target needs a KPI with a direction'],
    [{ id: 'x', kpi: 'aht', type: 'drop_points', threshold: 2 }, 'drop_points is for % and pts KPIs; aht is in s'],
    [{ id: 'x', kpi: 'fcr', type: 'rise_percent', threshold: 2 }, 'rise_percent is for counts, durations'],
    [{ id: 'x', kpi: 'contacts_handled', type: 'rise_percent', threshold: 2 }, 'would alert on an improvement'],
  ] as const)('checks %j against the catalogue', (input, expected) => {
    expect(checkAlertRules([rule(input)]).join('\n')).toContain(expected);
  });

  it('accepts the example rules', () => {
    const rules = alertRulesSchema.parse(EXAMPLE_ALERT_RULES);
    expect(checkAlertRules(rules)).toEqual([]);
    expect(rules.map((r) => r.type)).toEqual([
      'drop_points',
      'rise_percent',
      'below_target',
      'below_target',
      'below_target',
      'no_data',
      'reject_share',
    ]);
  });
});
