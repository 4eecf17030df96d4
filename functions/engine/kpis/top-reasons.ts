import { breakdown, type KpiDefinition } from '../kpi.js';

/** The most frequent contact reasons, with counts and shares of all reasons (a breakdown). */
export const topReasons: KpiDefinition = {
  id: 'top_reasons',
  name: { fr: 'Thèmes principaux', en: 'Top reasons' },
  unit: 'count',
  better: null,
  family: 'volume',
  breakdown: true,
  compute: ({ reasons, options }) => breakdown(reasons, options.topReasons),
};
