/**
 * The data-quality block and banner: rejects per kind and reason in words, the ledger of issue 19
 * (records outside the window, exclusions, incomplete and late days) when report.json carries it, and
 * the banner's threshold. Counts are the fixture's; the shares are worked out by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../functions/engine/format.js';
import type { Report } from '../../functions/engine/report-schema.js';
import { dataQualityBanner, dataQualityView } from '../../functions/render/quality-view.js';
import type { Words } from '../../functions/render/wording.js';
import { bareReport, wordsByLocale } from '../fixtures/reports.js';

const sp = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');
let words: Record<Locale, Words>;
beforeAll(async () => {
  words = await wordsByLocale();
});
const w = (locale: Locale): Words => words[locale];

const ledger: Report = bareReport(
  { kind: 'day', start: '2026-11-24' },
  {},
  {
    rejects: {
      count: 406,
      by_reason: { bad_json: 405, 'unknown_value:channel': 1 },
      by_kind: { tickets: { bad_json: 405 }, contacts: { 'unknown_value:channel': 1 } },
    },
    inputs: {
      files: 12,
      records: 3_810,
      duplicates: 0,
      records_by_kind: { tickets: 810, contacts: 3_000 },
      outside_window: { '2026-11-20': 3, '2026-11-19': 1 },
      excluded: { monitor: 12, merged_leg: 30 },
      incomplete_days: ['2026-11-24'],
      late_days: [{ date: '2026-11-10', command: 'vigie backfill --exports x --from 2026-11-10 --to 2026-11-10' }],
    },
  },
);

describe('the data-quality block', () => {
  it('says the rejects per kind, largest first, with their share and their reasons in words', () => {
    const view = dataQualityView(ledger, w('fr'));
    // 405 of 810 tickets: a half; 1 of 3,000 contacts: 0.03 %, under the tenth of a percent shown.
    expect(view?.kinds.map((k) => sp(k.line))).toEqual([
      'Tickets : 405 rejets sur 810 (50 %)',
      'Contacts : 1 rejet sur 3 000 (< 0,1 %)',
    ]);
    expect(view?.kinds[1]?.reasons.map(sp)).toEqual(['valeur inconnue (channel) : 1']);
    expect(view?.fixes.map(sp)).toEqual([
      'Ligne qui n’est pas du JSON : ligne tronquée ou mal échappée : vérifiez l’outil qui écrit l’export.',
      'Valeur inconnue : valeur hors de la liste prévue par docs/spec.md §1.',
    ]);
    expect(view?.whatToDo).toContain('relancez la journée');
  });

  it('renders the ledger when report.json carries it: incomplete days, outside the window, excluded, late days', () => {
    const fr = dataQualityView(ledger, w('fr'))?.notes.map(sp) ?? [];
    expect(fr).toContain(
      'Jours incomplets : 24/11/2026. Un fichier n’a pas pu être lu en entier ; aucun de ses enregistrements n’est compté. Remplacez-le, puis relancez la journée.',
    );
    expect(fr).toContain(
      '4 enregistrements valides datés hors des jours lus (19/11/2026, 20/11/2026) : ils ne sont comptés dans aucun jour de ce rapport.',
    );
    expect(fr).toContain('Écartés car ce ne sont pas des contacts clients : merged_leg 30, monitor 12.');
    expect(fr).toContain(
      'Fichiers arrivés en retard pour le 10/11/2026 : pour reprendre ce jour, lancez vigie backfill --exports x --from 2026-11-10 --to 2026-11-10',
    );
    const en = dataQualityView(ledger, w('en'))?.notes.map(sp) ?? [];
    expect(en).toContain(
      '4 valid records dated outside the days read (19/11/2026, 20/11/2026) are counted in no day of this report.',
    );
  });

  it('leaves out the day on either side of the period: the UTC partitions spill into it every night', () => {
    // 2026-11-24's partitions (UTC) hold the first hour of the 25th in Paris; a digest's, the day before.
    const at = (
      outside: Record<string, number>,
      period: { kind: 'day' | 'week'; start: string; end?: string } = { kind: 'day', start: '2026-11-24' },
    ) => bareReport(period, {}, { inputs: { files: 2, records: 10, duplicates: 0, outside_window: outside } });
    expect(dataQualityView(at({ '2026-11-25': 3 }), w('fr'))).toBeNull();
    expect(
      dataQualityView(at({ '2026-11-15': 2 }, { kind: 'week', start: '2026-11-16', end: '2026-11-22' }), w('fr')),
    ).toBeNull();
    expect(dataQualityView(at({ '2026-11-25': 3, '2026-11-02': 1 }), w('fr'))?.notes.map(sp)).toEqual([
      '1 enregistrement valide daté hors des jours lus (02/11/2026) : il n’est compté dans aucun jour de ce rapport.',
    ]);
  });

  it('says nothing when nothing was rejected, missing or outside', () => {
    expect(dataQualityView(bareReport({ kind: 'day', start: '2026-11-24' }, {}), w('fr'))).toBeNull();
  });
});

describe('the banner', () => {
  it('speaks above the threshold only: half the tickets, an incomplete day; not a contact in 3,000', () => {
    expect(sp(dataQualityBanner(ledger, w('fr')) ?? '')).toBe(
      '⚠ Données à vérifier : 50 % de rejets parmi les tickets, 1 jour incomplet. Détails dans « Qualité des données », en fin de message.',
    );
    expect(sp(dataQualityBanner(ledger, w('en'), 60) ?? '')).toBe(
      '⚠ Check the data: 1 incomplete day. Details under “Data quality”, at the end of this mail.',
    );
    expect(dataQualityBanner(bareReport({ kind: 'day', start: '2026-11-24' }, {}), w('fr'))).toBeNull();
  });
});
