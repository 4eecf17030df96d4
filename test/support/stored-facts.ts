/** Stored days in a form two runs can be compared by: both facts writers take the SQL's rows in no fixed order. */
import type { PeriodFacts } from '../../functions/engine/facts.js';
import type { StoredDayFacts } from '../../functions/pipeline/facts-store.js';

/** Rows in a stable order: both writers take the SQL's rows in no fixed order. */
const sorted = <T>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) =>
    JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
  );
const stable = (facts: PeriodFacts) => ({
  ...facts,
  buckets: sorted(facts.buckets),
  breakdowns: sorted(facts.breakdowns),
  agentDays: sorted(facts.agentDays),
  costs: sorted(facts.costs),
  verbatims: sorted(facts.verbatims),
  state: { ...facts.state, backlogAtEnd: sorted(facts.state.backlogAtEnd) },
});
/** A stored day with its lists of rows sorted. */
export const stableDay = (day: StoredDayFacts | null) => (day === null ? null : { ...day, facts: stable(day.facts) });
