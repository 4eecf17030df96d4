import type { Config, Target } from './config.js';
import type { Better } from './kpi.js';
import type { Status } from './report-schema.js';
import { type Scope, scopeKey } from './scope.js';

/** The target that applies to a KPI in a scope: the scope's own, else the KPI's, else none. */
export function targetFor(config: Pick<Config, 'targets'>, kpi: string, scope: Scope): Target | null {
  const t = config.targets[kpi];
  if (t === undefined) return null;
  return t.scopes[scopeKey(scope)] ?? t;
}

/**
 * Status of a value against a target: `ok` on the good side of the target, `warning` within the band
 * on the bad side, `breach` beyond it; `no_data` when there is no value. A KPI without a target, or
 * with no better direction, cannot breach.
 */
export function statusOf(value: number | null, target: Target | null, better: Better): Status {
  if (value === null) return 'no_data';
  if (target === null || better === null) return 'ok';
  const shortfall = better === 'higher' ? target.target - value : value - target.target;
  // Ratios computed from sums can land a hair off an exact target; a billionth is not a miss.
  if (shortfall <= 1e-9) return 'ok';
  return shortfall <= target.warning + 1e-9 ? 'warning' : 'breach';
}
