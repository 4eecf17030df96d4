import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of offered contacts abandoned, short abandons excluded. */
export const abandonRate: KpiDefinition = {
  id: 'abandon_rate',
  name: { fr: "Taux d'abandon", en: 'Abandon rate' },
  unit: '%',
  better: 'lower',
  family: 'service',
  compute: ({ totals }) =>
    // A caller who hangs up within S seconds misdialled or changed their mind: neither served nor failed.
    ratio(totals.abandoned - totals.short_abandoned, totals.offered - totals.short_abandoned),
};
