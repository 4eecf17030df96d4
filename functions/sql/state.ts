/**
 * The state snapshot of the history kinds (docs/decisions/0006-state-snapshot.md): what later nights need
 * of tickets, customers, orders and costs — one row per record, its latest version — kept between nights
 * so that a night reads only the partitions that are new or changed since, never the whole history.
 *
 * Portable SQL, run as is by DuckDB and Athena: a merge of the previous state with the checked records of
 * the partitions a stage read, deduplicated by the tie-break of docs/spec.md §1, and the horizon filter
 * that keeps only what a night from the horizon on can ask about.
 */

import { tieBreakRank } from './dedupe.js';
import { columnOf, EXPORT_KINDS, EXPORT_SCHEMA, type ExportKind } from './exports-schema.js';
import { checkedColumns } from './record-checks.js';
import { sqlNumber, sqlString } from './values.js';

/** The kinds kept in a state snapshot: those a record of the period may be in any older partition of. */
export const STATE_KINDS: readonly ExportKind[] = EXPORT_KINDS.filter((k) => EXPORT_SCHEMA[k].reach === 'history');

/** True for a kind kept in the state snapshot. */
export const isStateKind = (kind: string): boolean => STATE_KINDS.includes(kind as ExportKind);

/** A column of a state row and its SQL type. */
export interface StateColumn {
  readonly name: string;
  readonly type: 'varchar' | 'double' | 'boolean';
}

/**
 * A state row: where its version was read (`dt`, `file`), what ranks it against other versions
 * (`version_updated`, `version_sha`), which stage read it (`read_by`), then the staged columns the facts
 * SQL queries, named and typed as the staged table's.
 */
export function stateColumns(kind: ExportKind): StateColumn[] {
  const typed = new Map(checkedColumns(kind).map((c) => [c.name, c.type]));
  return [
    { name: 'dt', type: 'varchar' },
    { name: 'file', type: 'varchar' },
    { name: 'version_updated', type: 'double' },
    { name: 'version_sha', type: 'varchar' },
    { name: 'read_by', type: 'varchar' },
    ...EXPORT_SCHEMA[kind].fields.map((f) => {
      const type = typed.get(`v_${f.name}`);
      return { name: columnOf(f), type: type === 'boolean' || type === 'double' ? type : 'varchar' } as const;
    }),
  ];
}

/** The staged columns of a kind, as the facts SQL reads them. */
const stagedNames = (kind: ExportKind): string[] => EXPORT_SCHEMA[kind].fields.map((f) => columnOf(f));

const names = (kind: ExportKind): string =>
  stateColumns(kind)
    .map((c) => c.name)
    .join(', ');

/** An empty state relation with the columns and types of a state row. */
export function emptyStateSelect(kind: ExportKind): string {
  const nulls = stateColumns(kind)
    .map((c) => `CAST(NULL AS ${c.type.toUpperCase()}) AS ${c.name}`)
    .join(', ');
  return `SELECT ${nulls} FROM (VALUES (1)) AS empty (x) WHERE 1 = 0`;
}

/** What one merge reads: the checked records of some partitions, and the state before it. */
export interface StateMerge {
  /** A relation with `checkedSelect`'s columns: the records of the partitions read. */
  readonly checked: string;
  /** A relation with `stateColumns`: the state before this merge. */
  readonly previous: string;
  /** The partitions whose records `checked` holds: their rows in `previous` read by another stage are replaced. */
  readonly partitions: readonly string[];
  /** The stage reading them (rows it read in an earlier merge of a partition are kept, not replaced). */
  readonly stage: string;
}

/** The versions a merge weighs: the good checked records, and the previous rows still standing. */
function candidates(kind: ExportKind, merge: StateMerge): string {
  const values = EXPORT_SCHEMA[kind].fields.map((f) => `v_${f.name} AS ${columnOf(f)}`).join(', ');
  const stage = sqlString(merge.stage);
  const replaced =
    merge.partitions.length === 0
      ? ''
      : ` WHERE NOT (dt IN (${merge.partitions.map(sqlString).join(', ')}) AND read_by <> ${stage})`;
  return `SELECT dt, file, v_updated_at AS version_updated, raw_sha AS version_sha, ${stage} AS read_by, ${values}
  FROM (${merge.checked}) checked WHERE reason IS NULL
  UNION ALL
  SELECT ${names(kind)} FROM (${merge.previous}) previous${replaced}`;
}

/** The docs/spec.md §1 tie-break over state rows: latest `updated_at`, then later file key, then greater SHA-256. */
function versionRank(kind: ExportKind): string {
  const identity = EXPORT_SCHEMA[kind].identity.map((name) => {
    const field = EXPORT_SCHEMA[kind].fields.find((f) => f.name === name);
    return field === undefined ? name : columnOf(field);
  });
  return tieBreakRank(identity, { updated: 'version_updated', file: 'file', sha: 'version_sha' });
}

/**
 * What a night whose periods start at or after `horizon` (epoch seconds) can ask of a kind: a ticket open
 * then or created since (backlog, created and resolved counts), a customer not churned before it (the
 * customer base, acquisitions, churn), a cost span not ended by it, an order placed since — and each
 * customer's first order, which tells a repeat buyer.
 */
function keepSince(kind: ExportKind, horizon: number): string {
  const h = sqlNumber(horizon);
  switch (kind) {
    case 'tickets':
      return `resolved_at IS NULL OR resolved_at >= ${h} OR created_at >= ${h}`;
    case 'customers':
      return `churned_at IS NULL OR churned_at >= ${h} OR acquired_at >= ${h}`;
    case 'costs':
      return `end_at > ${h} OR start_at >= ${h}`;
    case 'orders':
      return `ordered_at >= ${h} OR first_of_customer = 1`;
    default:
      throw new RangeError(`${kind} is not kept in the state snapshot`);
  }
}

/**
 * The state after a merge: one row per record, its winning version, with `stateColumns`. With a horizon,
 * only what nights from the horizon on need is kept (the last merge of a stage); without, every winner (a
 * merge the stage will merge more partitions into: dropping a record there could let an older version of
 * it, read by a later merge, win).
 */
export function stateMergeSelect(kind: ExportKind, merge: StateMerge, horizon?: number): string {
  const columns = names(kind);
  const winners = `SELECT ${columns} FROM (
  SELECT ${columns}, ${versionRank(kind)} AS version_rank
  FROM (
  ${candidates(kind, merge)}
  ) candidates
) ranked WHERE version_rank = 1`;
  if (horizon === undefined) return winners;
  if (kind === 'orders') {
    return `SELECT ${columns} FROM (
  SELECT ${columns}, row_number() OVER (PARTITION BY customer ORDER BY ordered_at, id) AS first_of_customer
  FROM (${winners}) winners
) ranked_orders WHERE ${keepSince(kind, horizon)}`;
  }
  return `SELECT ${columns} FROM (${winners}) winners WHERE ${keepSince(kind, horizon)}`;
}

/**
 * Per partition read by the stage, its good records that lost to another version of themselves (merged
 * duplicates), weighed against the previous state as the merge weighs them.
 */
export function stateDuplicatesSelect(kind: ExportKind, merge: StateMerge): string {
  return `SELECT dt, count(*) AS n FROM (
  SELECT dt, read_by, ${versionRank(kind)} AS version_rank
  FROM (
  ${candidates(kind, merge)}
  ) candidates
) ranked WHERE version_rank > 1 AND read_by = ${sqlString(merge.stage)} GROUP BY dt`;
}

/** The staged table of a kind read from its state: its partition (for the ledger) and the columns the facts SQL queries. */
export function stateStagedSelect(kind: ExportKind, state: string): string {
  return `SELECT ${stagedNames(kind).join(', ')}, dt FROM ${state}`;
}
