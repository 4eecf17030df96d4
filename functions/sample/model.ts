/**
 * The shape of generated records: the seven export kinds of docs/spec.md §1, their columns (SPEC field names, plus a
 * few fields a real tool would add and a reader must ignore), and the planted defects.
 */

import { EXPORT_KINDS, type ExportKind } from '../sql/exports-schema.js';

/** The export kinds, as the one exports schema names them. */
export const KINDS = EXPORT_KINDS;
export type Kind = ExportKind;

export type FieldValue = string | number | boolean;
/** One record's fields in column order; `undefined` is an absent field (omitted in NDJSON, empty cell in CSV). */
export type Fields = Record<string, FieldValue | undefined>;

/** A generated record before encoding. */
export interface SampleRecord {
  readonly kind: Kind;
  /** Which export file of the partition holds it (contacts: 0 telephony, 1 digital channels). */
  readonly part: number;
  /** The main timestamp (epoch ms) whose UTC date is the partition; also the order inside a file. */
  readonly ms: number;
  /** Partition date, `YYYY-MM-DD`. */
  readonly dt: string;
  readonly fields: Fields;
}

/**
 * Columns per kind, in export order. Fields not in SPEC (`source`, `priority`, `name`, `label`, customers'
 * `updated_at`) are what real exports carry beside the contract: SPEC says they are kept out of the way.
 */
export const COLUMNS: Readonly<Record<Kind, readonly string[]>> = {
  contacts: [
    'id',
    'updated_at',
    'channel',
    'direction',
    'offered_at',
    'queue',
    'team',
    'agent',
    'customer',
    'reason',
    'answered_at',
    'first_response_at',
    'ended_at',
    'wait_s',
    'talk_s',
    'hold_s',
    'acw_s',
    'outcome',
    'resolved_first_contact',
    'converted',
    'selfcare_redirect',
    'ticket',
    'transcript',
    'source',
  ],
  tickets: [
    'id',
    'updated_at',
    'created_at',
    'channel',
    'queue',
    'team',
    'agent',
    'customer',
    'reason',
    'first_response_at',
    'resolved_at',
    'contacts_count',
    'reopened',
    'priority',
  ],
  surveys: [
    'id',
    'kind',
    'score',
    'scale_min',
    'scale_max',
    'answered_at',
    'contact',
    'ticket',
    'team',
    'queue',
    'agent',
    'channel',
    'comment',
  ],
  agent_days: ['agent', 'name', 'date', 'team', 'scheduled_s', 'worked', 'absent_s'],
  customers: ['id', 'acquired_at', 'churned_at', 'segment', 'updated_at'],
  orders: ['id', 'customer', 'at', 'amount', 'currency'],
  costs: ['id', 'start', 'end', 'amount', 'currency', 'team', 'category', 'label'],
};

/** The field whose UTC date is the partition of a record (docs/spec.md §1: "the record's main timestamp"). */
export const MAIN_TIMESTAMP: Readonly<Record<Kind, string>> = {
  contacts: 'offered_at',
  tickets: 'created_at',
  surveys: 'answered_at',
  agent_days: 'date',
  customers: 'acquired_at',
  orders: 'at',
  costs: 'start',
};

/** The kinds of unreadable record the sample plants, one per reject cause docs/spec.md §1 names. */
export const MALFORMED_REASONS = [
  'bad_json',
  'missing_required',
  'wrong_type',
  'negative_duration',
  'timestamp_before_2000',
  'unknown_channel',
  'csv_column_count',
] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

/** One planted unreadable record: where it is and why a reader must reject it. */
export interface PlantedDefect {
  readonly path: string;
  readonly kind: Kind;
  /** 1-based physical line in the uncompressed file (a CSV header is line 1). */
  readonly line: number;
  readonly reason: MalformedReason;
}
