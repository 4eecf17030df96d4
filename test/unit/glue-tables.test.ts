import { describe, expect, it } from 'vitest';
import { EXPORT_KINDS } from '../../functions/sql/exports-schema.js';
import {
  CSV_COLUMNS,
  CTR_TABLE,
  createTableDdl,
  glueDdl,
  glueTableName,
  glueTables,
  LAZY_SIMPLE_SERDE,
  OPEN_CSV_SERDE,
  PARQUET_SERDE,
} from '../../functions/sql/glue-tables.js';
import { checkedColumns } from '../../functions/sql/staging.js';

const layout = { exportsBucket: 'acme-exports', exportsPrefix: 'vigie/' };
const withCtr = { ...layout, ctr: { bucket: 'acme-archive', prefix: 'connect-ctr/' } };
const withCompacted = { ...withCtr, compacted: { bucket: 'acme-archive', prefix: 'compacted/' } };

describe('glueTables', () => {
  it('has a lines and a csv table per export kind, and the CTR table only when configured', () => {
    // Act
    const names = glueTables(layout).map((t) => t.name);
    const withCtrNames = glueTables(withCtr).map((t) => t.name);

    // Assess
    expect(names).toEqual(EXPORT_KINDS.flatMap((k) => [`${k}_lines`, `${k}_csv`]));
    expect(names).not.toContain(CTR_TABLE);
    expect(withCtrNames).toEqual([...names, 'connect_ctr_lines']);
    expect(glueTableName('agent_days', 'csv')).toBe('agent_days_csv');
  });

  it('reads each physical line as one row, split on a character that never occurs in text', () => {
    const lines = glueTables(layout).find((t) => t.name === 'contacts_lines');

    expect(lines?.columns).toEqual([{ name: 'line', type: 'string' }]);
    expect(lines?.partitionKeys).toEqual([{ name: 'dt', type: 'string' }]);
    expect(lines?.serde.library).toBe(LAZY_SIMPLE_SERDE);
    expect(lines?.serde.parameters['field.delim']).toBe('\u0001');
    expect(lines?.inputFormat).toBe('org.apache.hadoop.mapred.TextInputFormat');
    expect(lines?.outputFormat).toBe('org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat');
    expect(lines?.location).toBe('s3://acme-exports/vigie/contacts/');
  });

  it('reads CSV cells c01..c40 with OpenCSVSerde, skipping the header, over the same location', () => {
    const csv = glueTables(layout).find((t) => t.name === 'tickets_csv');

    expect(csv?.columns).toHaveLength(CSV_COLUMNS);
    expect(csv?.columns[0]?.name).toBe('c01');
    expect(csv?.columns.at(-1)?.name).toBe('c40');
    expect(csv?.serde).toEqual({
      library: OPEN_CSV_SERDE,
      parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
    });
    expect(csv?.parameters['skip.header.line.count']).toBe('1');
    expect(csv?.location).toBe('s3://acme-exports/vigie/tickets/');
  });

  // From 2000-01-01: docs/spec.md §1 accepts a record as old as that, and a projected range that starts
  // later silently hides its partition from every query.
  it('projects dt as a date partition from 2000-01-01 up to tomorrow, under Hive-style dt= folders', () => {
    const table = glueTables({ exportsBucket: 'b', exportsPrefix: '' }).find((t) => t.name === 'orders_lines');

    expect(table?.location).toBe('s3://b/orders/');
    expect(table?.parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2000-01-01,NOW+1DAYS',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholder, not a JS template
      'storage.location.template': 's3://b/orders/dt=${dt}/',
    });
  });

  it('reads CTR objects where they are staged as NDJSON, one partition per delivery date', () => {
    const ctr = glueTables(withCtr).find((t) => t.name === CTR_TABLE);

    // Not Firehose's own objects: records back to back (`{…}{…}`) would be one line (connect-ctr-staging.ts).
    expect(ctr?.location).toBe('s3://acme-archive/connect-ctr/');
    expect(ctr?.columns).toEqual([{ name: 'line', type: 'string' }]);
    expect(ctr?.parameters).toMatchObject({
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2000-01-01,NOW+1DAYS',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholder, not a JS template
      'storage.location.template': 's3://acme-archive/connect-ctr/dt=${dt}/',
    });
  });
});

describe('the state tables of the history kinds', () => {
  it('exist with a compacted location, one per history kind, one folder per snapshot the query injects', () => {
    const tables = glueTables({ ...layout, compacted: { bucket: 'acme-archive', prefix: 'compacted/' } });
    const state = tables.filter((t) => t.name.endsWith('_state'));

    expect(state.map((t) => t.name)).toEqual(['tickets_state', 'customers_state', 'orders_state', 'costs_state']);
    const tickets = state[0];
    expect(tickets?.location).toBe('s3://acme-archive/compacted/state/tickets/');
    expect(tickets?.partitionKeys).toEqual([{ name: 'snapshot', type: 'string' }]);
    expect(tickets?.parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.snapshot.type': 'injected',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholder, not a JS template
      'storage.location.template': 's3://acme-archive/compacted/state/tickets/${snapshot}/',
    });
    expect(tickets?.columns.slice(0, 6)).toEqual([
      { name: 'dt', type: 'string' },
      { name: 'file', type: 'string' },
      { name: 'version_updated', type: 'double' },
      { name: 'version_sha', type: 'string' },
      { name: 'read_by', type: 'string' },
      { name: 'id', type: 'string' },
    ]);
    expect(glueTables(layout).some((t) => t.name.endsWith('_state'))).toBe(false);
  });
});

describe('the checked tables of compacted partitions', () => {
  it('exist only with a compacted location, one per kind, typed as the engine writes them', () => {
    const names = glueTables(withCompacted).map((t) => t.name);
    expect(names.filter((n) => n.endsWith('_checked'))).toEqual(EXPORT_KINDS.map((k) => `${k}_checked`));
    expect(glueTables(withCtr).some((t) => t.name.endsWith('_checked'))).toBe(false);

    const surveys = glueTables(withCompacted).find((t) => t.name === 'surveys_checked');
    expect(surveys?.serde.library).toBe(PARQUET_SERDE);
    expect(surveys?.location).toBe('s3://acme-archive/compacted/surveys/');
    expect(surveys?.columns.map((c) => c.name)).toEqual(['file', ...checkedColumns('surveys').map((c) => c.name)]);
    expect(surveys?.columns).toContainEqual({ name: 'line', type: 'bigint' });
    expect(surveys?.columns).toContainEqual({ name: 'v_score', type: 'double' });
    expect(surveys?.columns).toContainEqual({ name: 'v_kind', type: 'string' });
    expect(surveys?.columns).toContainEqual({ name: 'scale_hi', type: 'double' });
    const contacts = glueTables(withCompacted).find((t) => t.name === 'contacts_checked');
    expect(contacts?.columns).toContainEqual({ name: 'v_converted', type: 'boolean' });
    expect(contacts?.parameters).toMatchObject({
      classification: 'parquet',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholder, not a JS template
      'storage.location.template': 's3://acme-archive/compacted/contacts/dt=${dt}/',
    });
  });
});

describe('createTableDdl', () => {
  it('escapes the control-character delimiter and backslashes as Hive literals', () => {
    const [lines, csv] = glueTables(layout);
    if (lines === undefined || csv === undefined) throw new Error('no tables');

    expect(createTableDdl(lines, 'vigie')).toContain("'field.delim' = '\\u0001'");
    expect(createTableDdl(csv, 'vigie')).toContain("'escapeChar' = '\\\\'");
    const controls = [...glueDdl(layout, 'vigie')].filter((c) => c !== '\n' && c.charCodeAt(0) < 0x20);
    expect(controls).toEqual([]);
  });

  it('matches the DDL snapshot', () => {
    expect(glueDdl(withCompacted, 'vigie')).toMatchSnapshot();
  });
});
