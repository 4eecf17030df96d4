import { breakdown, type KpiDefinition } from '../kpi.js';

/** Mentions of configured keywords in transcripts and survey comments (a breakdown). */
export const keywordMentions: KpiDefinition = {
  id: 'keyword_mentions',
  name: { fr: 'Speech / text analytics', en: 'Keyword mentions' },
  unit: 'count',
  better: null,
  family: 'digital',
  breakdown: true,
  compute: ({ keywords }) => breakdown(keywords),
};
