/**
 * The Lambda handlers end to end on a local AWS: sample exports in s3rver → Athena stand-in (the
 * Trino SQL on DuckDB) → KPIs → mail in aws-ses-v2-local → archive in s3rver. The same exports run
 * through the embedded DuckDB engine must give the same report.json.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromText } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import { S3ObjectStore } from '../../functions/adapters/s3.js';
import { parsePeriod } from '../../functions/engine/periods.js';
import { digestHandler } from '../../functions/handlers/digest.js';
import { nightlyHandler } from '../../functions/handlers/nightly.js';
import { runBackfill } from '../../functions/pipeline/backfill.js';
import { runDigest } from '../../functions/pipeline/digest.js';
import { factsKey } from '../../functions/pipeline/facts-store.js';
import { runNightly } from '../../functions/pipeline/nightly.js';
import type { Clock } from '../../functions/pipeline/ports.js';
import { ARCHIVE_BUCKET, type LocalAws, startLocalAwsWith } from '../../local-aws/aws-local.js';
import { sampleExportsDir } from '../support/exports.js';
import { archived, CLOCK, CONFIG, SCHEDULED } from '../support/handlers.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

describe('nightly and digest handlers on local S3, Athena and SES', () => {
  let aws: LocalAws;
  let exportsRoot: string;

  beforeAll(async () => {
    exportsRoot = await sampleExportsDir(9, '2026-11-22');
    aws = await startLocalAwsWith(exportsRoot, CONFIG);
  }, 120_000);

  afterAll(async () => {
    await aws?.stop();
    if (exportsRoot !== undefined) await rm(exportsRoot, { recursive: true, force: true });
  });

  it('reports yesterday from the scheduled time, mails each recipient once, archives, and matches the DuckDB run', async () => {
    const handler = nightlyHandler(aws.deps({ clock: CLOCK }));
    const summary = await handler({ scheduledTime: SCHEDULED });

    expect(summary.period).toBe('day 2026-11-22');
    expect(summary.correlationId).toBe(SCHEDULED);
    expect(summary.mails).toBe(2);
    expect(summary.records).toBeGreaterThan(1000);
    expect(summary.athena.queries).toBeGreaterThan(5);
    expect(summary.athena.bytesScanned).toBeGreaterThan(0);
    // The prediction from the files' sizes is what Athena (here the stand-in, pruning on "$path") billed.
    expect(summary.athena.predicted).toEqual({
      queries: summary.athena.queries,
      bytes: summary.athena.bytesScanned,
      costUsd: expect.closeTo(summary.athena.costUsd, 12),
    });

    const mails = await aws.mails();
    expect(mails.flatMap((m) => m.destination.to).sort()).toEqual(['analyst@acme.example', 'manager@acme.example']);
    const onS3 = JSON.parse((await archived(aws, 'reports/day/2026-11-22/report.json')) ?? 'null');

    // The same exports, config and clock through the embedded engine.
    const out = await mkdtemp(join(tmpdir(), 'vigie-aws-parity-'));
    const engine = await DuckDbQueryEngine.open({ exportsRoot });
    try {
      const local = await runNightly(
        { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock: CLOCK },
        { date: '2026-11-22', config: configFromText(CONFIG, 'test') },
      );
      const onDisk = JSON.parse(await readFile(join(out, 'reports/day/2026-11-22/report.json'), 'utf8'));
      expect(local.report.inputs.records).toBe(summary.records);
      expect(onS3).toEqual(onDisk);
    } finally {
      await engine.close();
      await rm(out, { recursive: true, force: true });
    }
  }, 600_000);

  it('files the day the nightly runs missed through Athena, rolls the week up, and matches the DuckDB digest', async () => {
    const config = configFromText(CONFIG, 'test');
    const monday: Clock = { now: () => new Date('2026-11-23T06:01:00Z') };
    const archive = new S3ObjectStore({ client: aws.admin, bucket: ARCHIVE_BUCKET });
    // The nightly runs filed every day of W46 and W47 but 2026-11-18: the embedded engine files the days
    // the tests above did not (the stand-in takes ~20 s a day), and the digest must file 2026-11-18
    // through Athena.
    const out = await mkdtemp(join(tmpdir(), 'vigie-aws-digest-'));
    const engine = await DuckDbQueryEngine.open({ exportsRoot });
    try {
      await runBackfill({ engine, archive, clock: monday }, { from: '2026-11-09', to: '2026-11-17', config });
      await runBackfill({ engine, archive, clock: monday }, { from: '2026-11-19', to: '2026-11-22', config });
      expect(await archived(aws, factsKey('2026-11-18'))).toBeNull();
      const before = aws.athena.executions.length;

      const handler = digestHandler(aws.deps({ clock: monday }));
      const summary = await handler({ scheduledTime: '2026-11-23T06:00:00Z', digest: 'week' });
      expect(summary.period).toBe('week 2026-11-16');
      expect(summary.mails).toBe(2);
      expect(aws.athena.executions.length).toBeGreaterThan(before);
      expect(await archived(aws, factsKey('2026-11-18'))).not.toBeNull();
      const onS3 = JSON.parse((await archived(aws, 'reports/week/2026-W47/report.json')) ?? 'null');

      // The same week on the embedded engine alone, every day filed by it.
      const local = new LocalFolderStore(out);
      await runBackfill({ engine, archive: local, clock: monday }, { from: '2026-11-09', to: '2026-11-22', config });
      const mailer = new OutboxMailer(join(out, 'outbox'));
      const period = parsePeriod('week', '2026-W47', config.timezone);
      await runDigest({ engine, archive: local, mailer, clock: monday }, { period, config });
      const onDisk = JSON.parse(await readFile(join(out, 'reports/week/2026-W47/report.json'), 'utf8'));
      expect(Object.keys(onS3.scopes[0].kpis)).toHaveLength(39);
      expect(onS3.missing_days).toEqual([]);
      expect(onS3).toEqual(onDisk);
    } finally {
      await engine.close();
      await rm(out, { recursive: true, force: true });
    }
  }, 600_000);
});
