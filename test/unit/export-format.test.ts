/** Which files are exports (docs/spec.md §1): one rule for the DuckDB and the Athena engine. */
import { describe, expect, it } from 'vitest';
import { exportFormatOf } from '../../functions/sql/exports-schema.js';

describe('exportFormatOf', () => {
  it.each([
    ['part-0.ndjson', 'ndjson'],
    ['part-0.ndjson.gz', 'ndjson'],
    ['PART-0.NDJSON.GZ', 'ndjson'],
    ['part-0.jsonl', 'ndjson'],
    ['tickets.csv', 'csv'],
    ['tickets.csv.gz', 'csv'],
  ])('reads %s as %s', (name, format) => {
    expect(exportFormatOf(name)).toBe(format);
  });

  it.each(['export.json', 'export.json.gz', 'notes.txt', 'part-0', 'part.gz', 'ndjson'])(
    'refuses %s as an unsupported file',
    (name) => {
      expect(exportFormatOf(name)).toBeNull();
    },
  );
});
