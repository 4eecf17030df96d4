/**
 * Compaction and the state snapshot on the AWS path: a first nightly handler with `compaction.enabled`
 * reads the whole history, compacts its settled partitions with one UNLOAD per kind (the stand-in writes
 * the Parquet into local S3) and keeps the history kinds' state snapshot; the next night reads neither
 * (docs/decisions/0006-state-snapshot.md); a late file sends its partition back to its exports and into a
 * new compaction; a night without its snapshot reads the compacted partitions through the `<kind>_checked`
 * tables. Every report must equal the embedded engine's over the same exports.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromText } from '../../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../../functions/adapters/outbox.js';
import { nightlyHandler } from '../../../functions/handlers/nightly.js';
import type { JobSummary } from '../../../functions/handlers/run-job.js';
import { runNightly } from '../../../functions/pipeline/nightly.js';
import type { Clock } from '../../../functions/pipeline/ports.js';
import { ARCHIVE_BUCKET, EXPORTS_BUCKET, type LocalAws, startLocalAwsWith } from '../../../local-aws/aws-local.js';
import { sampleExportsDir } from '../../support/exports.js';
import { figures } from '../../support/handlers.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const SCHEDULED = '2026-11-23T01:30:00Z';
const CLOCK: Clock = { now: () => new Date('2026-11-23T01:31:00Z') };
const CONFIG = `timezone: Europe/Paris
lookback_days: 1
compaction: { enabled: true }
mail:
  from: vigie@acme.example
  recipients:
    - { email: manager@acme.example, locale: fr }
`;
const LATE_FILE = 'tickets/dt=2026-11-17/late.ndjson';
const LATE_TICKET = {
  id: 'late-1',
  created_at: '2026-11-17T09:00:00Z',
  updated_at: '2026-11-22T10:00:00Z',
  resolved_at: '2026-11-22T10:00:00Z',
  team: 'Nord',
  contacts_count: 1,
};

async function text(aws: LocalAws, key: string): Promise<string | null> {
  try {
    const object = await aws.admin.send(new GetObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? null;
  } catch {
    return null;
  }
}

async function keys(aws: LocalAws, prefix: string): Promise<string[]> {
  const page = await aws.admin.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key ?? '').sort();
}

/** The report.json the embedded engine writes for the same exports, config and clock (no compaction). */
async function embeddedReport(exportsRoot: string, clock: Clock = CLOCK): Promise<unknown> {
  const out = await mkdtemp(join(tmpdir(), 'vigie-compaction-parity-'));
  const engine = await DuckDbQueryEngine.open({ exportsRoot });
  try {
    await runNightly(
      { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock },
      { date: '2026-11-22', config: configFromText(CONFIG, 'test') },
    );
    return JSON.parse(await readFile(join(out, 'reports/day/2026-11-22/report.json'), 'utf8'));
  } finally {
    await engine.close();
    await rm(out, { recursive: true, force: true });
  }
}

/** The archived rejects files of the tickets partitions compacted, by key. */
async function rejectsOfCompactedPartitions(aws: LocalAws): Promise<Record<string, string>> {
  const manifest = JSON.parse((await text(aws, 'compacted/tickets/_partitions.json')) ?? '{"partitions":{}}');
  const found: Record<string, string> = {};
  for (const dt of Object.keys(manifest.partitions)) {
    const body = await text(aws, `rejects/tickets/dt=${dt}/rejects.ndjson`);
    if (body !== null) found[dt] = body;
  }
  return found;
}

describe('compaction on the AWS path', () => {
  let aws: LocalAws;
  let exportsRoot: string;
  let first: JobSummary;

  beforeAll(async () => {
    exportsRoot = await sampleExportsDir(9, '2026-11-22');
    aws = await startLocalAwsWith(exportsRoot, CONFIG);
  }, 120_000);

  afterAll(async () => {
    await aws?.stop();
    if (exportsRoot !== undefined) await rm(exportsRoot, { recursive: true, force: true });
  });

  it('compacts the settled history partitions with one UNLOAD per kind, and reports as without them', async () => {
    // Act
    first = await nightlyHandler(aws.deps({ clock: CLOCK }))({ scheduledTime: SCHEDULED });

    // Assess: history partitions before 2026-11-20 (now − look-back − 2 days) are compacted, window kinds are not.
    expect(first.compaction).toMatchObject({ read: 0, failed: 0 });
    const unloads = aws.athena.executions.filter((e) => /^\s*UNLOAD/.test(e.sql) && /partitioned_by/.test(e.sql));
    const unloaded = unloads.map((e) => /TO 's3:\/\/[^/]+\/compacted\/([a-z_]+)\/'/.exec(e.sql)?.[1] ?? '');
    expect(new Set(unloaded).size).toBe(unloaded.length);
    expect(unloaded).toContain('tickets');
    expect(unloaded.every((kind) => ['tickets', 'customers', 'orders', 'costs'].includes(kind))).toBe(true);
    expect(unloads.every((e) => e.state === 'SUCCEEDED')).toBe(true);
    const manifest = JSON.parse((await text(aws, 'compacted/tickets/_partitions.json')) ?? '{}');
    const compactedDays = Object.keys(manifest.partitions).sort();
    expect(compactedDays.length).toBeGreaterThan(3);
    expect(compactedDays.every((dt) => dt < '2026-11-20')).toBe(true);
    // One Parquet object, and the partition's rejects with their lines (located once, from the exports).
    const objects = await keys(aws, 'compacted/tickets/dt=2026-11-17/');
    expect(objects.filter((k) => !k.includes('/_'))).toHaveLength(1);
    expect(objects.filter((k) => k.includes('/_rejects-'))).toHaveLength(
      manifest.partitions['2026-11-17'].rejects > 0 ? 1 : 0,
    );
    expect(await keys(aws, 'compacted/contacts/')).toEqual([]);
    // The prediction counts the UNLOADs too.
    expect(first.athena.predicted).toEqual({
      queries: first.athena.queries,
      bytes: first.athena.bytesScanned,
      costUsd: expect.closeTo(first.athena.costUsd, 12),
    });
    const onS3 = JSON.parse((await text(aws, 'reports/day/2026-11-22/report.json')) ?? 'null');
    expect(figures(onS3)).toEqual(figures(await embeddedReport(exportsRoot)));
  }, 600_000);

  it('reads neither the history nor its compaction the next run: the snapshot holds what it needs', async () => {
    const before = aws.athena.executions.length;
    const rejectsBefore = await rejectsOfCompactedPartitions(aws);
    // Act: the same night again (a retry sends nothing twice, and starts from the snapshot the first run kept).
    const second = await nightlyHandler(aws.deps({ clock: CLOCK }))({ scheduledTime: SCHEDULED });
    // Assess: the history partitions' rejects stay as the first run archived them, with their lines.
    expect(Object.keys(rejectsBefore).length).toBeGreaterThan(0);
    expect(await rejectsOfCompactedPartitions(aws)).toEqual(rejectsBefore);
    expect(second.compaction).toMatchObject({ read: 0, written: 0, failed: 0 });
    const sql = aws.athena.executions.slice(before).map((e) => e.sql);
    expect(sql.some((s) => s.includes('tickets_state'))).toBe(true);
    expect(sql.some((s) => s.includes('tickets_checked'))).toBe(false);
    expect(sql.some((s) => /^\s*UNLOAD/.test(s) && /partitioned_by/.test(s))).toBe(false);
    expect(second.athena.bytesScanned).toBeLessThan(first.athena.bytesScanned);
    expect(second.athena.predicted).toMatchObject({
      queries: second.athena.queries,
      bytes: second.athena.bytesScanned,
    });
    const onS3 = JSON.parse((await text(aws, 'reports/day/2026-11-22/report.json')) ?? 'null');
    expect(figures(onS3)).toEqual(figures(await embeddedReport(exportsRoot)));
  }, 600_000);

  it('reads a partition that got a late file from its exports, compacts it again, and counts the late record once', async () => {
    // Prepare: a late ticket, resolved on the reported day, lands in a compacted partition.
    const body = `${JSON.stringify(LATE_TICKET)}\n`;
    await writeFile(join(exportsRoot, LATE_FILE), body);
    await aws.admin.send(new PutObjectCommand({ Bucket: EXPORTS_BUCKET, Key: LATE_FILE, Body: body }));
    // Act
    const third = await nightlyHandler(aws.deps({ clock: CLOCK }))({ scheduledTime: SCHEDULED });
    // Assess: of the history, only that partition is read, from its exports, and compacted again.
    expect(third.compaction).toMatchObject({ read: 0, written: 1, failed: 0 });
    const manifest = JSON.parse((await text(aws, 'compacted/tickets/_partitions.json')) ?? '{}');
    expect(manifest.partitions['2026-11-17'].sources.map((s: { file: string }) => s.file)).toContain(LATE_FILE);
    // The replaced object stays a day for runs that read the old manifest; only the new one is named.
    const objects = await keys(aws, 'compacted/tickets/dt=2026-11-17/');
    const entry = manifest.partitions['2026-11-17'];
    const named = [
      ...entry.files.map((f: { key: string }) => f.key),
      ...(entry.rejects_key ? [entry.rejects_key] : []),
    ].map((k: string) => `compacted/${k}`);
    const superseded = manifest.superseded.map((f: { key: string }) => `compacted/${f.key}`);
    expect(entry.files).toHaveLength(1);
    expect([...named, ...superseded].sort()).toEqual(objects);
    expect(superseded.length).toBeGreaterThan(0);
    const onS3 = JSON.parse((await text(aws, 'reports/day/2026-11-22/report.json')) ?? 'null');
    expect(figures(onS3)).toEqual(figures(await embeddedReport(exportsRoot)));

    // Act: two days later (more partitions settle, so tickets are compacted again), the same day reported,
    // the snapshot lost: the history is read again, its settled partitions from their compacted copies.
    const state = await keys(aws, 'compacted/state/');
    expect(state.filter((k) => k.endsWith('_manifest.json'))).toHaveLength(4);
    for (const key of state.filter((k) => k.endsWith('_manifest.json'))) {
      await aws.admin.send(new DeleteObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }));
    }
    const later: Clock = { now: () => new Date('2026-11-25T01:31:00Z') };
    const fourth = await nightlyHandler(aws.deps({ clock: later }))({
      scheduledTime: '2026-11-25T01:30:00Z',
      date: '2026-11-22',
    });
    // Assess: the object superseded more than a day ago is gone, the late ticket is read back compacted.
    expect(fourth.compaction?.written).toBeGreaterThan(0);
    expect(fourth.compaction?.read).toBe(first.compaction?.written);
    expect(await keys(aws, 'compacted/tickets/dt=2026-11-17/')).toEqual([...named].sort());
    const again = JSON.parse((await text(aws, 'reports/day/2026-11-22/report.json')) ?? 'null');
    expect(figures(again)).toEqual(figures(await embeddedReport(exportsRoot, later)));
  }, 600_000);
});

describe('a compaction that fails on the AWS path', () => {
  it('leaves the partitions to be read from their exports, logs it, and the night reports as usual', async () => {
    // Prepare: Athena fails every UNLOAD.
    const exportsRoot = await sampleExportsDir(9, '2026-11-22');
    const aws = await startLocalAwsWith(exportsRoot, CONFIG, {
      // A compaction's UNLOAD (partitioned by dt), not the state's.
      faults: [{ match: /^\s*UNLOAD.*partitioned_by/s, state: 'FAILED', reason: 'HIVE_PATH_ALREADY_EXISTS: injected' }],
    });
    try {
      // Act
      const summary = await nightlyHandler(aws.deps({ clock: CLOCK }))({ scheduledTime: SCHEDULED });
      // Assess
      expect(summary.compaction).toMatchObject({ read: 0, written: 0 });
      expect(summary.compaction?.failed).toBeGreaterThan(0);
      expect(summary.mails).toBe(1);
      const manifest = JSON.parse((await text(aws, 'compacted/tickets/_partitions.json')) ?? '{"partitions":{}}');
      expect(manifest.partitions).toEqual({});
      const onS3 = JSON.parse((await text(aws, 'reports/day/2026-11-22/report.json')) ?? 'null');
      expect(figures(onS3)).toEqual(figures(await embeddedReport(exportsRoot)));
    } finally {
      await aws.stop();
      await rm(exportsRoot, { recursive: true, force: true });
    }
  }, 600_000);
});
