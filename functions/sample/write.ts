/**
 * Writes the sample exports to a folder: the only part of the sample that touches the file system.
 */
import { access, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import {
  KINDS,
  type Kind,
  MALFORMED_REASONS,
  type MalformedReason,
  type PlantedDefect,
  resolveSampleOptions,
  type SampleFile,
  type SampleOptions,
  type SampleOptionsInput,
  type SampleWindow,
  sampleFiles,
  sampleWindow,
} from './generate.js';

const gzip = promisify(gzipCallback);

/** Marks a folder as written by `writeSample`, so a later run may replace its exports. */
export const SAMPLE_MARKER = '.vigie-sample';
/** The CLI's manifest beside the sample; also proves the folder holds a sample. */
const CLI_MANIFEST = '_SAMPLE.json';

/** Files gzipped concurrently (zlib runs on libuv's pool while the next file is generated). */
const IN_FLIGHT = 4;

export interface SampleSummary {
  readonly outDir: string;
  readonly options: SampleOptions;
  readonly window: SampleWindow;
  readonly files: number;
  /** Bytes on disk (gzipped where the file is). */
  readonly bytes: number;
  readonly uncompressedBytes: number;
  /** Readable records written per kind, superseded versions included. */
  readonly records: Readonly<Record<Kind, number>>;
  /** Distinct records per kind once duplicates are resolved (records − duplicates). */
  readonly unique: Readonly<Record<Kind, number>>;
  readonly duplicates: { readonly total: number; readonly byKind: Readonly<Record<Kind, number>> };
  readonly malformed: {
    readonly total: number;
    readonly byKind: Readonly<Record<Kind, number>>;
    readonly byReason: Readonly<Record<MalformedReason, number>>;
    /** Every planted unreadable record with its file and line. */
    readonly defects: readonly PlantedDefect[];
  };
  /** Files per kind. */
  readonly filesByKind: Readonly<Record<Kind, number>>;
}

export class SampleOutputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SampleOutputError';
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Clears the kind folders of an earlier sample (a new run may pick other formats, and stale files would mix
 * in), but refuses to write into a folder that holds exports it did not write.
 */
async function prepare(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const ours = (await exists(join(outDir, SAMPLE_MARKER))) || (await exists(join(outDir, CLI_MANIFEST)));
  for (const kind of KINDS) {
    const dir = join(outDir, kind);
    if (!(await exists(dir))) continue;
    if (!ours && (await readdir(dir)).length > 0) {
      throw new SampleOutputError(`${dir} already holds exports that are not a Vigie sample; choose another folder`);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

const zeroByKind = (): Record<Kind, number> => Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;

/**
 * Generates the sample and writes it under `outDir` (`<kind>/dt=YYYY-MM-DD/part-N.<ext>`), gzipping `.gz`
 * files. Same options, same bytes.
 *
 * @example
 * const summary = await writeSample('samples/exports', { days: 120, seed: 42, endDate: '2026-11-22' });
 * console.log(summary.files, summary.malformed.total);
 */
export async function writeSample(outDir: string, input: SampleOptionsInput): Promise<SampleSummary> {
  const options = resolveSampleOptions(input);
  await prepare(outDir);
  await writeFile(join(outDir, SAMPLE_MARKER), `${JSON.stringify(options)}\n`);

  const records = zeroByKind();
  const duplicates = zeroByKind();
  const malformedByKind = zeroByKind();
  const filesByKind = zeroByKind();
  const byReason = Object.fromEntries(MALFORMED_REASONS.map((r) => [r, 0])) as Record<MalformedReason, number>;
  const defects: PlantedDefect[] = [];
  // One mkdir promise per folder: files of the same folder are written concurrently, and each must
  // wait for the folder to exist, not merely for someone to have started creating it.
  const dirs = new Map<string, Promise<unknown>>();
  let files = 0;
  let bytes = 0;
  let uncompressedBytes = 0;

  const write = async (file: SampleFile) => {
    const path = join(outDir, file.path);
    const dir = dirname(path);
    let made = dirs.get(dir);
    if (made === undefined) {
      made = mkdir(dir, { recursive: true });
      dirs.set(dir, made);
    }
    await made;
    const raw = Buffer.from(file.text, 'utf8');
    const body = file.gzip ? await gzip(raw) : raw;
    await writeFile(path, body);
    uncompressedBytes += raw.length;
    bytes += body.length;
  };

  const inFlight: Promise<void>[] = [];
  for (const file of sampleFiles(options)) {
    files++;
    filesByKind[file.kind]++;
    records[file.kind] += file.records;
    duplicates[file.kind] += file.duplicates;
    malformedByKind[file.kind] += file.malformed.length;
    for (const d of file.malformed) {
      byReason[d.reason]++;
      defects.push(d);
    }
    const written = write(file);
    written.catch(() => undefined); // surfaced by the await below; avoids an unhandled rejection meanwhile
    inFlight.push(written);
    if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);

  const unique = Object.fromEntries(KINDS.map((k) => [k, records[k] - duplicates[k]])) as Record<Kind, number>;
  const sum = (r: Record<Kind, number>) => KINDS.reduce((s, k) => s + r[k], 0);
  return {
    outDir,
    options,
    window: sampleWindow(options),
    files,
    bytes,
    uncompressedBytes,
    records,
    unique,
    duplicates: { total: sum(duplicates), byKind: duplicates },
    malformed: { total: defects.length, byKind: malformedByKind, byReason, defects },
    filesByKind,
  };
}
