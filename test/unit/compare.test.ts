import { describe, expect, it } from 'vitest';
import { kpiById } from '../../functions/engine/catalogue.js';
import { changeQuality, compareKpi, describeChange, frenchFormOf, scopeLabel } from '../../functions/engine/compare.js';
import type { KpiDefinition } from '../../functions/engine/kpi.js';

const kpi = (id: string): KpiDefinition => {
  const found = kpiById(id);
  if (found === undefined) throw new Error(`no KPI ${id}`);
  return found;
};
/** Shows no-break spaces (U+00A0, U+202F) as plain spaces, so expectations read like the mail. */
const sp = (s: string | null): string | null => (s === null ? null : s.replace(/[\u00a0\u202f]/g, ' '));

describe('compareKpi', () => {
  it.each([
    // unit, value, previous → delta, deltaPercent
    ['%', 0.76, 0.78, -2, null], // a ratio's change is in points
    ['%', 0.915, 0.9, 1.5, null],
    ['%', 0.5, 0.5, 0, null],
    ['pts', 32, 35, -3, null], // NPS is already in points
    ['pts', -5, 10, -15, null],
    ['count', 2345, 2210, 135, 6.10859728507],
    ['count', 5, 0, 5, null], // no percent of zero
    ['count', 0, 0, 0, null],
    ['s', 336, 300, 36, 12],
    ['s', 270, 300, -30, -10],
    ['currency', 4.37, 4.25, 0.12, 2.82352941176],
    ['score', 4.9, 5.2, -0.3, -5.76923076923],
  ] as const)('%s: %d vs %d → delta %d, %d %%', (unit, value, previous, delta, deltaPercent) => {
    // Act
    const c = compareKpi(unit, value, previous);
    // Assess
    expect(c.previous).toBe(previous);
    expect(c.delta).toBeCloseTo(delta, 9);
    if (deltaPercent === null) expect(c.deltaPercent).toBeNull();
    else expect(c.deltaPercent).toBeCloseTo(deltaPercent, 9);
  });

  it('drops floating-point noise: 76 % − 78 % is exactly −2 points', () => {
    expect(compareKpi('%', 0.76, 0.78).delta).toBe(-2);
    expect(compareKpi('%', 0.3, 0.1).delta).toBe(20);
  });

  it('divides by the size of a negative previous value', () => {
    // A score or amount below zero: going from −10 to −5 is a rise of 50 %.
    expect(compareKpi('score', -5, -10)).toEqual({ previous: -10, delta: 5, deltaPercent: 50 });
  });

  it.each([
    ['%', null, 0.78],
    ['%', 0.76, null],
    ['count', null, null],
    ['s', Number.NaN, 300],
  ] as const)('%s: %s vs %s → every part null but a known previous', (unit, value, previous) => {
    const c = compareKpi(unit, value, previous);
    expect(c.delta).toBeNull();
    expect(c.deltaPercent).toBeNull();
    expect(c.previous).toBe(previous);
  });
});

describe('describeChange', () => {
  it.each([
    ['fcr', 0.76, 0.78, 'Résolution au premier contact (FCR) a baissé de 2 points (78 % → 76 %)'],
    ['csat', 0.915, 0.9, 'Satisfaction client (CSAT) a augmenté de 1,5 point (90 % → 91,5 %)'],
    ['aht', 336, 300, 'Durée moyenne de traitement (DMT) a augmenté de 12 % (5 min 00 s → 5 min 36 s)'],
    ['contacts_offered', 2345, 2210, 'Appels présentés ont augmenté de 6,1 % (2 210 → 2 345)'],
    ['contacts_offered', 5, 0, 'Appels présentés ont augmenté de 5 (0 → 5)'],
    ['nps', 32, 35, 'Net Promoter Score (NPS) a baissé de 3 points (+35 → +32)'],
    ['cost_per_contact', 4.37, 4.25, 'Coût par appel a augmenté de 2,8 % (4,25 € → 4,37 €)'],
    ['fcr', 0.78, 0.78, 'Résolution au premier contact (FCR) est stable (78 %)'],
    ['fcr', 0.7802, 0.78, 'Résolution au premier contact (FCR) est stable (78 %)'], // 0.02 points reads as no change
    ['contacts_handled', 1200, 1200, 'Appels traités sont stables (1 200)'],
  ])('fr: %s %d vs %d → "%s"', (id, value, previous, expected) => {
    expect(sp(describeChange(kpi(id), null, value, previous, 'fr'))).toBe(expected);
  });

  it.each([
    ['fcr', 0.76, 0.78, 'First contact resolution fell by 2 points (78% → 76%)'],
    ['csat', 0.91, 0.9, 'Customer satisfaction (CSAT) rose by 1 point (90% → 91%)'],
    ['aht', 336, 300, 'Average handling time rose by 12% (5 min 00 s → 5 min 36 s)'],
    ['abandon_rate', 0.062, 0.041, 'Abandon rate rose by 2.1 points (4.1% → 6.2%)'],
    ['cost_per_contact', 4.37, 4.25, 'Cost per contact rose by 2.8% (€4.25 → €4.37)'],
    ['contacts_offered', 2210, 2210, 'Contacts offered are stable (2,210)'],
    ['asa', 30, 30, 'Average speed of answer is stable (30 s)'],
  ])('en: %s %d vs %d → "%s"', (id, value, previous, expected) => {
    expect(sp(describeChange(kpi(id), null, value, previous, 'en'))).toBe(expected);
  });

  it('uses French typography: comma decimals, a narrow no-break space before %, no break inside a duration', () => {
    const fr = describeChange(kpi('csat'), null, 0.915, 0.9, 'fr');
    expect(fr).toBe('Satisfaction client (CSAT) a augmenté de 1,5\u00a0point (90\u202f% → 91,5\u202f%)');
    expect(describeChange(kpi('aht'), null, 336, 300, 'fr')).toContain('12\u202f% (5\u00a0min\u00a000\u00a0s');
    expect(describeChange(kpi('fcr'), null, 0.76, 0.78, 'en')).toContain('(78% → 76%)');
  });

  it('says which way the value moved, not whether it is good: a falling AHT "fell"', () => {
    expect(sp(describeChange(kpi('aht'), null, 270, 300, 'en'))).toBe(
      'Average handling time fell by 10% (5 min 00 s → 4 min 30 s)',
    );
  });

  it('prefixes the scope, and names scopes per locale', () => {
    const team = { dimension: 'team', value: 'Sud' } as const;
    expect(scopeLabel(team, 'fr')).toBe('Équipe Sud');
    expect(scopeLabel({ dimension: 'queue', value: 'Support' }, 'en')).toBe('Queue Support');
    expect(scopeLabel({ dimension: 'all', value: null }, 'fr')).toBeNull();
    expect(sp(describeChange(kpi('fcr'), scopeLabel(team, 'fr'), 0.76, 0.78, 'fr'))).toBe(
      '[Équipe Sud] Résolution au premier contact (FCR) a baissé de 2 points (78 % → 76 %)',
    );
  });

  it('words amounts in the configured currency', () => {
    expect(sp(describeChange(kpi('cost_per_contact'), null, 4.37, 4.25, 'en', { currency: 'USD' }))).toBe(
      'Cost per contact rose by 2.8% (US$4.25 → US$4.37)',
    );
  });

  it.each([
    [null, 0.78],
    [0.76, null],
    [null, null],
  ])('has nothing to say when a side is unknown (%s vs %s)', (value, previous) => {
    expect(describeChange(kpi('fcr'), null, value, previous, 'fr')).toBeNull();
  });
});

describe('French grammar and quality of a change', () => {
  it('knows the gender and number of French KPI names', () => {
    expect(frenchFormOf('fcr')).toBe('fs');
    expect(frenchFormOf('contacts_offered')).toBe('mp');
    expect(frenchFormOf('conversions')).toBe('fp');
    expect(frenchFormOf('not_a_kpi')).toBe('ms');
  });

  it.each([
    ['higher', -2, 'worse'],
    ['higher', 2, 'better'],
    ['lower', 2, 'worse'],
    ['lower', -2, 'better'],
    [null, 5, 'neutral'],
    ['higher', 0, 'neutral'],
    ['higher', null, 'neutral'],
  ] as const)('better %s, delta %s → %s', (better, delta, expected) => {
    expect(changeQuality(better, delta)).toBe(expected);
  });
});
