import { type KpiDefinition, ratio } from '../kpi.js';

/** Average talk time: (talk + hold) per handled contact, in seconds. */
export const avgTalk: KpiDefinition = {
  id: 'avg_talk',
  name: { fr: 'Durée moyenne de communication (DMC)', en: 'Average talk time' },
  unit: 's',
  better: 'lower',
  family: 'handling',
  compute: ({ totals }) => ratio(totals.talk_sum + totals.hold_sum, totals.handled),
};
