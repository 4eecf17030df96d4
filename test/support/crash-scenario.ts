/**
 * The crash scenario of test/integration/crash-recovery.test.ts (a sample of write points, in the suite)
 * and test/e2e/full/crash-recovery.test.ts (every write point, before and after it took effect): a small
 * nightly run with an alert to send to two recipients, crashed through its ports at one write point and
 * run again.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { LocalFolderStore, type WriteFile } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import { weekPeriod } from '../../functions/engine/periods.js';
import { runDigest } from '../../functions/pipeline/digest.js';
import { runNightly } from '../../functions/pipeline/nightly.js';
import type { RunIdentity } from '../../functions/pipeline/ports.js';
import { exportsDir, ndjson } from './exports.js';
import { Crash, CrashingMailer, CrashingStore } from './faults.js';

const DAY = '2026-11-25';
const REPORT = 'reports/day/2026-11-25/report.json';
const CSV = 'reports/day/2026-11-25/kpis.csv';
const clock = { now: () => new Date('2026-11-26T02:30:00Z') };
const config = configFrom({
  lookback_days: 1,
  digests: { weekly_on_monday: false, monthly_on_first: false },
  mail: {
    recipients: [
      { email: 'sup@example.com', alerts: true },
      { email: 'lead@example.com', locale: 'en', alerts: true },
    ],
  },
});

const call = (id: string, day: string, hour: number, fcr: boolean) => ({
  id,
  channel: 'voice',
  direction: 'inbound',
  team: 'Nord',
  offered_at: `${day}T${String(hour).padStart(2, '0')}:00:00Z`,
  answered_at: `${day}T${String(hour).padStart(2, '0')}:00:10Z`,
  talk_s: 100,
  resolved_first_contact: fcr,
});
// 60 calls a day (the example rule's min_volume is 50); FCR falls from 80 % to 60 %, so `fcr-drop` fires.
const calls = (day: string, fcrShare: number) =>
  Array.from({ length: 60 }, (_, i) => call(`${day}-${i}`, day, 9 + (i % 8), i < 60 * fcrShare));

/** Run n of a process-to-be: its own owner; every other owner has ended (the crashed run's process is gone). */
const identity = (n: number): RunIdentity => ({ owner: `run ${n}`, hasEnded: (owner) => owner !== `run ${n}` });

/** Every file under a folder, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** A file as a later run reads it: JSON parses, gzip inflates to JSON; throws when it would not. */
async function readsBack(path: string): Promise<void> {
  const bytes = await readFile(path);
  if (path.endsWith('.json')) JSON.parse(bytes.toString('utf8'));
  if (path.endsWith('.json.gz')) JSON.parse(gunzipSync(bytes).toString('utf8'));
}

/** What an uncrashed run leaves: its report, CSV and outbox, and the write points it went through. */
export interface Reference {
  readonly report: string;
  readonly csv: string;
  readonly outbox: readonly string[];
  readonly points: readonly string[];
  readonly alerts: readonly string[];
}

/** The exports and a run of the scenario in an output folder, through a `Crash`. */
export class CrashScenario {
  private constructor(private readonly root: string) {}

  static async create(): Promise<CrashScenario> {
    return new CrashScenario(
      await exportsDir({
        'contacts/dt=2026-11-24/a.ndjson': ndjson(...calls('2026-11-24', 0.8)),
        'contacts/dt=2026-11-25/a.ndjson': ndjson(...calls('2026-11-25', 0.6)),
      }),
    );
  }

  /**
   * A nightly run through `crash`, as run `n` (every other run's owner has ended) or as `who` says;
   * `date` defaults to the day whose alert fires.
   */
  async run(
    out: string,
    crash: Crash,
    n: number,
    options: {
      readonly date?: string;
      readonly who?: RunIdentity;
      readonly inFlightWaitMs?: number;
      /** How files are written (a disk that fills up: `fullDiskAt`). */
      readonly write?: WriteFile;
    } = {},
  ) {
    const files = options.write === undefined ? {} : { write: options.write };
    const mailer = new CrashingMailer(new OutboxMailer(join(out, 'outbox'), files), crash);
    const engine = await DuckDbQueryEngine.open({ exportsRoot: this.root });
    try {
      const archive = new CrashingStore(new LocalFolderStore(out, files), crash);
      const ports = { engine, archive, mailer, clock, identity: options.who ?? identity(n) };
      const date = options.date ?? DAY;
      return { result: await runNightly(ports, { date, config, inFlightWaitMs: options.inFlightWaitMs ?? 0 }), mailer };
    } finally {
      await engine.close();
    }
  }

  /** A weekly digest of the week holding the scenario's days, through a fresh engine. */
  async digest(out: string) {
    const engine = await DuckDbQueryEngine.open({ exportsRoot: this.root });
    try {
      const ports = {
        engine,
        archive: new LocalFolderStore(out),
        mailer: new OutboxMailer(join(out, 'outbox')),
        clock,
        identity: identity(9),
      };
      return await runDigest(ports, { period: weekPeriod('2026-W48', config.timezone), config, inFlightWaitMs: 0 });
    } finally {
      await engine.close();
    }
  }

  async reference(): Promise<Reference> {
    const out = await mkdtemp(join(tmpdir(), 'vigie-crash-ref-'));
    const crash = new Crash();
    const { result } = await this.run(out, crash, 0);
    return {
      report: await readFile(join(out, REPORT), 'utf8'),
      csv: await readFile(join(out, CSV), 'utf8'),
      outbox: await readdir(join(out, 'outbox')),
      points: crash.points,
      alerts: result.report.alerts.map((a) => a.rule),
    };
  }

  /**
   * Crashes a run at one write point, runs it again (and, with `thirdRun`, once more), and returns what
   * went wrong: another report or CSV, another outbox, a mail left unsent or sent again, a file left that
   * does not read back or a temporary file left behind.
   */
  async crashAndRecover(
    reference: Reference,
    at: number,
    when: 'before' | 'after',
    options: { readonly thirdRun?: boolean } = {},
  ): Promise<string[]> {
    const failures: string[] = [];
    const where = `${when} ${reference.points[at - 1]} (write ${at})`;
    const out = await mkdtemp(join(tmpdir(), 'vigie-crash-'));
    const first = await this.run(out, new Crash(at, when), 1).catch(() => null);
    if (first !== null && first.result.delivered.unsent.length === 0) failures.push(`${where}: the crash went unseen`);
    const second = await this.run(out, new Crash(), 2);
    if (second.result.delivered.unsent.length > 0) failures.push(`${where}: the re-run left mails unsent`);
    if ((await readFile(join(out, REPORT), 'utf8')) !== reference.report) failures.push(`${where}: another report`);
    if ((await readFile(join(out, CSV), 'utf8')) !== reference.csv) failures.push(`${where}: another kpis.csv`);
    const outbox = await readdir(join(out, 'outbox'));
    if (JSON.stringify(outbox) !== JSON.stringify(reference.outbox)) failures.push(`${where}: outbox ${outbox}`);
    // A mail the crashed run handed over is handed over again only if the crash came before its record.
    const again = second.mailer.delivered.filter((key) => first?.mailer.delivered.includes(key));
    if (again.length > 0) failures.push(`${where}: handed over twice: ${again}`);
    if (options.thirdRun) {
      const third = await this.run(out, new Crash(), 3);
      if (third.mailer.delivered.length > 0) failures.push(`${where}: a third run sent ${third.mailer.delivered}`);
      if ((await readFile(join(out, REPORT), 'utf8')) !== reference.report)
        failures.push(`${where}: another report on the third run`);
    }
    for (const file of await filesUnder(out)) {
      if (file.includes('.vigie-tmp-')) failures.push(`${where}: temporary file left: ${file}`);
      await readsBack(join(out, file)).catch(() => failures.push(`${where}: ${file} does not read back`));
    }
    return failures;
  }
}
