/**
 * Every kind of change and alert, worded in French and English. The expected sentences are written by
 * hand from the KPI definitions (docs/spec.md §3: a rate's change in points, a duration's or a count's in
 * its unit and in percent of the earlier value) and French grammar, never copied from Vigie's output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { kpiById } from '../../functions/engine/catalogue.js';
import type { Locale } from '../../functions/engine/format.js';
import type { KpiDefinition } from '../../functions/engine/kpi.js';
import type { ReportAlert, ReportChange, Status } from '../../functions/engine/report-schema.js';
import {
  type AlertFacts,
  alertSentence,
  changeSentence,
  kpiLabel,
  scoped,
  type Words,
} from '../../functions/render/wording.js';
import { wordsByLocale } from '../fixtures/reports.js';

/** No-break spaces (U+00A0, U+202F) as plain spaces, so expectations read like the mail. */
const sp = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

let words: Record<Locale, Words>;
beforeAll(async () => {
  words = await wordsByLocale();
});
const w = (locale: Locale): Words => words[locale];
const kpi = (id: string): KpiDefinition => {
  const found = kpiById(id);
  if (found === undefined) throw new Error(`no KPI ${id}`);
  return found;
};

/** A change as `notableChanges` records it, its delta computed here by hand. */
function change(
  id: string,
  reference: number,
  value: number,
  more: Partial<ReportChange> & { delta: number; delta_percent?: number | null },
): ReportChange {
  return {
    kpi: id,
    scope: { dimension: 'all', value: null },
    reason: 'move',
    against: 'previous',
    against_start: '2026-11-16',
    value,
    reference,
    delta_percent: null,
    quality: 'neutral',
    target: null,
    status: 'ok',
    reference_status: 'ok',
    last_year: null,
    last_year_delta: null,
    ...more,
  };
}

describe('a move, in the KPI’s unit', () => {
  it.each([
    // id, from, to, delta (points or unit), percent of the earlier value, target → fr, en
    [
      'fcr',
      0.661,
      0.641,
      -2,
      null,
      0.7,
      'Le FCR a baissé de 2 points, à 64,1 % (objectif 70 %)',
      'FCR fell by 2 points, to 64.1% (target 70%)',
    ],
    [
      // 411 s → 399 s: −12 s, −12 ÷ 411 = −2.9 %.
      'aht',
      411,
      399,
      -12,
      (-12 / 411) * 100,
      null,
      'La DMT a diminué de 12 s (2,9 %), à 6 min 39 s',
      'AHT fell by 12 s (2.9%), to 6 min 39 s',
    ],
    [
      // 9,742 → 10,187: +445, +4.6 %.
      'contacts_offered',
      9742,
      10187,
      445,
      (445 / 9742) * 100,
      null,
      'Les appels présentés ont augmenté de 445 (4,6 %), à 10 187',
      'Contacts offered rose by 445 (4.6%), to 10,187',
    ],
    [
      'cost_per_contact',
      4.25,
      4.37,
      0.12,
      (0.12 / 4.25) * 100,
      null,
      'Le coût par appel a augmenté de 0,12 € (2,8 %), à 4,37 €',
      'The cost per contact rose by €0.12 (2.8%), to €4.37',
    ],
    // A mean score moves in its unit alone.
    ['ces', 5.2, 4.9, -0.3, -5.8, null, 'Le CES a baissé de 0,3, à 4,9', 'CES fell by 0.3, to 4.9'],
    ['nps', -5, -3, 2, null, null, 'Le NPS a augmenté de 2 points, à −3', 'NPS rose by 2 points, to −3'],
    // French: under two is singular ("1,5 point"); English: only exactly one is.
    [
      'answer_rate',
      0.939,
      0.924,
      -1.5,
      null,
      0.9,
      'Le taux de décroché a baissé de 1,5 point, à 92,4 % (objectif 90 %)',
      'The answer rate fell by 1.5 points, to 92.4% (target 90%)',
    ],
    [
      'conversions',
      140,
      120,
      -20,
      (-20 / 140) * 100,
      null,
      'Les conversions ont baissé de 20 (14,3 %), à 120',
      'Conversions fell by 20 (14.3%), to 120',
    ],
  ] as const)('%s %d → %d', (id, reference, value, delta, percent, target, fr, en) => {
    const c = change(id, reference, value, { delta, delta_percent: percent, target });
    expect(sp(changeSentence(c, w('fr')))).toBe(fr);
    expect(sp(changeSentence(c, w('en')))).toBe(en);
  });

  it('adds the change since the same period last year, signed', () => {
    const c = change('fcr', 0.661, 0.641, { delta: -2, target: 0.7, last_year: 0.676, last_year_delta: -3.5 });
    expect(sp(changeSentence(c, w('fr')))).toBe(
      'Le FCR a baissé de 2 points, à 64,1 % (objectif 70 %) ; −3,5 points sur un an',
    );
    expect(sp(changeSentence(c, w('en')))).toBe(
      'FCR fell by 2 points, to 64.1% (target 70%); −3.5 points year on year',
    );
  });
});

describe('a status change says where the KPI went', () => {
  it.each([
    [
      'service_level',
      0.812,
      0.779,
      -3.3,
      0.8,
      'ok',
      'warning',
      'Le niveau de service est passé en vigilance : 77,9 % (objectif 80 %), en baisse de 3,3 points',
      'The service level moved into the warning band: 77.9% (target 80%), down 3.3 points',
    ],
    [
      'csat',
      0.88,
      0.84,
      -4,
      0.9,
      'warning',
      'breach',
      'La CSAT est passée hors objectif : 84 % (objectif 90 %), en baisse de 4 points',
      'CSAT went off target: 84% (target 90%), down 4 points',
    ],
    [
      'abandon_rate',
      0.07,
      0.045,
      -2.5,
      0.05,
      'breach',
      'ok',
      'Le taux d’abandon est revenu dans l’objectif : 4,5 % (objectif 5 %), en baisse de 2,5 points',
      'The abandon rate is back on target: 4.5% (target 5%), down 2.5 points',
    ],
    [
      'conversions',
      100,
      160,
      60,
      150,
      'breach',
      'ok',
      'Les conversions sont revenues dans l’objectif : 160 (objectif 150), en hausse de 60 (60 %)',
      'Conversions are back on target: 160 (target 150), up 60 (60%)',
    ],
  ] as const)('%s: %s → %s', (id, reference, value, delta, target, from, to, fr, en) => {
    const percent = id === 'conversions' ? 60 : null;
    const c = change(id, reference, value, {
      delta,
      delta_percent: percent,
      target,
      reason: 'status',
      reference_status: from as Status,
      status: to as Status,
    });
    expect(sp(changeSentence(c, w('fr')))).toBe(fr);
    expect(sp(changeSentence(c, w('en')))).toBe(en);
  });
});

describe('alerts: every rule type, fired, recovered and still breached', () => {
  const alert = (over: Partial<ReportAlert>): ReportAlert => ({
    kpi: 'fcr',
    scope: { dimension: 'all', value: null },
    rule: 'r',
    message: '',
    ...over,
  });
  const facts = (over: Partial<AlertFacts>): AlertFacts => ({
    kind: 'fired',
    type: 'below_target',
    value: null,
    previous: null,
    target: null,
    threshold: null,
    ...over,
  });
  type Case = readonly [string, Partial<AlertFacts>, Partial<ReportAlert>, string, string];

  it.each<Case>([
    [
      'below target, higher is better',
      { value: 0.576, target: 0.9 },
      { kpi: 'csat' },
      'La CSAT est sous l’objectif : 57,6 % (objectif 90 %)',
      'CSAT is below target: 57.6% (target 90%)',
    ],
    [
      'above target, lower is better',
      { value: 0.07, target: 0.05 },
      { kpi: 'abandon_rate' },
      'Le taux d’abandon dépasse l’objectif : 7 % (objectif 5 %)',
      'The abandon rate is above target: 7% (target 5%)',
    ],
    [
      'back above target (feminine name)',
      { kind: 'recovered', value: 0.91, target: 0.9 },
      { kpi: 'csat' },
      'La CSAT est revenue au-dessus de l’objectif : 91 % (objectif 90 %)',
      'CSAT is back above target: 91% (target 90%)',
    ],
    [
      'back below target',
      { kind: 'recovered', value: 0.045, target: 0.05 },
      { kpi: 'abandon_rate' },
      'Le taux d’abandon est revenu sous l’objectif : 4,5 % (objectif 5 %)',
      'The abandon rate is back below target: 4.5% (target 5%)',
    ],
    [
      'back above target (feminine plural)',
      { kind: 'recovered', value: 160, target: 150 },
      { kpi: 'conversions' },
      'Les conversions sont revenues au-dessus de l’objectif : 160 (objectif 150)',
      'Conversions are back above target: 160 (target 150)',
    ],
    [
      'still below target',
      { kind: 'still_breached', value: 0.576, target: 0.9 },
      { kpi: 'csat' },
      'La CSAT est toujours sous l’objectif : 57,6 % (objectif 90 %)',
      'CSAT is still below target: 57.6% (target 90%)',
    ],
    [
      'still above target',
      { kind: 'still_breached', value: 0.07, target: 0.05 },
      { kpi: 'abandon_rate' },
      'Le taux d’abandon dépasse toujours l’objectif : 7 % (objectif 5 %)',
      'The abandon rate is still above target: 7% (target 5%)',
    ],
    [
      'a drop of points',
      { type: 'drop_points', value: 0.76, previous: 0.78 },
      {},
      'Le FCR a baissé de 2 points, à 76 %',
      'FCR fell by 2 points, to 76%',
    ],
    [
      'a drop of points, again',
      { type: 'drop_points', kind: 'still_breached', value: 0.735, previous: 0.76 },
      {},
      'Toujours en dégradation : le FCR a baissé de 2,5 points, à 73,5 %',
      'Still worsening: FCR fell by 2.5 points, to 73.5%',
    ],
    [
      'no longer worsening',
      { type: 'drop_points', kind: 'recovered', value: 0.765, previous: 0.76 },
      {},
      'Le FCR ne se dégrade plus (76 % → 76,5 %)',
      'FCR is no longer worsening (76% → 76.5%)',
    ],
    [
      // 300 s → 336 s: +36 s, +12 %.
      'a rise in percent',
      { type: 'rise_percent', value: 336, previous: 300 },
      { kpi: 'aht' },
      'La DMT a augmenté de 36 s (12 %), à 5 min 36 s',
      'AHT rose by 36 s (12%), to 5 min 36 s',
    ],
    [
      'a rise, again',
      { type: 'rise_percent', kind: 'still_breached', value: 370, previous: 336 },
      { kpi: 'aht' },
      'Toujours en hausse : la DMT a augmenté de 34 s (10,1 %), à 6 min 10 s',
      'Still rising: AHT rose by 34 s (10.1%), to 6 min 10 s',
    ],
    [
      'no longer rising',
      { type: 'rise_percent', kind: 'recovered', value: 340, previous: 336 },
      { kpi: 'aht' },
      'La DMT n’augmente plus (5 min 36 s → 5 min 40 s)',
      'AHT is no longer rising (5 min 36 s → 5 min 40 s)',
    ],
    [
      'no data',
      { type: 'no_data', value: null, previous: 0.92 },
      { kpi: 'answer_rate' },
      'Le taux de décroché : pas de données sur la période (précédente : 92 %)',
      'The answer rate: no data for the period (previous: 92%)',
    ],
    [
      'data back',
      { type: 'no_data', kind: 'recovered', value: 0.91 },
      { kpi: 'answer_rate' },
      'Le taux de décroché : données de nouveau disponibles (91 %)',
      'The answer rate: data is back (91%)',
    ],
    [
      'still no data',
      { type: 'no_data', kind: 'still_breached' },
      { kpi: 'answer_rate' },
      'Le taux de décroché : toujours pas de données',
      'The answer rate: still no data',
    ],
    [
      // 405 of 810 tickets: a half.
      'rejects beyond the threshold',
      { type: 'reject_share', value: 0.5, threshold: 2 },
      { kpi: 'reject_share', source: 'tickets', count: 405, total: 810 },
      'Rejets : 50 % des tickets (405 sur 810), au-delà du seuil de 2 %',
      'Rejects: 50% of tickets (405 of 810), above the 2% threshold',
    ],
    [
      // 3 of 790: 0.38 %, shown with one decimal.
      'rejects back under the threshold',
      { type: 'reject_share', kind: 'recovered', value: 3 / 790, threshold: 2 },
      { kpi: 'reject_share', source: 'tickets', count: 3, total: 790 },
      'Rejets des tickets revenus sous le seuil de 2 % : 0,4 % (3 sur 790)',
      'Rejects of tickets back under the 2% threshold: 0.4% (3 of 790)',
    ],
    [
      'rejects still beyond the threshold',
      { type: 'reject_share', kind: 'still_breached', value: 0.25, threshold: 2 },
      { kpi: 'reject_share', source: 'surveys', count: 100, total: 400 },
      'Rejets toujours au-delà du seuil de 2 % : 25 % des réponses aux enquêtes (100 sur 400)',
      'Rejects still above the 2% threshold: 25% of survey answers (100 of 400)',
    ],
  ])('%s', (_name, f, a, fr, en) => {
    expect(sp(alertSentence(facts(f), alert(a), w('fr')))).toBe(fr);
    expect(sp(alertSentence(facts(f), alert(a), w('en')))).toBe(en);
  });

  it('names a scope before the sentence, never the whole centre', () => {
    const sentence = alertSentence(facts({ type: 'drop_points', value: 0.76, previous: 0.78 }), alert({}), w('fr'));
    const sud = { dimension: 'team', value: 'Sud' } as const;
    expect(sp(scoped(sud, sentence, w('fr'), 'Centre'))).toBe('[Équipe Sud] Le FCR a baissé de 2 points, à 76 %');
    expect(scoped({ dimension: 'all', value: null }, sentence, w('fr'), 'Centre')).toBe(sentence);
    expect(sp(scoped(sud, 'FCR fell', w('en'), 'Centre'))).toBe('[Team Sud] FCR fell');
  });

  it('keeps a headline brief: the move without where it landed', () => {
    const f = facts({ type: 'drop_points', value: 0.76, previous: 0.78, target: 0.75 });
    expect(sp(alertSentence(f, alert({}), w('fr'), true))).toBe('Le FCR a baissé de 2 points');
    expect(sp(alertSentence(facts({ value: 0.576, target: 0.9 }), alert({ kpi: 'csat' }), w('en'), true))).toBe(
      'CSAT is below target',
    );
  });
});

describe('KPI names carry their thresholds', () => {
  const thresholds = { service_level_s: 20, short_abandon_s: 5, social_reply_s: 3600 };
  it.each([
    ['service_level', 'Niveau de service (en 20 s)', 'Service level (within 20 s)'],
    ['abandon_rate', "Taux d'abandon (hors abandons ≤ 5 s)", 'Abandon rate (excl. abandons ≤ 5 s)'],
    ['social_responsiveness', 'Taux de réactivité réseaux sociaux (en 1 h)', 'Social responsiveness (within 1 h)'],
    ['fcr', 'Résolution au premier contact (FCR)', 'First contact resolution'],
  ])('%s', (id, fr, en) => {
    expect(sp(kpiLabel(kpi(id), w('fr'), thresholds))).toBe(fr);
    expect(sp(kpiLabel(kpi(id), w('en'), thresholds))).toBe(en);
  });

  it('says the configured T, in minutes when whole', () => {
    expect(sp(kpiLabel(kpi('service_level'), w('fr'), { ...thresholds, service_level_s: 60 }))).toBe(
      'Niveau de service (en 1 min)',
    );
  });
});
