import { type KpiDefinition, ratio } from '../kpi.js';

/** Mean first response delay of replied tickets created in the period, in seconds. */
export const ticketFrt: KpiDefinition = {
  id: 'ticket_frt',
  name: { fr: 'Délai de première réponse (tickets)', en: 'Ticket first response time' },
  unit: 's',
  better: 'lower',
  family: 'resolution',
  compute: ({ totals }) => ratio(totals.ticket_reply_delay_sum, totals.ticket_reply_delay_n),
};
