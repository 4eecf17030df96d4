/**
 * What a run costs on Athena, predicted before (or without) running there: Athena reads whole files
 * and bills the bytes of the files a query names, once per reference, so a query's scan is the size of
 * what its export kinds are read from times how often it names them, and a run's is the sum over its
 * queries. Pure: sizes and SQL texts in, figures out.
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
  return EXPORT_KINDS.filter((kind) => kindReferences(sql, kind) > 0);
}

/**
 * How many times a query names a kind's table after FROM or JOIN. On Athena each is a scan of its own:
 * staging is a common table expression, and Trino evaluates one once per reference (a table named twice
 * is read, and billed, twice).
 */
export function kindReferences(sql: string, kind: ExportKind): number {
  return [...sql.matchAll(new RegExp(`\\b(FROM|JOIN)\\s+${kind}\\b`, 'gi'))].length;
}

/** A predicted Athena bill: how many queries, the bytes they scan, and their cost. */
export interface ScanEstimate {
  readonly queries: number;
  readonly bytes: number;
  readonly costUsd: number;
}

/**
 * The Athena scan of a run. `reads` are what a query naming a kind scans, per object (its files, or its
 * state snapshot: docs/decisions/0006-state-snapshot.md); each facts query scans, for each reference to a
 * kind, all of that kind's reads. `staging` is the bytes of each staging query, as the engine ran them;
 * without it, two per kind with files (its record counts, then its rejects), each reading the kind's
 * files. `extra` are further queries (compactions), by the bytes each reads.
 */
export function estimateScan(
  reads: readonly { readonly kind: string; readonly size: number }[],
  queries: readonly string[],
  options: { readonly staging?: readonly number[]; readonly extra?: readonly number[] } = {},
): ScanEstimate {
  const bytesOf = new Map<string, number>();
  for (const f of reads) if (f.size > 0) bytesOf.set(f.kind, (bytesOf.get(f.kind) ?? 0) + f.size);
  const scans = [
    ...(options.staging ?? [...bytesOf.values()].flatMap((bytes) => [bytes, bytes])),
    ...queries.map((sql) =>
      EXPORT_KINDS.reduce((sum, kind) => sum + kindReferences(sql, kind) * (bytesOf.get(kind) ?? 0), 0),
    ),
    ...(options.extra ?? []),
  ];
  return {
    queries: scans.length,
    bytes: scans.reduce((a, b) => a + b, 0),
    costUsd: scans.reduce((sum, bytes) => sum + costOfBytes(bytes), 0),
  };
}
