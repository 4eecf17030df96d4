/**
 * Deduplication of checked records (docs/spec.md §1): one record per identity, the latest `updated_at`,
 * then the later file key, then the greater SHA-256 of its text, as the typed columns the portable aggregation SQL queries; and the count of those
 * merged into a later version of themselves.
 */
import { columnOf, EXPORT_SCHEMA, type ExportKind } from './exports-schema.js';

/** Derivations docs/spec.md §1 asks for, applied to good contacts: outcome first, then the wait it implies. */
const CONTACT_OUTCOME = `COALESCE(v_outcome, CASE WHEN v_answered_at IS NOT NULL THEN 'handled' WHEN v_direction = 'inbound' AND v_channel IN ('voice', 'chat') THEN 'abandoned' END)`;

const DERIVED: Readonly<Partial<Record<ExportKind, Readonly<Record<string, string>>>>> = {
  contacts: {
    outcome: CONTACT_OUTCOME,
    wait_s: `COALESCE(v_wait_s, CASE ${CONTACT_OUTCOME} WHEN 'handled' THEN v_answered_at - v_offered_at WHEN 'abandoned' THEN v_ended_at - v_offered_at END)`,
  },
  surveys: { scale_min: 'scale_lo', scale_max: 'scale_hi' },
};

/**
 * Rank of a good record among those sharing its identity: 1 for the one kept (docs/spec.md §1): the latest
 * `updated_at`; on a tie or without one, the later file key, then the greater SHA-256 of its text — never
 * the line, which Athena does not know, so that both engines keep the same version.
 */
export function versionRank(kind: ExportKind): string {
  return tieBreakRank(
    EXPORT_SCHEMA[kind].identity.map((name) => `v_${name}`),
    { updated: 'v_updated_at', file: 'file', sha: 'raw_sha' },
  );
}

/**
 * The docs/spec.md §1 tie-break as a window rank over rows whose identity, `updated_at`, file key and
 * SHA-256 are the given columns: checked records here, state rows in the state snapshot (functions/sql/state.ts).
 */
export function tieBreakRank(
  identity: readonly string[],
  columns: { readonly updated: string; readonly file: string; readonly sha: string },
): string {
  return `row_number() OVER (PARTITION BY ${identity.join(', ')} ORDER BY ${columns.updated} DESC NULLS LAST, ${columns.file} DESC, ${columns.sha} DESC)`;
}

/**
 * A SELECT over the checked relation keeping the good records, one per identity (`versionRank`), as the
 * typed columns the portable aggregation SQL queries.
 */
export function stagedSelect(kind: ExportKind, checked: string): string {
  const derived = DERIVED[kind] ?? {};
  const columns = EXPORT_SCHEMA[kind].fields.map((f) => `${derived[f.name] ?? `v_${f.name}`} AS ${columnOf(f)}`);
  const scales = kind === 'surveys' ? ', scale_lo, scale_hi' : '';
  const values = EXPORT_SCHEMA[kind].fields.map((f) => `v_${f.name}`).join(', ');
  // `dt`, the partition the kept record came from, is what the ledger of docs/spec.md §1 counts by.
  return `SELECT
  ${columns.join(',\n  ')},
  dt
FROM (
  SELECT file, dt, line, raw_sha, ${values}${scales}, ${versionRank(kind)} AS version_rank
  FROM ${checked}
  WHERE reason IS NULL
) ranked
WHERE version_rank = 1`;
}

/** A SELECT counting, per partition, the good records merged into a later version of themselves. */
export function duplicatesSelect(kind: ExportKind, checked: string): string {
  const identity = EXPORT_SCHEMA[kind].identity.map((name) => `v_${name}`).join(', ');
  return `SELECT dt, count(*) AS n FROM (SELECT dt, ${versionRank(kind)} AS version_rank FROM (SELECT dt, file, raw_sha, v_updated_at, ${identity} FROM ${checked} WHERE reason IS NULL) good) ranked WHERE version_rank > 1 GROUP BY dt`;
}

/**
 * `duplicatesSelect`'s counts from a kind's staged table (`stagedSelect` over `checked`, with its `dt`)
 * instead of a second ranking of every record: each good record of a partition is either kept or merged,
 * so the merged ones are its good records less its kept ones.
 */
export function duplicatesFromStaged(checked: string, staged: string): string {
  return `SELECT good.dt, good.n - COALESCE(kept.n, 0) AS n
FROM (SELECT dt, count(*) AS n FROM ${checked} WHERE reason IS NULL GROUP BY dt) good
LEFT JOIN (SELECT dt, count(*) AS n FROM ${staged} GROUP BY dt) kept ON kept.dt = good.dt
WHERE good.n > COALESCE(kept.n, 0)
ORDER BY good.dt`;
}
