/**
 * One benchmark measurement in its own process, so that its peak RSS is its own:
 * `tsx bench/task.ts '<json TaskSpec>'` prints one JSON line (TaskResult) on stdout.
 *
 * Timing starts before DuckDB is opened and ends after it is closed; module loading is not counted.
 * `trace: true` also times every SQL statement the engine runs (by its first words), so the time spent
 * in DuckDB and in JavaScript can be told apart.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { configFrom } from '../functions/adapters/config-file.js';
import {
  type CsvReadFigures,
  DuckDbQueryEngine,
  type StagingPath,
  type TypedReadFigures,
} from '../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../functions/adapters/local-fs.js';
import { OutboxMailer } from '../functions/adapters/outbox.js';
import { dayPeriod, parsePeriod, trailingPeriods, utcDatesBetween } from '../functions/engine/periods.js';
import { runBackfill } from '../functions/pipeline/backfill.js';
import { runDigest } from '../functions/pipeline/digest.js';
import { runNightly } from '../functions/pipeline/nightly.js';
import type { Clock } from '../functions/pipeline/ports.js';
import { EXPORT_SCHEMA, type ExportKind } from '../functions/sql/exports-schema.js';
import { sqlString } from '../functions/sql/values.js';

export type TaskSpec =
  | { readonly task: 'reference'; readonly exports: string; readonly date: string; readonly now: string }
  | {
      readonly task: 'nightly';
      readonly exports: string;
      readonly out: string;
      readonly date: string;
      readonly now: string;
      readonly trace?: boolean;
      /** The staging path (default: the engine's, the typed read). */
      readonly staging?: StagingPath;
      /** The engine's memory budget in MB (default: the engine's, DEFAULT_MEMORY_BUDGET_MB). */
      readonly memoryMb?: number;
    }
  | {
      readonly task: 'digest';
      readonly exports: string;
      readonly out: string;
      readonly kind: 'week' | 'month';
      readonly id: string;
      readonly now: string;
    }
  | {
      readonly task: 'backfill';
      readonly exports: string;
      readonly out: string;
      readonly from: string;
      readonly to: string;
      readonly now: string;
    };

export interface TaskResult {
  readonly task: TaskSpec['task'];
  readonly ms: number;
  /** Peak resident set of the process, MB (module code, DuckDB and the run). */
  readonly rssMb: number;
  /** Export bytes the task read (files listed), where it applies. */
  readonly bytes?: number;
  readonly filingBytes?: number;
  readonly targetedBytes?: number;
  readonly htmlBytes?: number;
  readonly reportJsonBytes?: number;
  readonly factsBytes?: number;
  readonly records?: number;
  readonly rejects?: number;
  readonly teams?: number;
  readonly kpis?: number;
  readonly rows?: number;
  /** With `trace`: milliseconds per SQL statement label, and in all SQL. */
  readonly sql?: Readonly<Record<string, { ms: number; n: number }>>;
  readonly sqlMs?: number;
  /** Nightly: how the NDJSON files went through the typed read (the slow-path share). */
  readonly typedRead?: readonly TypedReadFigures[];
  /** Nightly: how the CSV files went through the typed path's check. */
  readonly csvRead?: readonly CsvReadFigures[];
}

const TIMEZONE = 'Europe/Paris';

/** Files a nightly run of `date` reads, by the same rule as the engine (window vs history kinds). */
export async function filesOfRun(root: string, date: string, lookbackDays = 3): Promise<Map<ExportKind, string[]>> {
  const days = trailingPeriods(dayPeriod(date, TIMEZONE), lookbackDays + 1);
  const partitions = new Set(days.flatMap((d) => utcDatesBetween(d.start, d.end)));
  const last = [...partitions].sort().at(-1) ?? '';
  const out = new Map<ExportKind, string[]>();
  for (const kind of Object.keys(EXPORT_SCHEMA) as ExportKind[]) {
    const files: string[] = [];
    for (const dir of (await readdir(join(root, kind)).catch(() => [] as string[])).sort()) {
      const dt = /^dt=(\d{4}-\d{2}-\d{2})$/.exec(dir)?.[1];
      if (dt === undefined) continue;
      if (EXPORT_SCHEMA[kind].reach === 'window' ? !partitions.has(dt) : dt > last) continue;
      for (const name of (await readdir(join(root, kind, dir))).sort()) {
        if (!name.startsWith('_') && !name.startsWith('.')) files.push(join(root, kind, dir, name));
      }
    }
    out.set(kind, files);
  }
  return out;
}

export const list = (files: readonly string[]): string => `[${files.map(sqlString).join(', ')}]`;

/** Typed column lists for DuckDB's readers: every field the facts SQL reads. */
const CONTACT_COLUMNS = `{id: 'VARCHAR', updated_at: 'TIMESTAMPTZ', channel: 'VARCHAR', direction: 'VARCHAR', offered_at: 'TIMESTAMPTZ', queue: 'VARCHAR', team: 'VARCHAR', agent: 'VARCHAR', customer: 'VARCHAR', reason: 'VARCHAR', answered_at: 'TIMESTAMPTZ', first_response_at: 'TIMESTAMPTZ', ended_at: 'TIMESTAMPTZ', wait_s: 'DOUBLE', talk_s: 'DOUBLE', hold_s: 'DOUBLE', acw_s: 'DOUBLE', outcome: 'VARCHAR', resolved_first_contact: 'BOOLEAN', converted: 'BOOLEAN', selfcare_redirect: 'BOOLEAN', ticket: 'VARCHAR', transcript: 'VARCHAR'}`;
const TICKET_COLUMNS = `{id: 'VARCHAR', created_at: 'TIMESTAMPTZ', updated_at: 'TIMESTAMPTZ', channel: 'VARCHAR', queue: 'VARCHAR', team: 'VARCHAR', agent: 'VARCHAR', customer: 'VARCHAR', reason: 'VARCHAR', first_response_at: 'TIMESTAMPTZ', resolved_at: 'TIMESTAMPTZ', contacts_count: 'DOUBLE', reopened: 'BOOLEAN'}`;
const SURVEY_COLUMNS = `{id: 'VARCHAR', kind: 'VARCHAR', score: 'DOUBLE', scale_min: 'DOUBLE', scale_max: 'DOUBLE', answered_at: 'TIMESTAMPTZ', contact: 'VARCHAR', ticket: 'VARCHAR', team: 'VARCHAR', queue: 'VARCHAR', agent: 'VARCHAR', channel: 'VARCHAR', comment: 'VARCHAR'}`;

function reader(files: readonly string[], columns: string): string {
  const ndjson = files.filter((f) => /\.(ndjson|jsonl)(\.gz)?$/.test(f));
  const csv = files.filter((f) => /\.csv(\.gz)?$/.test(f));
  const parts: string[] = [];
  if (ndjson.length > 0)
    parts.push(
      `SELECT * FROM read_json(${list(ndjson)}, format = 'newline_delimited', columns = ${columns}, ignore_errors = true)`,
    );
  if (csv.length > 0)
    parts.push(
      `SELECT * FROM read_csv(${list(csv)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = ${columns}, ignore_errors = true)`,
    );
  return parts.length === 0 ? '' : parts.join(' UNION ALL BY NAME ');
}

/** A SELECT of every contact field, typed, over NDJSON and CSV files (empty string when no file). */
export const contactsSelect = (files: readonly string[]): string => reader(files, CONTACT_COLUMNS);

/**
 * The practical floor: DuckDB's own typed readers over the same files, every field the KPIs read, one
 * GROUP BY per kind (15-minute bucket × team × queue × channel × agent for contacts). No validation,
 * no reject accounting, no dedupe, no report.
 */
export function referenceSql(files: Map<ExportKind, string[]>): string[] {
  const sqls: string[] = [];
  const contacts = reader(files.get('contacts') ?? [], CONTACT_COLUMNS);
  if (contacts)
    sqls.push(`SELECT epoch(offered_at)::BIGINT // 900 AS bucket, team, queue, channel, agent,
  count(*) AS n, count(DISTINCT id) AS ids, max(updated_at) AS updated,
  sum(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END) AS inbound,
  sum(CASE WHEN outcome = 'handled' THEN 1 ELSE 0 END) AS handled,
  sum(CASE WHEN outcome = 'abandoned' AND wait_s <= 5 THEN 1 ELSE 0 END) AS short_abandoned,
  sum(CASE WHEN outcome = 'handled' AND wait_s <= 20 THEN 1 ELSE 0 END) AS within_t,
  sum(wait_s) AS wait, sum(talk_s) AS talk, sum(hold_s) AS hold, sum(acw_s) AS acw,
  sum(epoch(answered_at) - epoch(offered_at)) AS answer_delay,
  sum(epoch(first_response_at) - epoch(offered_at)) AS reply_delay, max(ended_at) AS ended,
  sum(CASE WHEN resolved_first_contact THEN 1 ELSE 0 END) AS fcr, sum(CASE WHEN converted THEN 1 ELSE 0 END) AS conv,
  sum(CASE WHEN selfcare_redirect THEN 1 ELSE 0 END) AS selfcare, count(ticket) AS tickets, count(customer) AS customers,
  count(reason) AS reasons, sum(CASE WHEN strpos(lower(transcript), 'résiliation') > 0 THEN 1 ELSE 0 END) AS kw
FROM (${contacts}) GROUP BY ALL`);
  const tickets = reader(files.get('tickets') ?? [], TICKET_COLUMNS);
  if (tickets)
    sqls.push(`SELECT epoch(created_at)::BIGINT // 900 AS bucket, team, queue, channel, agent, count(*) AS n,
  count(DISTINCT id) AS ids, max(updated_at) AS updated, count(customer), count(reason),
  sum(epoch(first_response_at) - epoch(created_at)) AS reply, sum(epoch(resolved_at) - epoch(created_at)) AS resolution,
  sum(CASE WHEN contacts_count = 1 THEN 1 ELSE 0 END) AS one_touch, sum(CASE WHEN reopened THEN 1 ELSE 0 END) AS reopened
FROM (${tickets}) GROUP BY ALL`);
  const surveys = reader(files.get('surveys') ?? [], SURVEY_COLUMNS);
  if (surveys)
    sqls.push(`SELECT epoch(answered_at)::BIGINT // 900 AS bucket, team, queue, channel, agent, kind, count(*) AS n,
  count(DISTINCT id) AS ids, sum(score) AS score, min(scale_min), max(scale_max), count(contact), count(ticket), count(comment)
FROM (${surveys}) GROUP BY ALL`);
  const agentDays = files.get('agent_days') ?? [];
  if (agentDays.length > 0)
    sqls.push(`SELECT date, team, count(*) AS n, sum(scheduled_s), sum(absent_s), sum(CASE WHEN worked THEN 1 ELSE 0 END)
FROM read_csv(${list(agentDays)}, header = true, columns = {agent: 'VARCHAR', date: 'DATE', team: 'VARCHAR', scheduled_s: 'DOUBLE', worked: 'BOOLEAN', absent_s: 'DOUBLE'}) GROUP BY ALL`);
  const customers = files.get('customers') ?? [];
  if (customers.length > 0)
    sqls.push(
      `SELECT count(*), count(DISTINCT id), max(acquired_at), max(churned_at) FROM read_json(${list(customers)}, format = 'newline_delimited', columns = {id: 'VARCHAR', acquired_at: 'TIMESTAMPTZ', churned_at: 'TIMESTAMPTZ', segment: 'VARCHAR'}, ignore_errors = true)`,
    );
  const orders = files.get('orders') ?? [];
  if (orders.length > 0)
    sqls.push(
      `SELECT count(*), count(DISTINCT customer), sum(amount) FROM read_json(${list(orders)}, format = 'newline_delimited', columns = {id: 'VARCHAR', customer: 'VARCHAR', "at": 'TIMESTAMPTZ', amount: 'DOUBLE', currency: 'VARCHAR'}, ignore_errors = true)`,
    );
  return sqls;
}

async function bytesOf(files: Map<ExportKind, string[]>): Promise<number> {
  let total = 0;
  for (const list of files.values()) for (const f of list) total += (await stat(f)).size;
  return total;
}

const fileSize = (path: string): Promise<number> => stat(path).then((s) => s.size);

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile()) total += await fileSize(join(e.parentPath, e.name));
  }
  return total;
}

/** Wraps the engine's private DuckDB connection to time each statement (runtime access, for profiling only). */
function traceEngine(engine: DuckDbQueryEngine, into: Record<string, { ms: number; n: number }>): void {
  const connection = (engine as unknown as { connection: Record<string, (...a: unknown[]) => Promise<unknown>> })
    .connection;
  const label = (sql: string): string => {
    const s = sql.replace(/\s+/g, ' ').trim();
    const m =
      /^CREATE OR REPLACE TEMP TABLE (file_rows|checked_\w+|lines_\w+|typed_rows|typed_checked)/.exec(s) ??
      /^INSERT INTO (checked_\w+) SELECT \* FROM typed_checked/.exec(s) ??
      /^CREATE OR REPLACE TABLE (\w+)/.exec(s) ??
      /^INSERT INTO (lines_\w+).*'(ndjson|csv)'/.exec(s) ??
      /^INSERT INTO (checked_\w+).*'(ndjson|csv)' AS fmt/.exec(s) ??
      /^SELECT (dt, file, line, reason)/.exec(s) ??
      /^SELECT (line, min\(error_type\))/.exec(s) ??
      /^SELECT (dt, count\(\*\) AS n FROM \(SELECT dt, row_number)/.exec(s) ??
      /^SELECT (dt, count\(\*\) AS n FROM checked)/.exec(s) ??
      /^(DROP TABLE IF EXISTS file_rejects)/.exec(s) ??
      /^SELECT (bucket, team, queue, channel, agent, breakdown)/.exec(s) ??
      /^SELECT (bucket, team)/.exec(s);
    if (!m) return s.slice(0, 48);
    return m
      .slice(1)
      .filter((x) => x !== undefined)
      .join(' ');
  };
  for (const method of ['run', 'runAndReadAll']) {
    const original = connection[method]?.bind(connection);
    if (!original) continue;
    connection[method] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await original(...args);
      } finally {
        const key = label(String(args[0]));
        const slot = into[key] ?? { ms: 0, n: 0 };
        slot.ms += performance.now() - t0;
        slot.n++;
        into[key] = slot;
      }
    };
  }
}

function fixedClock(now: string): Clock {
  const at = new Date(now);
  return { now: () => at };
}

export async function runTask(spec: TaskSpec): Promise<TaskResult> {
  const config = configFrom(undefined);
  const rss = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
  if (spec.task === 'reference') {
    const files = await filesOfRun(spec.exports, spec.date);
    const t0 = performance.now();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    let rows = 0;
    for (const sql of referenceSql(files)) rows += (await connection.runAndReadAll(sql)).currentRowCount;
    connection.closeSync();
    instance.closeSync();
    const ms = performance.now() - t0;
    return { task: spec.task, ms, rssMb: rss(), rows, bytes: await bytesOf(files) };
  }
  const t0 = performance.now();
  const engine = await DuckDbQueryEngine.open({
    exportsRoot: spec.exports,
    ...(spec.task === 'nightly' && spec.staging !== undefined ? { staging: spec.staging } : {}),
    ...(spec.task === 'nightly' && spec.memoryMb !== undefined ? { memoryBudgetMb: spec.memoryMb } : {}),
  });
  const sql: Record<string, { ms: number; n: number }> = {};
  if (spec.task === 'nightly' && spec.trace) traceEngine(engine, sql);
  const ports = {
    engine,
    archive: new LocalFolderStore(spec.out),
    mailer: new OutboxMailer(join(spec.out, 'outbox')),
    clock: fixedClock(spec.now),
  };
  try {
    if (spec.task === 'nightly') {
      const result = await runNightly(ports, { date: spec.date, config });
      const typedRead = engine.typedReads;
      const csvRead = engine.csvReads;
      await engine.close();
      const ms = performance.now() - t0;
      const folder = join(spec.out, 'reports', 'day', spec.date);
      const sqlMs = Object.values(sql).reduce((s, x) => s + x.ms, 0);
      const report = result.report as unknown as { scopes?: unknown[]; kpis?: unknown[] };
      return {
        task: spec.task,
        ms,
        rssMb: rss(),
        bytes: (await bytesOf(await filesOfRun(spec.exports, spec.date))) ?? 0,
        htmlBytes: await fileSize(join(folder, 'scorecard.fr.html')),
        reportJsonBytes: await fileSize(join(folder, 'report.json')),
        factsBytes: await dirBytes(join(spec.out, 'facts')),
        records: result.report.inputs.records,
        rejects: result.report.rejects.count,
        ...(spec.trace ? { sql, sqlMs } : {}),
        typedRead,
        csvRead,
        ...(Array.isArray(report.scopes) ? { teams: report.scopes.length } : {}),
      };
    }
    if (spec.task === 'digest') {
      const period = parsePeriod(spec.kind, spec.id, config.timezone);
      const result = await runDigest(ports, { period, config });
      await engine.close();
      return {
        task: spec.task,
        ms: performance.now() - t0,
        rssMb: rss(),
        filingBytes: result.filingBytes,
        targetedBytes: result.targetedBytes,
        htmlBytes: await fileSize(join(result.delivered.html[0] ?? '')),
      };
    }
    const result = await runBackfill(ports, { from: spec.from, to: spec.to, config });
    await engine.close();
    return {
      task: spec.task,
      ms: performance.now() - t0,
      rssMb: rss(),
      bytes: result.bytes,
      records: result.filed.length,
      factsBytes: await dirBytes(join(spec.out, 'facts')),
    };
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as TaskSpec;
  const result = await runTask(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
