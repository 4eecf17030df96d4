import { count, type KpiDefinition } from '../kpi.js';

/** Inbound contacts of any channel offered outside business hours. */
export const afterHoursContacts: KpiDefinition = {
  id: 'after_hours_contacts',
  name: { fr: 'Appels HNO', en: 'After-hours contacts' },
  definition: {
    fr: 'Contacts entrants, tous canaux, présentés hors heures ouvrées.',
    en: 'Inbound contacts of any channel offered outside business hours.',
  },
  unit: 'count',
  better: null,
  family: 'volume',
  compute: ({ afterHoursInbound }) => count(afterHoursInbound),
};
