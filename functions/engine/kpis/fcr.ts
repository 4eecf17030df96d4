import { type KpiDefinition, ratio } from '../kpi.js';

/** First contact resolution: share of contacts resolved at the first contact, where known. */
export const fcr: KpiDefinition = {
  id: 'fcr',
  name: { fr: 'Résolution au premier contact (FCR)', en: 'First contact resolution' },
  definition: {
    fr: 'Contacts résolus au premier contact ÷ contacts où l’information est renseignée.',
    en: 'Contacts resolved at first contact ÷ contacts where it is set.',
  },
  unit: '%',
  better: 'higher',
  family: 'resolution',
  compute: ({ totals }) => ratio(totals.fcr_resolved, totals.fcr_set),
};
