/**
 * The KPI catalogue (docs/spec.md §3): every definition, in the order of the SPEC table, which is also the
 * order of the scorecard tables and of `report.json`.
 */
import type { KpiDefinition } from './kpi.js';
import { abandonRate } from './kpis/abandon-rate.js';
import { absenteeismRate } from './kpis/absenteeism-rate.js';
import { afterHoursContacts } from './kpis/after-hours-contacts.js';
import { agentDaysWorked } from './kpis/agent-days-worked.js';
import { aht } from './kpis/aht.js';
import { answerRate } from './kpis/answer-rate.js';
import { asa } from './kpis/asa.js';
import { avgAcw } from './kpis/avg-acw.js';
import { avgTalk } from './kpis/avg-talk.js';
import { avgWait } from './kpis/avg-wait.js';
import { backlog } from './kpis/backlog.js';
import { ces } from './kpis/ces.js';
import { churnRate } from './kpis/churn-rate.js';
import { contactRate } from './kpis/contact-rate.js';
import { contactsAbandoned } from './kpis/contacts-abandoned.js';
import { contactsByChannel } from './kpis/contacts-by-channel.js';
import { contactsHandled } from './kpis/contacts-handled.js';
import { contactsOffered } from './kpis/contacts-offered.js';
import { conversionRate } from './kpis/conversion-rate.js';
import { conversions } from './kpis/conversions.js';
import { costPerContact } from './kpis/cost-per-contact.js';
import { costPerResolution } from './kpis/cost-per-resolution.js';
import { csat } from './kpis/csat.js';
import { esat } from './kpis/esat.js';
import { fcr } from './kpis/fcr.js';
import { frt } from './kpis/frt.js';
import { keywordMentions } from './kpis/keyword-mentions.js';
import { nps } from './kpis/nps.js';
import { oneTouchRate } from './kpis/one-touch-rate.js';
import { outboundContacts } from './kpis/outbound-contacts.js';
import { repeatCustomerRate } from './kpis/repeat-customer-rate.js';
import { resolutionTime } from './kpis/resolution-time.js';
import { retentionRate } from './kpis/retention-rate.js';
import { selfcareRate } from './kpis/selfcare-rate.js';
import { serviceLevel } from './kpis/service-level.js';
import { socialResponsiveness } from './kpis/social-responsiveness.js';
import { ticketFrt } from './kpis/ticket-frt.js';
import { ticketsCreated } from './kpis/tickets-created.js';
import { topReasons } from './kpis/top-reasons.js';

/** The ids of docs/spec.md §3, in its order. */
export const KPI_IDS = [
  'contacts_offered',
  'contacts_handled',
  'contacts_abandoned',
  'answer_rate',
  'abandon_rate',
  'service_level',
  'asa',
  'avg_wait',
  'aht',
  'avg_talk',
  'avg_acw',
  'outbound_contacts',
  'conversion_rate',
  'conversions',
  'fcr',
  'one_touch_rate',
  'frt',
  'ticket_frt',
  'resolution_time',
  'tickets_created',
  'backlog',
  'social_responsiveness',
  'selfcare_rate',
  'contacts_by_channel',
  'after_hours_contacts',
  'top_reasons',
  'keyword_mentions',
  'csat',
  'nps',
  'ces',
  'esat',
  'absenteeism_rate',
  'agent_days_worked',
  'cost_per_contact',
  'cost_per_resolution',
  'contact_rate',
  'retention_rate',
  'churn_rate',
  'repeat_customer_rate',
] as const;

/** A KPI id of the catalogue. */
export type KpiId = (typeof KPI_IDS)[number];

/** Every KPI definition, in docs/spec.md §3 order. */
export const CATALOGUE: readonly KpiDefinition[] = [
  contactsOffered,
  contactsHandled,
  contactsAbandoned,
  answerRate,
  abandonRate,
  serviceLevel,
  asa,
  avgWait,
  aht,
  avgTalk,
  avgAcw,
  outboundContacts,
  conversionRate,
  conversions,
  fcr,
  oneTouchRate,
  frt,
  ticketFrt,
  resolutionTime,
  ticketsCreated,
  backlog,
  socialResponsiveness,
  selfcareRate,
  contactsByChannel,
  afterHoursContacts,
  topReasons,
  keywordMentions,
  csat,
  nps,
  ces,
  esat,
  absenteeismRate,
  agentDaysWorked,
  costPerContact,
  costPerResolution,
  contactRate,
  retentionRate,
  churnRate,
  repeatCustomerRate,
];

const BY_ID: ReadonlyMap<string, KpiDefinition> = new Map(CATALOGUE.map((kpi) => [kpi.id, kpi]));

/** The definition of a KPI, or `undefined` for an id outside the catalogue. */
export function kpiById(id: string): KpiDefinition | undefined {
  return BY_ID.get(id);
}
