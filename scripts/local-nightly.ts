/**
 * `npm run local:nightly`: the nightly Lambda handler run on this machine against local AWS — s3rver
 * for S3, the Athena stand-in (Trino SQL on DuckDB) and aws-ses-v2-local for SES — exactly as the
 * end-to-end test does. It uploads a small generated sample and the example config, invokes the
 * handler with the scheduled time of the night after `--date`, then prints the summary, the archive
 * keys and the mails SES received. Everything runs on loopback and is removed at the end.
 *
 *   npm run local:nightly -- --date 2026-11-22 [--days 9] [--keep <folder>]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { DateTime } from 'luxon';
import { nightlyHandler } from '../functions/handlers/nightly.js';
import { writeSample } from '../functions/sample/write.js';
import { ARCHIVE_BUCKET, startLocalAws } from '../local-aws/aws-local.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    date: { type: 'string', default: '2026-11-22' },
    days: { type: 'string', default: '9' },
    config: { type: 'string', default: 'config/vigie.example.yaml' },
  },
});
const date = values.date;
const config = await readFile(values.config, 'utf8');
// 03:30 local on the night after the reported day, as the stack's schedule fires.
const scheduled = DateTime.fromISO(`${date}T03:30`, { zone: 'Europe/Paris' }).plus({ days: 1 }).toUTC();
const scheduledTime = scheduled.toISO({ suppressMilliseconds: true }) ?? '';

const work = await mkdtemp(join(tmpdir(), 'vigie-local-aws-'));
console.log(`sample: ${values.days} days ending ${date}`);
await writeSample(work, { days: Number(values.days), endDate: date });
const aws = await startLocalAws();
try {
  console.log(`local S3 ${aws.s3.endpoint}, Athena stand-in ${aws.athena.endpoint}`);
  console.log(`uploaded ${await aws.uploadExports(work)} export files`);
  await aws.admin.send(new PutObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: 'config/vigie.yaml', Body: config }));
  const started = Date.now();
  const summary = await nightlyHandler(aws.deps({ clock: { now: () => scheduled.plus({ minutes: 1 }).toJSDate() } }))({
    scheduledTime,
  });
  console.log(`nightly handler, scheduledTime ${scheduledTime}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(summary, null, 2));
  const listed = await aws.admin.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: 'reports/' }));
  const keys = (listed.Contents ?? []).map((o) => o.Key ?? '');
  for (const key of keys.filter((k) => !k.includes('/sparklines/'))) console.log(`  s3://${ARCHIVE_BUCKET}/${key}`);
  console.log(`  … and ${keys.filter((k) => k.includes('/sparklines/')).length} sparkline PNGs`);
  for (const mail of await aws.mails()) console.log(`  SES → ${mail.destination.to.join(', ')}: ${mail.subject}`);
} finally {
  await aws.stop();
  await rm(work, { recursive: true, force: true });
}
