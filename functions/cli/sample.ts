/** `vigie sample`: writes the deterministic sample exports and the manifest `vigie start` reads, or sample CTRs. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { sampleCtrObjects } from '../sample/connect-ctr.js';
import { writeSample } from '../sample/write.js';
import { show } from './output.js';

/** The file beside the sample exports that says what was generated (its last day above all). */
export const SAMPLE_MANIFEST = '_SAMPLE.json';

/** Writes the sample exports of `days` local days ending `end` (default: yesterday in Europe/Paris). */
export async function writeSampleExports(
  options: { out: string; days: number; seed: number; end?: string; customers?: number },
  out: (line: string) => void,
): Promise<void> {
  const endDate = options.end ?? yesterday('Europe/Paris');
  const t0 = Date.now();
  const summary = await writeSample(options.out, {
    days: options.days,
    seed: options.seed,
    endDate,
    timezone: 'Europe/Paris',
    ...(options.customers === undefined ? {} : { customers: options.customers }),
  });
  await writeFile(join(options.out, SAMPLE_MANIFEST), `${JSON.stringify({ ...options, endDate, summary }, null, 2)}\n`);
  out(
    `sample exports: ${show(options.out)} (${options.days} days to ${endDate}, ${summary.files} files, ${Date.now() - t0} ms)`,
  );
}

function yesterday(timezone: string): string {
  return DateTime.now().setZone(timezone).minus({ days: 1 }).toISODate() ?? '';
}

/**
 * Writes a sample of Amazon Connect CTR objects for the `days` local days ending `end`, in Firehose's
 * layout (functions/sample/connect-ctr.ts), for `vigie run --ctr`.
 */
export async function writeSampleCtr(
  options: { ctr: string; days: number; seed: number; end?: string },
  out: (line: string) => void,
): Promise<void> {
  const endDate = options.end ?? yesterday('Europe/Paris');
  const t0 = Date.now();
  const start = DateTime.fromISO(endDate, { zone: 'UTC' }).minus({ days: options.days - 1 });
  const dates = Array.from({ length: options.days }, (_, i) => start.plus({ days: i }).toISODate() ?? '');
  const objects = sampleCtrObjects(dates, options.seed);
  let records = 0;
  for (const object of objects) {
    const path = join(options.ctr, object.key);
    const texts = object.records.map((r) => JSON.stringify(r));
    const text = object.newlines ? `${texts.join('\n')}\n` : texts.join('');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, object.gzip ? gzipSync(text) : text);
    records += object.records.length;
  }
  await writeFile(
    join(options.ctr, SAMPLE_MANIFEST),
    `${JSON.stringify({ kind: 'connect-ctr', days: options.days, seed: options.seed, endDate, objects: objects.length, records }, null, 2)}\n`,
  );
  out(
    `sample CTRs: ${show(options.ctr)} (${options.days} days to ${endDate}, ${objects.length} Firehose objects, ${records} records, ${Date.now() - t0} ms)`,
  );
}
