/**
 * Turns one partition's records of one kind into an export file: picks its format (NDJSON or CSV, gzipped or
 * not), serialises, and plants unreadable records at about 0.1 %, remembering each one's line and reason.
 */
import {
  COLUMNS,
  type Fields,
  type FieldValue,
  type Kind,
  type MalformedReason,
  type PlantedDefect,
  type SampleRecord,
} from './model.js';
import { Random } from './random.js';
import { epochDay } from './time.js';

/** One export file, uncompressed; the writer gzips it when `gzip` is set. */
export interface SampleFile {
  /** Relative path, `<kind>/dt=YYYY-MM-DD/part-N.ndjson.gz`. */
  readonly path: string;
  readonly kind: Kind;
  readonly dt: string;
  readonly format: 'ndjson' | 'csv';
  readonly gzip: boolean;
  readonly text: string;
  /** Readable records in the file, superseded versions included, planted malformed records excluded. */
  readonly records: number;
  /** Readable records whose id an other readable record of the file also has (the superseded versions). */
  readonly duplicates: number;
  readonly malformed: readonly PlantedDefect[];
}

/** Share of records followed by a planted unreadable sibling. */
export const MALFORMED_RATE = 0.001;

interface Format {
  readonly format: 'ndjson' | 'csv';
  readonly gzip: boolean;
}

const NDJSON_GZ: Format = { format: 'ndjson', gzip: true };
const NDJSON: Format = { format: 'ndjson', gzip: false };
const CSV_GZ: Format = { format: 'csv', gzip: true };
const CSV: Format = { format: 'csv', gzip: false };

/**
 * The format of a file, cycling with the date so that any few consecutive days mix formats, as exports
 * from several tools do: the telephony export is mostly NDJSON.gz with a CSV.gz day each week, the digital
 * channels' export changes format more often, surveys and workforce exports are CSV.
 */
export function formatFor(kind: Kind, part: number, dt: string, count: number): Format {
  const d = epochDay(dt);
  switch (kind) {
    case 'contacts':
      if (part === 0) return d % 7 === 3 ? CSV_GZ : NDJSON_GZ;
      return [NDJSON_GZ, NDJSON_GZ, NDJSON, CSV, NDJSON_GZ][d % 5] ?? NDJSON_GZ;
    case 'tickets':
      return d % 4 === 0 ? NDJSON : NDJSON_GZ;
    case 'surveys':
      return d % 3 === 0 ? CSV_GZ : CSV;
    case 'agent_days':
    case 'costs':
      return CSV;
    case 'customers':
      if (count > 1000) return CSV_GZ;
      return d % 4 === 0 ? CSV : NDJSON;
    case 'orders':
      if (count > 1000) return CSV_GZ;
      return d % 3 === 1 ? CSV : NDJSON_GZ;
  }
}

/** A quote, comma or line break inside a cell, which must then be quoted. */
const SPECIAL = /[",\r\n]/;
const SPACE = /\s/;

/**
 * A CSV cell, quoted when it holds a quote, comma or line break, or starts or ends with a space. Tested
 * without one regex of alternatives anchored at both ends, which costs a second on the third of a
 * million rows of the legacy customer base.
 */
function csvCell(value: FieldValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const quote =
    value.length > 0 &&
    (SPECIAL.test(value) || SPACE.test(value.charAt(0)) || SPACE.test(value.charAt(value.length - 1)));
  return quote ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvCells(kind: Kind, fields: Fields): string[] {
  return COLUMNS[kind].map((c) => csvCell(fields[c]));
}

function ndjsonLine(fields: Fields): string {
  return JSON.stringify(fields);
}

/** Field-level breakages per kind: which field a reason touches, and the bad value. */
const BREAKAGES: Readonly<Record<Kind, Partial<Record<MalformedReason, (f: Fields, rng: Random) => void>>>> = {
  contacts: {
    missing_required: (f, rng) => {
      f[rng.pick(['offered_at', 'channel', 'direction'])] = undefined;
    },
    wrong_type: (f) => {
      f.wait_s = 'abc';
    },
    negative_duration: (f, rng) => {
      const field = f.talk_s !== undefined ? 'talk_s' : 'wait_s';
      f[field] = -rng.int(5, 400);
    },
    timestamp_before_2000: (f, rng) => {
      f.offered_at = rng.pick(['1999-12-31T23:00:00Z', '1970-01-01T00:00:00Z']);
    },
    unknown_channel: (f, rng) => {
      f.channel = rng.pick(['fax', 'pigeon', 'telex']);
    },
  },
  tickets: {
    missing_required: (f) => {
      f.created_at = undefined;
    },
    wrong_type: (f) => {
      f.contacts_count = 'deux';
    },
    timestamp_before_2000: (f) => {
      f.created_at = '1999-06-30T12:00:00+02:00';
    },
  },
  surveys: {
    missing_required: (f) => {
      f.score = undefined;
    },
    wrong_type: (f) => {
      f.score = 'abc';
    },
    timestamp_before_2000: (f) => {
      f.answered_at = '1970-01-01T00:00:00Z';
    },
  },
  agent_days: {
    missing_required: (f) => {
      f.scheduled_s = undefined;
    },
    wrong_type: (f) => {
      f.scheduled_s = '7h';
    },
    negative_duration: (f) => {
      f.absent_s = -3600;
    },
  },
  customers: {
    missing_required: (f) => {
      f.acquired_at = undefined;
    },
    timestamp_before_2000: (f) => {
      f.acquired_at = '1999-12-31T23:59:59Z';
    },
  },
  orders: {
    missing_required: (f) => {
      f.customer = undefined;
    },
    wrong_type: (f) => {
      f.amount = 'abc';
    },
    timestamp_before_2000: (f) => {
      f.at = '1970-01-01T00:00:00Z';
    },
  },
  costs: {
    missing_required: (f) => {
      f.amount = undefined;
    },
    wrong_type: (f) => {
      f.amount = 'abc';
    },
    timestamp_before_2000: (f) => {
      f.start = '1999-01-01T00:00:00+01:00';
    },
  },
};

/** The key that makes records of a kind "one record" (SPEC: the `id`; agent days have none: agent and date). */
export function recordKey(kind: Kind, fields: Fields): string {
  return kind === 'agent_days' ? `${String(fields.agent)}|${String(fields.date)}` : String(fields.id);
}

/** Builds the unreadable line for `reason` from a readable record. */
function malformedLine(
  kind: Kind,
  format: Format,
  fields: Fields,
  reason: MalformedReason,
  serial: number,
  rng: Random,
) {
  const broken: Fields = { ...fields };
  // A fresh id, so a planted record never competes with a readable one in deduplication.
  if (kind !== 'agent_days') broken.id = `${String(fields.id)}-x${serial}`;
  else broken.agent = `${String(fields.agent)}-x${serial}`;
  if (reason === 'bad_json') {
    const line = ndjsonLine(broken);
    return line.slice(0, Math.floor(line.length * (0.4 + 0.4 * rng.next())));
  }
  if (reason === 'csv_column_count') {
    const cells = csvCells(kind, broken);
    if (rng.chance(0.5)) cells.splice(rng.int(1, cells.length - 1), 1);
    else cells.push('inattendu');
    return cells.join(',');
  }
  const breakage = BREAKAGES[kind][reason];
  if (!breakage) throw new RangeError(`no ${reason} breakage for ${kind}`);
  breakage(broken, rng);
  return format.format === 'csv' ? csvCells(kind, broken).join(',') : ndjsonLine(broken);
}

function reasonsFor(kind: Kind, format: Format): MalformedReason[] {
  const reasons = Object.keys(BREAKAGES[kind]) as MalformedReason[];
  reasons.push(format.format === 'csv' ? 'csv_column_count' : 'bad_json');
  return reasons;
}

/**
 * Encodes one file. Records are written in main-timestamp order (a stable sort keeps a superseded version
 * next to its successor); malformed siblings are inserted at random lines.
 */
export function encodeFile(
  seed: number,
  kind: Kind,
  dt: string,
  part: number,
  records: readonly SampleRecord[],
  formatOverride?: Format,
): SampleFile {
  const format = formatOverride ?? formatFor(kind, part, dt, records.length);
  const ext = `${format.format}${format.gzip ? '.gz' : ''}`;
  const path = `${kind}/dt=${dt}/part-${part}.${ext}`;
  const rng = new Random(seed).fork('defects', path);

  const sorted = [...records].sort((a, b) => a.ms - b.ms);
  // Loops rather than map/spread chains: the legacy customer base alone is a third of a million rows.
  const csv = format.format === 'csv';
  const columns = COLUMNS[kind];
  const texts: string[] = new Array(sorted.length);
  const keys = new Set<string>();
  for (let i = 0; i < sorted.length; i++) {
    const fields = (sorted[i] as SampleRecord).fields;
    let text = '';
    if (csv) {
      for (let c = 0; c < columns.length; c++) text += (c === 0 ? '' : ',') + csvCell(fields[columns[c] as string]);
    } else text = ndjsonLine(fields);
    texts[i] = text;
    keys.add(recordKey(kind, fields));
  }
  const duplicates = sorted.length - keys.size;

  // Planted lines are inserted one after the other at random places; each insertion's final place is
  // worked out (later insertions at or before it push it down) so the file is assembled in one pass.
  const planted = sorted.length === 0 ? 0 : Math.floor(sorted.length * MALFORMED_RATE + rng.next());
  const reasons = reasonsFor(kind, format);
  const inserted: { at: number; text: string; reason: MalformedReason }[] = [];
  for (let i = 0; i < planted; i++) {
    const source = rng.pick(sorted);
    const reason = rng.pick(reasons);
    const text = malformedLine(kind, format, source.fields, reason, i + 1, rng);
    const at = rng.int(0, sorted.length + i);
    for (const earlier of inserted) if (earlier.at >= at) earlier.at++;
    inserted.push({ at, text, reason });
  }
  inserted.sort((a, b) => a.at - b.at);

  const header = csv ? 1 : 0;
  const lines: string[] = csv ? [columns.join(',')] : [];
  const malformed: PlantedDefect[] = [];
  let next = 0;
  for (let at = 0, original = 0; at < sorted.length + inserted.length; at++) {
    const planted = inserted[next];
    if (planted !== undefined && planted.at === at) {
      lines.push(planted.text);
      malformed.push({ path, kind, line: header + at + 1, reason: planted.reason });
      next++;
    } else lines.push(texts[original++] as string);
  }
  // The workforce tool is a spreadsheet export: UTF-8 BOM and CRLF line ends (SPEC accepts both).
  const text =
    kind === 'agent_days' ? `\uFEFF${lines.join('\r\n')}\r\n` : `${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`;

  return {
    path,
    kind,
    dt,
    format: format.format,
    gzip: format.gzip,
    text,
    records: sorted.length,
    duplicates,
    malformed,
  };
}
