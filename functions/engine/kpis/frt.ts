import { type KpiDefinition, ratio } from '../kpi.js';

/** Mean first response delay of replied inbound email, social and SMS contacts, in seconds. */
export const frt: KpiDefinition = {
  id: 'frt',
  name: { fr: 'Délai de première réponse', en: 'First response time' },
  definition: {
    fr: 'Délai moyen de première réponse aux contacts entrants e-mail, réseaux sociaux et SMS.',
    en: 'Mean first response delay of inbound email, social and SMS contacts that got a reply.',
  },
  unit: 's',
  better: 'lower',
  family: 'service',
  compute: ({ totals }) => ratio(totals.reply_delay_sum, totals.reply_delay_n),
};
