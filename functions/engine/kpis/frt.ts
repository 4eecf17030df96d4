import { type KpiDefinition, ratio } from '../kpi.js';

/** Mean first response delay of replied inbound email, social and SMS contacts, in seconds. */
export const frt: KpiDefinition = {
  id: 'frt',
  name: { fr: 'Délai de première réponse', en: 'First response time' },
  unit: 's',
  better: 'lower',
  family: 'service',
  compute: ({ totals }) => ratio(totals.reply_delay_sum, totals.reply_delay_n),
};
