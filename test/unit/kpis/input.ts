import { type Measures, zeroMeasures } from '../../../functions/engine/facts.js';
import type { KpiInput, KpiOptions } from '../../../functions/engine/kpi.js';
import { CENTRE } from '../../../functions/engine/scope.js';

/** What a test sets: any field of the input, with measures and options given partially. */
export type KpiInputOverrides = Partial<Omit<KpiInput, 'totals' | 'options'>> & {
  readonly totals?: Partial<Measures>;
  readonly options?: Partial<KpiOptions>;
};

/**
 * A KPI input for the centre with every measure at zero, no breakdown counts, and no workforce, cost or
 * customer data (every kind delivered), overridden by `overrides`.
 */
export function kpiInput(overrides: KpiInputOverrides = {}): KpiInput {
  const { totals, options, ...rest } = overrides;
  return {
    scope: CENTRE,
    afterHoursInbound: 0,
    inboundByChannel: new Map(),
    reasons: new Map(),
    keywords: new Map(),
    agentDays: null,
    costs: null,
    backlog: 0,
    kindsDelivered: null,
    customers: null,
    ...rest,
    totals: { ...zeroMeasures(), ...totals },
    options: { serviceLevelCountsAbandonsWithinT: false, topReasons: 10, ...options },
  };
}

/** The value of a KPI that does not apply to the scope. */
export const NO_DATA = { value: null, numerator: null, denominator: null } as const;
