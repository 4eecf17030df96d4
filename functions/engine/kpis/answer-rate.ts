import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of offered contacts handled. */
export const answerRate: KpiDefinition = {
  id: 'answer_rate',
  name: { fr: 'Taux de décroché', en: 'Answer rate' },
  unit: '%',
  better: 'higher',
  family: 'service',
  compute: ({ totals }) => ratio(totals.handled, totals.offered),
};
