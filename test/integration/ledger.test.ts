/**
 * The ledger of docs/spec.md §1: every record read is accounted for, records = accepted + rejected +
 * merged duplicates + excluded + outside the window. Checked on the malformed corpus (each case's
 * rejects as the spec gives them, and the report a nightly run writes from it), and as a property over
 * random mixes of corpus files and generated records, for any set of days a run files.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import type { Report } from '../../functions/engine/report-schema.js';
import { inputsByPartition, mergeInputs, placeRecords } from '../../functions/pipeline/inputs.js';
import { runNightly } from '../../functions/pipeline/nightly.js';
import type { StageResult } from '../../functions/pipeline/ports.js';
import { dataQualityView } from '../../functions/render/quality-view.js';
import { wordsFor } from '../../functions/render/wording.js';
import { CORPUS, writeCorpus } from '../fixtures/malformed/corpus.js';
import { ndjson } from '../support/exports.js';

const NOW = Date.parse('2026-11-26T02:30:00Z') / 1000;
const PARTITIONS = ['2026-11-24', '2026-11-25'];
const config = configFrom({ lookback_days: 1, digests: { weekly_on_monday: false, monthly_on_first: false } });

/** The ledger's two sides for a report: records, and what became of them. */
function balance(report: Report): { records: number; accounted: number } {
  const i = report.inputs;
  const sum = (o: Readonly<Record<string, number>> | undefined) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);
  return {
    records: i.records,
    accounted:
      (i.accepted ?? Number.NaN) + report.rejects.count + i.duplicates + sum(i.excluded) + sum(i.outside_window),
  };
}

/** Per partition: records = rejects + duplicates + excluded + records kept in the staged tables. */
async function partitionBalance(engine: DuckDbQueryEngine, stage: StageResult) {
  const kept = await placeRecords(engine, 'Europe/Paris');
  return Object.keys(stage.recordsByPartition).map((dt) => {
    const rejects = stage.rejects.filter((r) => r.dt === dt).length;
    const placed = Object.values(kept.byPartition.get(dt) ?? {}).reduce((a, b) => a + b, 0);
    return {
      dt,
      records: stage.recordsByPartition[dt],
      accounted: rejects + (stage.duplicatesByPartition[dt] ?? 0) + placed,
    };
  });
}

let engine: DuckDbQueryEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('the malformed corpus', () => {
  let root: string;
  beforeAll(async () => {
    root = join(await mkdtemp(join(tmpdir(), 'vigie-corpus-')), 'exports');
    await writeCorpus(root);
  });

  it('gives each case the rejects docs/spec.md §1 gives it, and accounts for every record of every partition', async () => {
    engine = await DuckDbQueryEngine.open({ exportsRoot: root });
    const stage = await engine.stageExports({ partitions: PARTITIONS, now: NOW });
    for (const c of CORPUS) {
      const found = stage.rejects.filter((r) => r.file === c.path).map((r) => `${r.line} ${r.reason}`);
      expect({ case: c.name, rejects: found }).toEqual({ case: c.name, rejects: c.rejects });
    }
    for (const p of await partitionBalance(engine, stage)) expect(p.accounted).toBe(p.records);
  });

  it('writes a report whose ledger balances, names the outside days and the incomplete one, and rejects by kind', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vigie-corpus-out-'));
    engine = await DuckDbQueryEngine.open({ exportsRoot: root });
    const ports = {
      engine,
      archive: new LocalFolderStore(out),
      mailer: new OutboxMailer(join(out, 'outbox')),
      clock: { now: () => new Date(NOW * 1000) },
    };
    const { report } = await runNightly(ports, { date: '2026-11-25', config, inFlightWaitMs: 0 });
    const { records, accounted } = balance(report);
    expect(accounted).toBe(records);
    // Two contacts at 00:30 and 00:45 on Thursday in Paris: valid, but no day the run files.
    expect(report.inputs.outside_window).toEqual({ '2026-11-26': 2 });
    // A cut gzip, a corrupt one and three links: Wednesday's figures miss their records.
    expect(report.inputs.incomplete_days).toEqual(['2026-11-25']);
    expect(report.rejects.by_kind?.contacts?.unreadable_file).toBe(5);
    expect(report.rejects.by_kind?.contacts?.wrong_delimiter).toBe(2);
    expect(report.inputs.duplicates).toBe(2);
    // Per kind, the records read add up to all of them, and each kind's rejects are among its records.
    const byKind = report.inputs.records_by_kind ?? {};
    expect(Object.values(byKind).reduce((a, b) => a + b, 0)).toBe(records);
    for (const [kind, reasons] of Object.entries(report.rejects.by_kind ?? {})) {
      expect(Object.values(reasons).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(byKind[kind] ?? 0);
    }
    // The data-quality block reads the ledger as the run wrote it: the incomplete day is said; Thursday's
    // two contacts, the hour of the next day a UTC partition holds, are not news.
    const quality = dataQualityView(report, await wordsFor(report, 'fr'));
    expect(quality?.kinds[0]?.line.replace(/[\u00a0\u202f]/g, ' ')).toMatch(
      new RegExp(`^Contacts : \\d+ rejets sur ${byKind.contacts} \\(`),
    );
    expect(quality?.notes.some((n) => n.startsWith('Jours incomplets'))).toBe(true);
    expect(quality?.notes.some((n) => n.includes('hors des jours lus'))).toBe(false);
    // Small scales: on yes/no and 1–3, only the top point is satisfied (docs/spec.md §3): 1 of 2 each.
    const centre = report.scopes[0]?.kpis;
    expect(centre?.csat).toMatchObject({ numerator: 1, denominator: 2 });
    expect(centre?.esat).toMatchObject({ numerator: 1, denominator: 2 });
  });
});

/** A generated contact: a random id (so some collide: duplicates), a time over three UTC days, maybe bad. */
const record = fc.record({
  id: fc.integer({ min: 0, max: 40 }),
  minute: fc.integer({ min: 0, max: 3 * 1440 - 1 }),
  updated: fc.integer({ min: 0, max: 5 }),
  flaw: fc.constantFrom('none', 'none', 'none', 'bad_json', 'fax', 'nan', 'offset', 'null_id', 'blank'),
});

describe('the ledger as a property', () => {
  it('balances per partition and for any days a run files, whatever the mix of records and corpus files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 60 }),
        fc.subarray(
          CORPUS.filter((c) => c.path.startsWith('contacts/')),
          { maxLength: 6 },
        ),
        fc.subarray(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'], { minLength: 1 }),
        async (records, cases, covered) => {
          const root = join(await mkdtemp(join(tmpdir(), 'vigie-ledger-')), 'exports');
          await writeCorpus(root, cases);
          const byDt = new Map<string, string[]>();
          for (const r of records) {
            const at = new Date(Date.parse('2026-11-23T00:00:00Z') + r.minute * 60_000);
            const dt = at.toISOString().slice(0, 10);
            const lines = byDt.get(dt) ?? [];
            lines.push(lineOf(r, at.toISOString()));
            byDt.set(dt, lines);
          }
          for (const [dt, lines] of byDt) {
            await mkdir(join(root, `contacts/dt=${dt}`), { recursive: true });
            await writeFile(join(root, `contacts/dt=${dt}/generated.ndjson`), `${lines.join('\n')}\n`);
          }
          engine = await DuckDbQueryEngine.open({ exportsRoot: root });
          try {
            const partitions = ['2026-11-23', '2026-11-24', '2026-11-25'];
            const stage = await engine.stageExports({ partitions, now: NOW });
            for (const p of await partitionBalance(engine, stage)) expect(p.accounted).toBe(p.records);
            const placement = await placeRecords(engine, 'Europe/Paris');
            const merged = mergeInputs([inputsByPartition(stage, placement, partitions)], new Set(covered));
            const outside = Object.values(merged.outsideWindow ?? {}).reduce((a, b) => a + b, 0);
            const rejected = Object.values(merged.rejectsByReason).reduce((a, b) => a + b, 0);
            expect((merged.accepted ?? 0) + rejected + merged.duplicates + outside).toBe(merged.records);
            expect(Object.values(merged.recordsByKind ?? {}).reduce((a, b) => a + b, 0)).toBe(merged.records);
            for (const day of Object.keys(merged.outsideWindow ?? {})) expect(covered).not.toContain(day);
          } finally {
            await engine.close();
            engine = undefined;
          }
        },
      ),
      { numRuns: 12, seed: 19 },
    );
  }, 240_000);
});

/** A generated contact's line: good, or with the flaw it was dealt. */
function lineOf(r: { id: number; updated: number; flaw: string }, at: string): string {
  const contact = {
    id: `g${r.id}`,
    channel: r.flaw === 'fax' ? 'fax' : 'voice',
    direction: 'inbound',
    offered_at: r.flaw === 'offset' ? at.replace('Z', '+24:00') : at,
    updated_at: `2026-11-2${r.updated}T00:00:00Z`,
  };
  if (r.flaw === 'bad_json') return `{"id": "g${r.id}", `;
  if (r.flaw === 'blank') return ' \t';
  if (r.flaw === 'null_id') return JSON.stringify({ ...contact, id: null });
  if (r.flaw === 'nan') return JSON.stringify(contact).replace('}', ',"wait_s":NaN}');
  return ndjson(contact).trimEnd();
}
