/**
 * What a run costs on Athena, predicted before (or without) running there: Athena reads whole files
 * and bills the bytes of the files a query names, so a query's scan is the size of its export kinds'
 * files, and a run's is the sum over its queries. Pure: file sizes and SQL texts in, figures out.
 */
import { EXPORT_KINDS, type ExportKind } from './exports-schema.js';

// Athena bills in binary units: the console's "Data scanned" and the Cost and Usage Report count
// 1 MB = 2^20 bytes, and $5 per TB (2^40 bytes) is $5 per 2^20 MB.
const MB = 2 ** 20;
const USD_PER_MB = 5 / 2 ** 20;
const MINIMUM_MB = 10;

/**
 * Cost of one query in US dollars. https://aws.amazon.com/athena/pricing/ : "$5.00 per TB of data
 * scanned", "rounded up to the nearest megabyte, with a 10 MB minimum per query". A query that
 * scanned nothing (DDL, a reused result) is not billed, so it costs 0 rather than the minimum.
 * @example costOfBytes(3 * 2 ** 30) // 3072 MB → 0.0146484375
 */
export function costOfBytes(bytes: number): number {
  if (!(bytes > 0)) return 0;
  return Math.max(MINIMUM_MB, Math.ceil(bytes / MB)) * USD_PER_MB;
}

/** The export kinds a query of the portable SQL reads (the tables named after FROM or JOIN). */
export function kindsReadBy(sql: string): ExportKind[] {
  return EXPORT_KINDS.filter((kind) => new RegExp(`\\b(FROM|JOIN)\\s+${kind}\\b`, 'i').test(sql));
}

/** A predicted Athena bill: how many queries, the bytes they scan, and their cost. */
export interface ScanEstimate {
  readonly queries: number;
  readonly bytes: number;
  readonly costUsd: number;
}

/**
 * The Athena scan of a run: staging runs two queries per kind that has files (record counts, then
 * rejects), each reading that kind's files; each facts query then reads the files of every kind it
 * names, because staging is a prefix of common table expressions, not a stored table. Each kind whose
 * partitions the run compacts is one more query (an UNLOAD) reading their export files once (`compactions`: its bytes).
 */
export function estimateScan(
  files: readonly { readonly kind: string; readonly size: number }[],
  queries: readonly string[],
  compactions: readonly number[] = [],
): ScanEstimate {
  const bytesOf = new Map<string, number>();
  for (const f of files) if (f.size > 0) bytesOf.set(f.kind, (bytesOf.get(f.kind) ?? 0) + f.size);
  const scans = [
    ...[...bytesOf.values()].flatMap((bytes) => [bytes, bytes]),
    ...queries.map((sql) => kindsReadBy(sql).reduce((sum, kind) => sum + (bytesOf.get(kind) ?? 0), 0)),
    ...compactions,
  ];
  return {
    queries: scans.length,
    bytes: scans.reduce((a, b) => a + b, 0),
    costUsd: scans.reduce((sum, bytes) => sum + costOfBytes(bytes), 0),
  };
}
