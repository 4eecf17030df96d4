/**
 * The one query of the ledger (docs/spec.md §1): the accepted records of every staged kind, counted per
 * partition and placed by the timestamp that partitions them, to the quarter hour (every zone's offset is
 * a multiple of one, so the pipeline places a quarter hour in exactly one local day), or by the local date
 * of an agent day. Portable like the facts SQL: one text for DuckDB and Athena.
 */
import { EXPORT_KINDS, type ExportKind } from './exports-schema.js';

/** The staged column that places a record of each kind (the UTC date of its partition is taken from it). */
const PLACED_BY: Readonly<Record<Exclude<ExportKind, 'agent_days'>, string>> = {
  contacts: 'offered_at',
  tickets: 'created_at',
  surveys: 'answered_at',
  customers: 'acquired_at',
  orders: 'ordered_at',
  costs: 'start_at',
};

/**
 * Per kind and partition: accepted records per quarter hour (`bucket`, epoch seconds) or, for agent days,
 * per local date (`day`), as `kind, dt, bucket, day, n`.
 */
export function placementSql(kinds: readonly ExportKind[] = EXPORT_KINDS): string {
  const branches = kinds.map((kind) =>
    kind === 'agent_days'
      ? `SELECT 'agent_days' AS kind, dt, CAST(NULL AS BIGINT) AS bucket, local_date AS day, COUNT(*) AS n FROM agent_days GROUP BY dt, local_date`
      : `SELECT '${kind}' AS kind, dt, CAST(floor(${PLACED_BY[kind]} / 900) AS BIGINT) * 900 AS bucket, CAST(NULL AS VARCHAR) AS day, COUNT(*) AS n FROM ${kind} GROUP BY dt, CAST(floor(${PLACED_BY[kind]} / 900) AS BIGINT) * 900`,
  );
  return branches.join('\nUNION ALL\n');
}
