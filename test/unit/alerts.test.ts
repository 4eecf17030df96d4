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
import type { Locale } from '../../functions/engine/compare.js';
import type { Status } from '../../functions/engine/report-schema.js';
import { CENTRE, type Scope } from '../../functions/engine/scope.js';

const rule = (input: AlertRuleInput): AlertRule => alertRuleSchema.parse(input);
const sp = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

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
function run(rules: readonly AlertRule[], steps: readonly Step[], locale: Locale = 'fr') {
  let state: AlertState = EMPTY_ALERT_STATE;
  const emitted: string[] = [];
  const alerts: Alert[] = [];
  steps.forEach((step, n) => {
    if (step === 'skip') {
      emitted.push('');
      return;
    }
    const result = evaluateAlerts({ rules, observations: [observation(dayN(n), step)], state, locale });
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
      ['', 'firing', '', 'recovered', 'firing'],
    ],
    ['fires once for a long breach', [breach, breach, breach, breach], ['firing', '', '', '']],
    ['does not fire in the warning band', [ok, warning, warning, ok], ['', '', '', '']],
    [
      'does not recover in the warning band (hysteresis)',
      [breach, warning, warning, ok],
      ['firing', '', '', 'recovered'],
    ],
    ['ignores a period with no value', [breach, status('no_data', { value: null }), ok], ['firing', '', 'recovered']],
  ] as const)('%s', (_name, steps, expected) => {
    expect(run([belowTarget], steps).emitted).toEqual(expected);
  });

  it('words the breach and the recovery by direction, in fr and en', () => {
    const fr = run([belowTarget], [breach, ok], 'fr').alerts.map((a) => sp(a.message));
    expect(fr).toEqual([
      'Résolution au premier contact (FCR) est sous l’objectif : 70 % (objectif 80 %)',
      'Résolution au premier contact (FCR) est revenue au-dessus de l’objectif : 82 % (objectif 80 %)',
    ]);
    const en = run([belowTarget], [breach, ok], 'en').alerts.map((a) => sp(a.message));
    expect(en).toEqual([
      'First contact resolution is below target: 70% (target 80%)',
      'First contact resolution is back above target: 82% (target 80%)',
    ]);
    const abandon = rule({ id: 'abandon-target', kpi: 'abandon_rate', type: 'below_target' });
    const steps: Step[] = [
      { kpi: 'abandon_rate', value: 0.07, target: 0.05, status: 'breach' },
      { kpi: 'abandon_rate', value: 0.045, target: 0.05, status: 'ok' },
    ];
    expect(run([abandon], steps, 'fr').alerts.map((a) => sp(a.message))).toEqual([
      "Taux d'abandon dépasse l’objectif : 7 % (objectif 5 %)",
      "Taux d'abandon est revenu sous l’objectif : 4,5 % (objectif 5 %)",
    ]);
    expect(run([abandon], steps, 'en').alerts.map((a) => sp(a.message))).toEqual([
      'Abandon rate is above target: 7% (target 5%)',
      'Abandon rate is back below target: 4.5% (target 5%)',
    ]);
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
      ['', 'firing', 'recovered', ''],
    ],
    ['does not fire on a fall of 1.9 points', [fcrDrop], [fcr(0.8, 0.781)], ['']],
    ['does not fire on a rise of a higher-is-better KPI', [fcrDrop], [fcr(0.7, 0.8)], ['']],
    [
      'fires when a lower-is-better KPI worsens (rises) by 2 points',
      [abandonWorse],
      [abandon(0.04, 0.065)],
      ['firing'],
    ],
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

  it('words the actual movement, and the recovery', () => {
    const { alerts } = run([fcrDrop], [fcr(0.78, 0.76), fcr(0.76, 0.765)]);
    expect(alerts.map((a) => sp(a.message))).toEqual([
      'Résolution au premier contact (FCR) a baissé de 2 points (78 % → 76 %)',
      'Résolution au premier contact (FCR) ne se dégrade plus (76 % → 76,5 %)',
    ]);
    const en = run([abandonWorse], [abandon(0.041, 0.062)], 'en').alerts.map((a) => sp(a.message));
    expect(en).toEqual(['Abandon rate rose by 2.1 points (4.1% → 6.2%)']);
  });
});

describe('rise_percent', () => {
  const ahtRise = rule({ id: 'aht-rise', kpi: 'aht', type: 'rise_percent', threshold: 10 });
  const aht = (previous: number, value: number): Step => ({ kpi: 'aht', previous, value, target: null });

  it.each([
    ['fires on a rise of exactly 10 %', [aht(300, 330)], ['firing']],
    ['does not fire on a rise of 9.7 %', [aht(300, 329)], ['']],
    ['does not fire on a fall', [aht(300, 200)], ['']],
    ['recovers when the rise stops', [aht(300, 336), aht(336, 340)], ['firing', 'recovered']],
    ['says nothing when the previous value is 0', [aht(0, 300)], ['']],
  ] as const)('%s', (_name, steps, expected) => {
    expect(run([ahtRise], steps).emitted).toEqual(expected);
  });

  it('words the rise in percent, and the recovery, in fr and en', () => {
    expect(run([ahtRise], [aht(300, 336), aht(336, 340)], 'fr').alerts.map((a) => sp(a.message))).toEqual([
      'Durée moyenne de traitement (DMT) a augmenté de 12 % (5 min 00 s → 5 min 36 s)',
      'Durée moyenne de traitement (DMT) n’augmente plus (5 min 36 s → 5 min 40 s)',
    ]);
    expect(run([ahtRise], [aht(300, 336)], 'en').alerts.map((a) => sp(a.message))).toEqual([
      'Average handling time rose by 12% (5 min 00 s → 5 min 36 s)',
    ]);
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
    expect(emitted).toEqual(['', 'firing', '', 'recovered']);
    expect(alerts.map((a) => sp(a.message))).toEqual([
      'Taux de décroché : pas de données sur la période (précédente : 92 %)',
      'Taux de décroché : données de nouveau disponibles (91 %)',
    ]);
    expect(run([feed], [answer(null, null)], 'en').alerts.map((a) => a.message)).toEqual([
      'Answer rate: no data for the period',
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
      ['', 'firing'],
    ],
    [
      'min volume: a thin period neither recovers nor breaks the alert',
      { ...base, min_volume: 50 },
      [breach, status('ok', { denominator: 3 }), breach, ok],
      ['firing', '', '', 'recovered'],
    ],
    [
      'anti-flap: 2 periods in a row to fire, 2 to recover',
      { ...base, consecutive: 2 },
      [breach, ok, breach, breach, ok, breach, ok, ok],
      ['', '', '', 'firing', '', '', '', 'recovered'],
    ],
    [
      'anti-flap: a thin period keeps the run going',
      { ...base, consecutive: 2, min_volume: 50 },
      [breach, status('breach', { denominator: 3 }), breach],
      ['', '', 'firing'],
    ],
    [
      'anti-flap: a day not evaluated breaks the run',
      { ...base, consecutive: 2 },
      [breach, 'skip', breach, breach],
      ['', '', '', 'firing'],
    ],
    [
      'cooldown: no new alert within 2 periods of the last one',
      { ...base, cooldown_periods: 2 },
      [breach, ok, breach, breach, breach],
      ['firing', 'recovered', '', 'firing', ''],
    ],
    [
      'cooldown: fires again right after it',
      { ...base, cooldown_periods: 2 },
      [breach, ok, ok, breach],
      ['firing', 'recovered', '', 'firing'],
    ],
    [
      'recovery: false clears silently, then can fire again',
      { ...base, recovery: false },
      [breach, ok, breach],
      ['firing', '', 'firing'],
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
      locale: 'fr',
    });
    // Act
    const again = evaluateAlerts({ rules: [fcrTarget], observations: [breachToday], state: first.state, locale: 'fr' });
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
      locale: 'fr',
    });
    const restated = evaluateAlerts({
      rules: [fcrTarget],
      observations: [observation(dayN(1), { status: 'ok' }), observation(dayN(3), { status: 'ok' })],
      state: later.state,
      locale: 'fr',
    });
    expect(restated.alerts).toEqual([]);
    expect(restated.state).toEqual(later.state);
  });

  it('sends one alert for a period seen twice in one batch, and takes a batch in date order', () => {
    const { alerts } = evaluateAlerts({
      rules: [fcrTarget],
      observations: [observation(dayN(1), { status: 'ok' }), breachToday, breachToday],
      state: EMPTY_ALERT_STATE,
      locale: 'en',
    });
    expect(alerts.map((a) => [a.kind, a.period.start])).toEqual([
      ['firing', '2026-11-02'],
      ['recovered', '2026-11-03'],
    ]);
  });

  it('is plain JSON: a round trip through the archive gives the same state and the same decisions', () => {
    const { state } = run([fcrTarget], [breach, breach]);
    const restored = alertStateSchema.parse(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
    const next = observation(dayN(2), { status: 'ok' });
    const fromOriginal = evaluateAlerts({ rules: [fcrTarget], observations: [next], state, locale: 'fr' });
    const fromRestored = evaluateAlerts({ rules: [fcrTarget], observations: [next], state: restored, locale: 'fr' });
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
    evaluateAlerts({ rules: [fcrTarget], observations: [observation(dayN(1), { status: 'ok' })], state, locale: 'fr' });
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
      locale: 'fr',
    });
    // Assess
    expect(alerts.map((a) => sp(a.message))).toEqual([
      '[Équipe Sud] Résolution au premier contact (FCR) est sous l’objectif : 70 % (objectif 80 %)',
      '[Équipe Nord] Résolution au premier contact (FCR) est sous l’objectif : 70 % (objectif 80 %)',
      '[File Support] Résolution au premier contact (FCR) est sous l’objectif : 70 % (objectif 80 %)',
    ]);
    expect(Object.keys(state.entries).sort()).toEqual([
      'fcr-teams|week|queue:Support',
      'fcr-teams|week|team:Nord',
      'fcr-teams|week|team:Sud',
    ]);
  });

  it('lets the caller name scopes', () => {
    const { alerts } = evaluateAlerts({
      rules: [rule({ id: 'fcr-target', kpi: 'fcr', type: 'below_target', scopes: ['channel'] })],
      observations: [
        observation(dayN(0), { status: 'breach', value: 0.7, scope: { dimension: 'channel', value: 'voice' } }),
      ],
      state: EMPTY_ALERT_STATE,
      locale: 'en',
      scopeLabel: (scope) => (scope.dimension === 'channel' && scope.value === 'voice' ? 'Phone' : null),
    });
    expect(alerts[0]?.message).toBe('[Phone] First contact resolution is below target: 70% (target 80%)');
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
    ]);
  });
});
