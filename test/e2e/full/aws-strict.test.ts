/**
 * A night on the strict Athena stand-in with exports Athena reads otherwise than an RFC 4180 or lenient
 * reader: a CSV whose quoted cell spans lines, a CSV with a backslash, a CSV split by `;`, a string field given as an exponent
 * number, then a truncated gzip in the tickets' history. Athena would misread the CSVs and fail the whole
 * query on the gzip (HIVE_CURSOR_ERROR); the night must instead quarantine each file as one reject, keep
 * the value as written, report exactly what the embedded engine reports, and predict what it bills.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromText } from '../../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../../functions/adapters/outbox.js';
import { nightlyHandler } from '../../../functions/handlers/nightly.js';
import { runNightly } from '../../../functions/pipeline/nightly.js';
import { EXPORTS_BUCKET, type LocalAws, startLocalAwsWith } from '../../../local-aws/aws-local.js';
import { sampleExportsDir } from '../../support/exports.js';
import { archived, CLOCK, CONFIG, SCHEDULED } from '../../support/handlers.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const TICKET = JSON.stringify({
  id: 'late-t',
  created_at: '2026-11-16T09:00:00Z',
  resolved_at: '2026-11-22T10:00:00Z',
  team: 'Nord',
  contacts_count: 1,
});
const gz = gzipSync(`${TICKET}\n`.repeat(30));
const TRUNCATED = 'tickets/dt=2026-11-16/truncated.ndjson.gz';
/** Files added to the sample, Athena-hostile each in its way. */
const HOSTILE: Record<string, Buffer> = {
  'contacts/dt=2026-11-22/multiline.csv': Buffer.from(
    'id,channel,direction,offered_at,transcript\nm1,voice,inbound,2026-11-22T09:00:00Z,"deux\nlignes"\n',
  ),
  'contacts/dt=2026-11-22/backslash.csv': Buffer.from(
    'id,channel,direction,offered_at,reason\nb1,voice,inbound,2026-11-22T09:05:00Z,C:\\temp\n',
  ),
  // Not refused whole: every row is a wrong_delimiter, on both engines, and counts as a record read.
  'contacts/dt=2026-11-22/excel.csv': Buffer.from(
    'id;channel;direction;offered_at\nx1;voice;inbound;2026-11-22T09:00:00Z\n\nx2;voice;inbound;"12,5"\n',
  ),
  'contacts/dt=2026-11-22/exponent.ndjson': Buffer.from(
    `${JSON.stringify({ channel: 'voice', direction: 'inbound', offered_at: '2026-11-22T09:10:00Z' }).replace('{', '{"id":1e3,"team":1.50,')}\n`,
  ),
};

describe('the strict stand-in and exports Athena would misread', () => {
  let aws: LocalAws;
  let exportsRoot: string;

  beforeAll(async () => {
    exportsRoot = await sampleExportsDir(9, '2026-11-22');
    for (const [name, bytes] of Object.entries(HOSTILE)) {
      await mkdir(dirname(join(exportsRoot, name)), { recursive: true });
      await writeFile(join(exportsRoot, name), bytes);
    }
    aws = await startLocalAwsWith(exportsRoot, CONFIG);
  }, 120_000);

  afterAll(async () => {
    await aws?.stop();
    if (exportsRoot !== undefined) await rm(exportsRoot, { recursive: true, force: true });
  });

  it('quarantines each CSV whole, keeps the value as written, and reports as the embedded engine', async () => {
    const summary = await nightlyHandler(aws.deps({ clock: CLOCK }))({ scheduledTime: SCHEDULED });

    expect(summary.athena.predicted).toEqual({
      queries: summary.athena.queries,
      bytes: summary.athena.bytesScanned,
      costUsd: expect.closeTo(summary.athena.costUsd, 12),
    });
    // No query named a file Athena would fail on or misread.
    const named = aws.athena.executions.map((e) => e.sql).join('\n');
    expect(named).not.toMatch(/multiline\.csv|backslash\.csv/);
    const contacts = (await archived(aws, 'rejects/contacts/dt=2026-11-22/rejects.ndjson')) ?? '';
    expect(contacts).toMatch(/"file":"contacts\/dt=2026-11-22\/multiline\.csv","line":0,"reason":"unreadable_file"/);
    expect(contacts).toMatch(/"file":"contacts\/dt=2026-11-22\/backslash\.csv","line":0,"reason":"unreadable_file"/);
    expect(contacts).toMatch(/"file":"contacts\/dt=2026-11-22\/excel\.csv","line":2,"reason":"wrong_delimiter"/);
    expect(contacts).toMatch(/"file":"contacts\/dt=2026-11-22\/excel\.csv","line":4,"reason":"wrong_delimiter"/);
    const onS3 = JSON.parse((await archived(aws, 'reports/day/2026-11-22/report.json')) ?? 'null');
    expect(onS3.scopes.some((s: { scope: { value: string | null } }) => s.scope.value === '1.50')).toBe(true);

    const out = await mkdtemp(join(tmpdir(), 'vigie-strict-parity-'));
    const engine = await DuckDbQueryEngine.open({ exportsRoot });
    try {
      await runNightly(
        { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock: CLOCK },
        { date: '2026-11-22', config: configFromText(CONFIG, 'test') },
      );
      const onDisk = JSON.parse(await readFile(join(out, 'reports/day/2026-11-22/report.json'), 'utf8'));
      expect(onS3).toEqual(onDisk);
    } finally {
      await engine.close();
      await rm(out, { recursive: true, force: true });
    }
  }, 600_000);

  it('quarantines a truncated gzip in the history: a reject, not a failed night', async () => {
    await aws.admin.send(
      new PutObjectCommand({ Bucket: EXPORTS_BUCKET, Key: TRUNCATED, Body: gz.subarray(0, gz.length - 10) }),
    );
    const before = aws.athena.executions.length;

    // The same night again: its snapshot is there, and the partition that changed is read.
    const summary = await nightlyHandler(aws.deps({ clock: CLOCK }))({ scheduledTime: SCHEDULED });

    expect(summary.period).toBe('day 2026-11-22');
    const named = aws.athena.executions.slice(before).map((e) => e.sql);
    expect(named.some((sql) => sql.includes("dt IN ('2026-11-16')") || sql.includes("'2026-11-16'"))).toBe(true);
    expect(named.join('\n')).not.toContain('truncated.ndjson.gz');
    expect(aws.athena.executions.slice(before).every((e) => e.state === 'SUCCEEDED')).toBe(true);
    const tickets = await archived(aws, 'rejects/tickets/dt=2026-11-16/rejects.ndjson');
    expect(tickets).toMatch(
      /"file":"tickets\/dt=2026-11-16\/truncated\.ndjson\.gz","line":0,"reason":"unreadable_file","raw":"gzip: unexpected end of file"/,
    );
  }, 600_000);
});
