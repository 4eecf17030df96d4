import { breakdown, type KpiDefinition } from '../kpi.js';

/** Inbound contacts per channel (a breakdown). */
export const contactsByChannel: KpiDefinition = {
  id: 'contacts_by_channel',
  name: { fr: 'Volume par canal', en: 'Contacts by channel' },
  unit: 'count',
  better: null,
  family: 'volume',
  breakdown: true,
  compute: ({ inboundByChannel }) => breakdown(inboundByChannel),
};
