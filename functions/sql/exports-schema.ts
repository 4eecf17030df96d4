/**
 * The one schema of the event exports (docs/spec.md §1): every reader (DuckDB staging here, Glue DDL later)
 * is generated from it, so a field cannot mean one thing to one reader and another to the next.
 */

export type FieldType =
  | { readonly type: 'string' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'timestamp' }
  | { readonly type: 'date' }
  | { readonly type: 'duration' }
  | { readonly type: 'number' }
  | { readonly type: 'count' }
  | { readonly type: 'boolean' };

export interface FieldSpec {
  readonly name: string;
  readonly required: boolean;
  readonly field: FieldType;
  /** Column name in the staged table when the field's name is an SQL keyword (`end`, `at`, `date`). */
  readonly column?: string;
}

export const EXPORT_KINDS = ['contacts', 'tickets', 'surveys', 'agent_days', 'customers', 'orders', 'costs'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface KindSpec {
  readonly kind: ExportKind;
  /** Fields whose values together identify a record; duplicates keep the latest `updated_at`. */
  readonly identity: readonly string[];
  /**
   * `window`: the period's own partitions hold every record of the period (partitioned by the
   * timestamp that places it). `history`: a record of the period may sit in any older partition
   * (a ticket resolved today was created last month), so every partition up to the period's end is read.
   */
  readonly reach: 'window' | 'history';
  readonly fields: readonly FieldSpec[];
}

export const CHANNELS = ['voice', 'email', 'chat', 'social', 'sms', 'bot'] as const;
export const SURVEY_KINDS = ['csat', 'nps', 'ces', 'esat'] as const;

/** Default survey scales when a record gives none (docs/spec.md §1). */
export const SURVEY_SCALES: Readonly<Record<(typeof SURVEY_KINDS)[number], { min: number; max: number }>> = {
  csat: { min: 1, max: 5 },
  nps: { min: 0, max: 10 },
  ces: { min: 1, max: 7 },
  esat: { min: 1, max: 5 },
};

const string = { type: 'string' } as const;
const timestamp = { type: 'timestamp' } as const;
const duration = { type: 'duration' } as const;
const boolean = { type: 'boolean' } as const;
const number = { type: 'number' } as const;
const req = (name: string, field: FieldType, column?: string): FieldSpec => ({ name, required: true, field, column });
const opt = (name: string, field: FieldType, column?: string): FieldSpec => ({ name, required: false, field, column });

export const EXPORT_SCHEMA: Readonly<Record<ExportKind, KindSpec>> = {
  contacts: {
    kind: 'contacts',
    identity: ['id'],
    reach: 'window',
    fields: [
      req('id', string),
      req('channel', { type: 'enum', values: CHANNELS }),
      req('direction', { type: 'enum', values: ['inbound', 'outbound'] }),
      req('offered_at', timestamp),
      opt('updated_at', timestamp),
      opt('queue', string),
      opt('team', string),
      opt('agent', string),
      opt('customer', string),
      opt('reason', string),
      opt('answered_at', timestamp),
      opt('first_response_at', timestamp),
      opt('ended_at', timestamp),
      opt('wait_s', duration),
      opt('talk_s', duration),
      opt('hold_s', duration),
      opt('acw_s', duration),
      opt('outcome', { type: 'enum', values: ['handled', 'abandoned', 'deflected', 'missed'] }),
      opt('resolved_first_contact', boolean),
      opt('converted', boolean),
      opt('selfcare_redirect', boolean),
      opt('ticket', string),
      opt('transcript', string),
    ],
  },
  tickets: {
    kind: 'tickets',
    identity: ['id'],
    reach: 'history',
    fields: [
      req('id', string),
      req('created_at', timestamp),
      opt('updated_at', timestamp),
      opt('channel', { type: 'enum', values: CHANNELS }),
      opt('queue', string),
      opt('team', string),
      opt('agent', string),
      opt('customer', string),
      opt('reason', string),
      opt('first_response_at', timestamp),
      opt('resolved_at', timestamp),
      opt('contacts_count', { type: 'count' }),
      opt('reopened', boolean),
    ],
  },
  surveys: {
    kind: 'surveys',
    identity: ['id'],
    reach: 'window',
    fields: [
      req('id', string),
      req('kind', { type: 'enum', values: SURVEY_KINDS }),
      req('score', number),
      req('answered_at', timestamp),
      opt('updated_at', timestamp),
      opt('scale_min', number),
      opt('scale_max', number),
      opt('contact', string),
      opt('ticket', string),
      opt('team', string),
      opt('queue', string),
      opt('agent', string),
      opt('channel', { type: 'enum', values: CHANNELS }),
      opt('comment', string),
    ],
  },
  agent_days: {
    kind: 'agent_days',
    identity: ['agent', 'date'],
    reach: 'window',
    fields: [
      req('agent', string),
      req('date', { type: 'date' }, 'local_date'),
      req('scheduled_s', duration),
      opt('updated_at', timestamp),
      opt('team', string),
      opt('worked', boolean),
      opt('absent_s', duration),
    ],
  },
  customers: {
    kind: 'customers',
    identity: ['id'],
    reach: 'history',
    fields: [
      req('id', string),
      req('acquired_at', timestamp),
      opt('updated_at', timestamp),
      opt('churned_at', timestamp),
      opt('segment', string),
    ],
  },
  orders: {
    kind: 'orders',
    identity: ['id'],
    reach: 'history',
    fields: [
      req('id', string),
      req('customer', string),
      req('at', timestamp, 'ordered_at'),
      opt('updated_at', timestamp),
      opt('amount', number),
      opt('currency', string),
    ],
  },
  costs: {
    kind: 'costs',
    identity: ['id'],
    reach: 'history',
    fields: [
      req('id', string),
      req('start', timestamp, 'start_at'),
      req('end', timestamp, 'end_at'),
      req('amount', number),
      opt('updated_at', timestamp),
      opt('currency', string),
      opt('team', string),
      opt('category', string),
    ],
  },
};

/**
 * How many cells of a CSV row Athena reads (the `_csv` Glue tables' `c01`…`c40`): more than any kind's
 * fields, so unknown columns fit too. A row is digested (`csvRecordText`) over as many cells on both engines.
 */
export const CSV_COLUMNS = 40;

/** The staged column name of a field. */
export function columnOf(field: FieldSpec): string {
  return field.column ?? field.name;
}

/** How an export file is written, from its name. */
export type ExportFormat = 'ndjson' | 'csv';

/**
 * The format an export file's name says (docs/spec.md §1: `.ndjson[.gz]` or `.csv[.gz]`; `.jsonl` is the
 * other usual name of NDJSON), or `null`: an `unsupported_file` on every engine. A `.json` file is
 * refused: it usually holds one document, not one record per line.
 */
export function exportFormatOf(name: string): ExportFormat | null {
  const base = name.toLowerCase().replace(/\.gz$/, '');
  if (base.endsWith('.ndjson') || base.endsWith('.jsonl')) return 'ndjson';
  if (base.endsWith('.csv')) return 'csv';
  return null;
}
