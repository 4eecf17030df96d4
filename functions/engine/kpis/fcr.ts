import { type KpiDefinition, ratio } from '../kpi.js';

/** First contact resolution: share of contacts resolved at the first contact, where known. */
export const fcr: KpiDefinition = {
  id: 'fcr',
  name: { fr: 'Résolution au premier contact (FCR)', en: 'First contact resolution' },
  unit: '%',
  better: 'higher',
  family: 'resolution',
  compute: ({ totals }) => ratio(totals.fcr_resolved, totals.fcr_set),
};
