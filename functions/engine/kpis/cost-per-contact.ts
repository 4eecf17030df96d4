import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Costs of the period per handled contact. */
export const costPerContact: KpiDefinition = {
  id: 'cost_per_contact',
  name: { fr: 'Coût par appel', en: 'Cost per contact' },
  unit: 'currency',
  better: 'lower',
  family: 'finance',
  compute: ({ costs, totals }) =>
    // Costs ÷ contacts, not the seed's inverted "appels ÷ dépenses" (docs/spec.md §3).
    costs === null ? NO_DATA : ratio(costs, totals.handled),
};
