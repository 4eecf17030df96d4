/**
 * The facts SQL as Athena takes it ("Use parameterized queries", Athena user guide): `?` parameters in
 * WHERE clauses only, and each staged table named once per query (a CTE is evaluated, and billed, once
 * per reference). Values that are not parameters are literals: a keyword with a quote stays one string.
 */
import { describe, expect, it } from 'vitest';
import { dayPeriod } from '../../functions/engine/periods.js';
import { factsQueries } from '../../functions/pipeline/read-facts.js';
import { kindReferences } from '../../functions/sql/athena-scan.js';
import { EXPORT_KINDS } from '../../functions/sql/exports-schema.js';
import { breakdownFactsSql } from '../../functions/sql/facts.js';
import { sqlNumber } from '../../functions/sql/values.js';
import { placeholdersOutsideWhere, tokenize } from '../../local-aws/athena-rules.js';

const OPTIONS = {
  thresholds: { serviceLevelSeconds: 20, shortAbandonSeconds: 5.5, socialReplySeconds: 3600 },
  keywords: ["l'attente", 'panne'],
  verbatims: 5,
};

describe('the facts SQL', () => {
  const texts = factsQueries(dayPeriod('2026-11-22', 'Europe/Paris'), OPTIONS);

  it.each(texts.map((t, i) => [i, t] as const))('query %i puts ? in WHERE only, one per parameter', (_i, text) => {
    expect(placeholdersOutsideWhere(text.sql)).toEqual([]);
    expect(tokenize(text.sql).filter((t) => t.kind === 'param')).toHaveLength(text.params.length);
  });

  it('names each staged table at most once per query', () => {
    for (const text of texts)
      for (const kind of EXPORT_KINDS) expect(kindReferences(text.sql, kind)).toBeLessThanOrEqual(1);
  });

  it('quotes keywords as literals and writes thresholds as numbers', () => {
    const sql = breakdownFactsSql({ start: 0, end: 1 }, ["l'attente"]).sql;
    expect(sql).toContain("('keyword', 'l''attente')");
    expect(texts[0]?.sql).toContain('wait_s <= 5.5');
    expect(sqlNumber(-3)).toBe('(-3)');
    expect(() => sqlNumber(Number.NaN)).toThrow(RangeError);
  });

  it('is caught by the check when a parameter strays out of WHERE (the check can fail)', () => {
    expect(placeholdersOutsideWhere('SELECT CASE WHEN x < ? THEN 1 END FROM t WHERE y = ?')).toEqual([
      'SELECT at 1:22',
    ]);
  });
});
