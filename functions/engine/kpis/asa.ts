import { type KpiDefinition, ratio } from '../kpi.js';

/** Mean wait of handled contacts, in seconds. */
export const asa: KpiDefinition = {
  id: 'asa',
  name: { fr: 'Vitesse moyenne de réponse', en: 'Average speed of answer' },
  unit: 's',
  better: 'lower',
  family: 'service',
  compute: ({ totals }) =>
    // Divided by contacts whose wait is known, not by handled: an unknown wait is not a zero wait.
    ratio(totals.handled_wait_sum, totals.handled_wait_n),
};
