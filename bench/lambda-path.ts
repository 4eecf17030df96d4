/**
 * Peak memory of the nightly Lambda handler when Athena runs the SQL (the AWS path), which the bench
 * cannot see: there the function holds no DuckDB, only the facts rows from GetQueryResults pages, the
 * report and the mails. The local AWS (s3rver, the Athena stand-in running the Trino SQL on DuckDB,
 * aws-ses-v2-local) runs in this process; the handler runs in a child process with real SDK clients
 * pointed at it, so the child's peak RSS is the handler's own (plus Node and tsx, reported apart).
 *
 * `npx tsx bench/lambda-path.ts --exports bench/data/day-1M --date 2026-11-18`
 * (exports from bench/generate.ts; `npm run bench` writes day-100k and day-1M).
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { nightlyHandler } from '../functions/handlers/nightly.js';
import { ARCHIVE_BUCKET, filesUnder, type LocalEndpoints, localDeps, startLocalAws } from '../local-aws/aws-local.js';

/** The bench's configuration (every default: lookback 3 days, one recipient) as the stack stores it. */
const CONFIG = 'timezone: Europe/Paris\n';

interface HandlerMeasure {
  readonly ms: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
  readonly records: number;
  readonly queries: number;
  readonly bytesScanned: number;
  readonly mails: number;
}

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

/** In the child: the nightly handler for `date`, with clients on the given endpoints. */
async function measureHandler(endpoints: LocalEndpoints, date: string): Promise<HandlerMeasure> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const rssBeforeMb = Math.round(process.resourceUsage().maxRSS / 1024);
  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const handler = nightlyHandler(
    localDeps(endpoints, { clock: { now: () => new Date() }, athenaTimeoutMs: 30 * 60_000 }),
  );
  const t0 = performance.now();
  const summary = await handler({ scheduledTime: `${date}T23:30:00Z`, date });
  const ms = performance.now() - t0;
  clearInterval(sampler);
  return {
    ms: Math.round(ms),
    rssBeforeMb,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    peakHeapMb: mb(peakHeap),
    records: summary.records,
    queries: summary.athena.queries,
    bytesScanned: summary.athena.bytesScanned,
    mails: summary.mails,
  };
}

async function bytesUnder(folder: string): Promise<number> {
  let total = 0;
  for (const file of await filesUnder(folder)) total += (await stat(file)).size;
  return total;
}

/** In the parent: the local AWS with the exports, then the handler in a child. */
async function main(exportsRoot: string, date: string): Promise<void> {
  const aws = await startLocalAws();
  try {
    const t0 = performance.now();
    const files = await aws.uploadExports(exportsRoot);
    await aws.admin.send(new PutObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: 'config/vigie.yaml', Body: CONFIG }));
    const uploadMs = performance.now() - t0;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--handler', JSON.stringify(aws.endpoints), date],
      { maxBuffer: 1 << 20 },
    );
    const measure = JSON.parse(stdout) as HandlerMeasure;
    const result = {
      exports: exportsRoot,
      exportBytes: await bytesUnder(exportsRoot),
      files,
      uploadMs: Math.round(uploadMs),
      date,
      ...measure,
      handlerRssMb: measure.peakRssMb - measure.rssBeforeMb,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await aws.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  if (args[0] === '--handler') {
    const measure = await measureHandler(JSON.parse(args[1] ?? '{}') as LocalEndpoints, args[2] ?? '');
    process.stdout.write(JSON.stringify(measure));
  } else {
    const get = (name: string, fallback: string): string => {
      const i = args.indexOf(`--${name}`);
      return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
    };
    await main(get('exports', 'bench/data/day-1M'), get('date', '2026-11-18'));
  }
}
