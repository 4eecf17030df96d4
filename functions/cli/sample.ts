/** `vigie sample`: writes the deterministic sample exports and the manifest `vigie start` reads. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
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
