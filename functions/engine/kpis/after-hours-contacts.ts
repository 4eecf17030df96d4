import { count, type KpiDefinition } from '../kpi.js';

/** Inbound contacts of any channel offered outside business hours. */
export const afterHoursContacts: KpiDefinition = {
  id: 'after_hours_contacts',
  name: { fr: 'Appels HNO', en: 'After-hours contacts' },
  unit: 'count',
  better: null,
  family: 'volume',
  compute: ({ afterHoursInbound }) => count(afterHoursInbound),
};
