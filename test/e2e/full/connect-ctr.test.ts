/**
 * Amazon Connect CTRs end to end, on both engines: `vigie run --ctr` on the fixture day must give the
 * figures of Amazon Connect's definitions (test/fixtures/connect-ctr-day.ts), and the AWS path — the CTR
 * objects staged as NDJSON by the nightly handler, read by Athena (the stand-in) — must stage the same
 * contacts and write the same report as the embedded default.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../../functions/adapters/athena.js';
import { AthenaRunner } from '../../../functions/adapters/athena-runner.js';
import { configFromText } from '../../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../../functions/adapters/outbox.js';
import type { Report } from '../../../functions/engine/report-schema.js';
import { CTR_STAGING_PREFIX, ENV } from '../../../functions/handlers/environment.js';
import { nightlyHandler } from '../../../functions/handlers/nightly.js';
import { runNightly } from '../../../functions/pipeline/nightly.js';
import type { Clock, QueryEngine, StageResult } from '../../../functions/pipeline/ports.js';
import { ARCHIVE_BUCKET, EXPORTS_BUCKET, type LocalAws, startLocalAwsWith } from '../../../local-aws/aws-local.js';
import {
  CTR_DAY,
  CTR_DAY_FIGURES,
  CTR_NOW,
  CTR_OBJECTS,
  ctrDayFolder,
  objectBytes,
} from '../../fixtures/connect-ctr-day.js';
import { vigie } from '../../support/cli.js';
import { archived, figures } from '../../support/handlers.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const CLOCK: Clock = { now: () => new Date(CTR_NOW * 1000) };
const CONFIG = `timezone: Europe/Paris
lookback_days: 0
mail:
  from: vigie@acme.example
  recipients:
    - { email: manager@acme.example, locale: fr }
`;
/** Firehose's prefix pasted as it is: no slash before the date. */
const CTR_PREFIX = 'connect/ctr';

const centre = (report: Report) => report.scopes.find((s) => s.scope.dimension === 'all')?.kpis ?? {};

describe('Amazon Connect CTRs, from the command line to the AWS path', () => {
  let work: string;
  let ctrRoot: string;
  let empty: string;
  let aws: LocalAws;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'vigie-ctr-e2e-'));
    ctrRoot = await ctrDayFolder();
    empty = join(work, 'exports');
    await mkdir(empty);
    await writeFile(join(work, 'vigie.yaml'), CONFIG);
    aws = await startLocalAwsWith(empty, CONFIG);
    for (const object of CTR_OBJECTS) {
      await aws.admin.send(
        new PutObjectCommand({ Bucket: EXPORTS_BUCKET, Key: `${CTR_PREFIX}${object.key}`, Body: objectBytes(object) }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await aws?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('vigie run --ctr gives the figures of Amazon Connect’s definitions', async () => {
    const out = join(work, 'out');
    await vigie(
      'run',
      '--ctr',
      ctrRoot,
      '--exports',
      empty,
      '--date',
      CTR_DAY,
      '--config',
      join(work, 'vigie.yaml'),
      '--out',
      out,
    );
    const report = JSON.parse(await readFile(join(out, 'reports/day', CTR_DAY, 'report.json'), 'utf8')) as Report;
    const kpis = centre(report);
    const f = CTR_DAY_FIGURES;
    expect(kpis.contacts_offered?.value).toBe(f.contacts_offered);
    expect(kpis.contacts_handled?.value).toBe(f.contacts_handled);
    expect(kpis.contacts_abandoned?.value).toBe(f.contacts_abandoned);
    expect(kpis.answer_rate?.value).toBeCloseTo(f.answer_rate, 10);
    expect(kpis.abandon_rate?.value).toBeCloseTo(f.abandon_rate, 10);
    expect(kpis.service_level?.value).toBeCloseTo(f.service_level, 10);
    expect(kpis.asa?.value).toBeCloseTo(f.asa, 10);
    expect(kpis.avg_wait?.value).toBeCloseTo(f.avg_wait, 10);
    expect(kpis.aht?.value).toBeCloseTo(f.aht, 10);
    expect(kpis.outbound_contacts?.value).toBe(f.outbound_contacts);
  }, 180_000);

  it('stages the same contacts, rejects and ledger on Athena (the stand-in) as on DuckDB', async () => {
    const request = { partitions: ['2026-11-21', '2026-11-22'], now: CTR_NOW };
    const mapping = configFromText(CONFIG, 'test').connect;
    const clients = aws.deps({ clock: CLOCK }).clients();
    const athena = new AthenaQueryEngine({
      athena: new AthenaRunner({ client: clients.athena, workgroup: 'vigie', database: 'vigie' }),
      s3: clients.s3,
      exportsBucket: EXPORTS_BUCKET,
      exportsPrefix: '',
      ctr: {
        source: { bucket: EXPORTS_BUCKET, prefix: CTR_PREFIX },
        staging: { bucket: ARCHIVE_BUCKET, prefix: CTR_STAGING_PREFIX },
        mapping,
        deliveryDays: mapping.delivery_days,
      },
    });
    const duckdb = await DuckDbQueryEngine.open({
      exportsRoot: empty,
      ctr: { root: ctrRoot, mapping, deliveryDays: mapping.delivery_days },
    });
    const staged = async (engine: QueryEngine): Promise<{ stage: StageResult; contacts: unknown[] }> => {
      const stage = await engine.stageExports({ ...request, kinds: ['contacts'] });
      const contacts = await engine.query('SELECT * FROM contacts ORDER BY id', []);
      return { stage, contacts };
    };
    try {
      const onAthena = await staged(athena);
      const onDuckDb = await staged(duckdb);
      expect(onAthena.contacts).toHaveLength(18);
      expect(onAthena.contacts).toEqual(onDuckDb.contacts);
      const ledger = ({ stage }: { stage: StageResult }) => ({
        records: stage.recordsByPartition,
        duplicates: stage.duplicatesByPartition,
        excluded: stage.excludedByPartition,
        rejects: stage.rejects,
        files: stage.files,
      });
      expect(ledger(onAthena)).toEqual(ledger(onDuckDb));
    } finally {
      await duckdb.close();
      await athena.close();
    }
  }, 180_000);

  it('writes the same report from the nightly handler as the embedded default, staging each object once', async () => {
    const env = { [ENV.ctrBucket]: EXPORTS_BUCKET, [ENV.ctrPrefix]: CTR_PREFIX };
    const event = { scheduledTime: '2026-11-25T02:30:00Z', date: CTR_DAY };
    await nightlyHandler(aws.deps({ clock: CLOCK, env }))(event);
    const onS3 = JSON.parse((await archived(aws, `reports/day/${CTR_DAY}/report.json`)) ?? 'null');
    const out = await mkdtemp(join(tmpdir(), 'vigie-ctr-parity-'));
    const config = configFromText(CONFIG, 'test');
    const engine = await DuckDbQueryEngine.open({
      exportsRoot: empty,
      ctr: { root: ctrRoot, mapping: config.connect, deliveryDays: config.connect.delivery_days },
    });
    try {
      await runNightly(
        { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock: CLOCK },
        { date: CTR_DAY, config },
      );
    } finally {
      await engine.close();
    }
    const local = JSON.parse(await readFile(join(out, 'reports/day', CTR_DAY, 'report.json'), 'utf8'));
    expect(figures(onS3)).toEqual(figures(local));
    expect(centre(onS3 as Report).contacts_offered?.value).toBe(CTR_DAY_FIGURES.contacts_offered);

    // A second night reads the staged copies again and stages nothing new.
    const listing = async () =>
      (
        (await aws.admin.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: CTR_STAGING_PREFIX })))
          .Contents ?? []
      ).map((o) => `${o.Key} ${o.ETag}`);
    const before = await listing();
    await nightlyHandler(aws.deps({ clock: CLOCK, env }))(event);
    expect(await listing()).toEqual(before);
    // 7 objects and a manifest for each of the 2 delivery dates holding objects.
    expect(before.filter((k) => k.includes('.ndjson.gz'))).toHaveLength(CTR_OBJECTS.length);
  }, 300_000);
});
