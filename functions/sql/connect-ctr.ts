/**
 * Amazon Connect contact trace records (CTRs) as `contacts` (docs/spec.md §1, amended 2026-12-05), in the
 * SQL both engines run: each record's fields read from the CTR, checked like any contact, deduplicated on
 * ContactId by LastUpdateTimestamp, then the records that are not customer contacts and the legs merged
 * into another set aside — counted in `inputs.excluded` by reason, never dropped silently.
 *
 * Sources, the Amazon Connect administrator guide (copies in shared/references/):
 * - "Contact records data model" (ctr-data-model): the fields, `InitiationMethod`'s values, the
 *   `Queue`/`Agent` objects, `PreviousContactId`; an abandoned contact has a queue and an
 *   EnqueueTimestamp but no ConnectedToAgentTimestamp.
 * - "Historical metrics definitions": a contact is abandoned if removed from a queue "but not answered by
 *   an agent or queued for callback"; average queue answer time is the mean of `Queue.Duration`.
 * - "Contact initiation methods" and "Example: metrics for a queued callback": the inbound contact that
 *   asked for a callback ends in its queue unanswered, and the callback is a new contact whose
 *   `PreviousContactId` names it.
 */
import type { ConnectConfig, ConnectSource } from '../engine/config.js';
import { EXPORT_SCHEMA } from './exports-schema.js';
import { type Dialect, dialectFunctions, recordDigest, stagedSelect, versionRank } from './staging.js';
import { sqlString } from './values.js';

/** What the mapping reads from configuration: where scopes come from, and what tasks are. */
export type CtrMapping = Pick<ConnectConfig, 'team' | 'queue' | 'reason' | 'customer' | 'task_channel'>;

/** Columns of a CTR record kept beside the checked contact fields, for the exclusions and the chains. */
export const CTR_CARRIED = ['c_method', 'c_previous', 'c_excluded'] as const;

/** Excluded records, by reason (`inputs.excluded`). */
export const CTR_EXCLUSIONS = {
  monitor: 'not_a_contact:monitor',
  disconnect: 'not_a_contact:disconnect',
  task: 'not_a_contact:task',
  mergedLeg: 'merged_leg',
} as const;

/** Initiation methods by direction (ctr-data-model, `InitiationMethod`); `API` depends on the channel. */
const INBOUND_METHODS = ['INBOUND', 'TRANSFER', 'QUEUE_TRANSFER', 'CALLBACK', 'WEBRTC_API'];
// FLOW: a contact a flow starts (an email it sends); the campaign methods: dialler contacts.
const OUTBOUND_METHODS = ['OUTBOUND', 'EXTERNAL_OUTBOUND', 'AGENT_REPLY', 'FLOW'];
/** Legs that continue the customer's contact of the leg their `PreviousContactId` names. */
const CHAIN_METHODS = ['CALLBACK', 'QUEUE_TRANSFER'];

const list = (values: readonly string[]): string => values.map(sqlString).join(', ');
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A JSON path to a nested member; names never hold `"` or `\` (the config refuses them). */
function pathOf(dialect: Dialect, names: readonly string[]): string {
  const members = names.map((n) => (dialect === 'duckdb' ? `."${n}"` : IDENTIFIER.test(n) ? `.${n}` : `["${n}"]`));
  return sqlString(`$${members.join('')}`);
}

function sourcePath(source: ConnectSource): string[] {
  switch (source.kind) {
    case 'attribute':
      return ['Attributes', source.name];
    case 'hierarchy':
      return ['Agent', 'HierarchyGroups', `Level${source.level}`, 'GroupName'];
    case 'queue':
      return ['Queue', 'Name'];
    case 'endpoint':
      return ['CustomerEndpoint', 'Address'];
  }
}

interface Column {
  readonly text: string;
  readonly type: string;
}

/**
 * A SELECT over `relation` (columns `file, dt, line, raw`: the records of CTR objects, `dt` the date of
 * the delivery partition they were read from) giving the source columns of `checkedSelect('contacts', …)`
 * plus `CTR_CARRIED`. A record counts under the UTC day it was offered (the day of its queue time, else of
 * its initiation, as Connect writes them, in UTC), like any export's record; one whose time cannot be
 * read counts under its delivery day.
 */
export function ctrSource(dialect: Dialect, mapping: CtrMapping, relation: string): string {
  const d = dialectFunctions(dialect);
  const json = 'j';
  const at = (...names: string[]): Column => ({
    text: d.jsonText(json, pathOf(dialect, names)),
    type: d.jsonType(json, pathOf(dialect, names)),
  });
  const channel = at('Channel');
  const rawChannel = `upper(${channel.text})`;
  const method = `upper(${at('InitiationMethod').text})`;
  const enqueued = at('Queue', 'EnqueueTimestamp');
  const initiated = at('InitiationTimestamp');
  const answered = at('Agent', 'ConnectedToAgentTimestamp');
  const offered = `COALESCE(${enqueued.text}, ${initiated.text})`;
  const taskChannel = mapping.task_channel;
  const direction = `CASE
      WHEN ${method} IN (${list(INBOUND_METHODS)}) THEN 'inbound'
      WHEN ${method} = 'API' THEN CASE WHEN ${rawChannel} = 'VOICE' THEN 'outbound' ELSE 'inbound' END
      WHEN ${method} IN (${list(OUTBOUND_METHODS)}) OR starts_with(${method}, 'CAMPAIGN') THEN 'outbound'
      WHEN ${method} IN ('MONITOR', 'DISCONNECT') THEN 'inbound'
      ELSE ${at('InitiationMethod').text} END`;
  const columns: Record<string, Column> = {
    id: at('ContactId'),
    updated_at: at('LastUpdateTimestamp'),
    // A task left out of the contacts still has its other fields checked: any valid channel lets it.
    channel: {
      text: `CASE ${rawChannel} WHEN 'TASK' THEN ${sqlString(taskChannel ?? 'chat')} ELSE lower(${channel.text}) END`,
      type: channel.type,
    },
    // MONITOR and DISCONNECT records are set aside (c_excluded); an unknown method stays itself, an unknown value.
    direction: { text: direction, type: at('InitiationMethod').type },
    // An explicit null is an absent value: its JSON type must not stand for the one that replaces it.
    offered_at: {
      text: offered,
      type: `CASE WHEN ${enqueued.text} IS NOT NULL THEN ${enqueued.type} ELSE ${initiated.type} END`,
    },
    queue: at(...sourcePath(mapping.queue)),
    team: at(...sourcePath(mapping.team)),
    agent: at('Agent', 'Username'),
    customer: at(...sourcePath(mapping.customer)),
    reason: at(...sourcePath(mapping.reason)),
    answered_at: answered,
    ended_at: at('DisconnectTimestamp'),
    wait_s: at('Queue', 'Duration'),
    talk_s: at('Agent', 'AgentInteractionDuration'),
    hold_s: at('Agent', 'CustomerHoldDuration'),
    acw_s: at('Agent', 'AfterContactWorkDuration'),
    // One leg's outcome: answered by an agent, or left its queue unanswered, or never queued (the IVR).
    // Whether the leg went on to a callback or another queue is the chains' business (ctrContactsSelect).
    outcome: {
      text: `CASE WHEN ${answered.text} IS NOT NULL THEN 'handled' WHEN ${direction} = 'inbound' THEN CASE WHEN ${enqueued.text} IS NOT NULL THEN 'abandoned' ELSE 'deflected' END END`,
      type: `'VARCHAR'`,
    },
  };
  const excluded = `CASE
      WHEN ${method} = 'MONITOR' THEN ${sqlString(CTR_EXCLUSIONS.monitor)}
      WHEN ${method} = 'DISCONNECT' THEN ${sqlString(CTR_EXCLUSIONS.disconnect)}
      ${taskChannel === undefined ? `WHEN ${rawChannel} = 'TASK' THEN ${sqlString(CTR_EXCLUSIONS.task)}` : ''}
    END`;
  const fields = EXPORT_SCHEMA.contacts.fields.map((f) => {
    const c = columns[f.name];
    return c === undefined
      ? `CAST(NULL AS VARCHAR) AS t_${f.name}, CAST(NULL AS VARCHAR) AS jt_${f.name}`
      : `${c.text} AS t_${f.name}, ${c.type} AS jt_${f.name}`;
  });
  const day = `CASE WHEN ${offered} LIKE '____-__-__T%Z' AND TRY_CAST(substr(${offered}, 1, 10) AS DATE) IS NOT NULL THEN substr(${offered}, 1, 10) ELSE dt END`;
  return `SELECT file, ${day} AS dt, line, raw, ${recordDigest(dialect, 'raw')} AS raw_sha, 'ndjson' AS fmt, ${d.jsonType(json)} AS rec_type,
  ${fields.join(',\n  ')},
  ${method} AS c_method, ${at('PreviousContactId').text} AS c_previous, ${excluded} AS c_excluded
FROM (SELECT file, dt, line, raw, ${d.parseJson('raw')} AS ${json} FROM ${relation}) parsed`;
}

/**
 * Every good record's latest version with the reason it is set aside, or NULL for a customer contact: not
 * a customer contact (monitor, disconnect flow, task), or a leg of a longer contact. A leg that a
 * `CALLBACK` or `QUEUE_TRANSFER` leg names as its `PreviousContactId` left its queue for that leg (a
 * queued callback, another queue): it is merged, and the contact counts once, as its last leg. Only
 * unanswered legs go on that way (a callback or queue transfer starts from a queue, before an agent
 * answers), so the last leg is the one an agent handled if any was, and a contact is abandoned only if
 * its last leg was. A `TRANSFER` leg (an agent transferring the call) is a contact of its own.
 */
function legsSelect(checked: string): string {
  const latest = `(SELECT * FROM (SELECT *, ${versionRank('contacts')} AS version_rank FROM ${checked} WHERE reason IS NULL) ranked WHERE version_rank = 1)`;
  return `SELECT l.*, CASE WHEN l.c_excluded IS NOT NULL THEN l.c_excluded WHEN s.previous IS NOT NULL THEN ${sqlString(CTR_EXCLUSIONS.mergedLeg)} END AS exclusion
FROM ${latest} l
LEFT JOIN (
  SELECT DISTINCT c_previous AS previous FROM ${latest} n
  WHERE c_excluded IS NULL AND c_method IN (${list(CHAIN_METHODS)}) AND c_previous IS NOT NULL
) s ON s.previous = l.v_id`;
}

/** The staged `contacts` from checked CTR records: one row per customer contact, as `stagedSelect` gives them. */
export function ctrContactsSelect(checked: string): string {
  return stagedSelect('contacts', `(SELECT * FROM (${legsSelect(checked)}) legs WHERE exclusion IS NULL)`);
}

/** Records set aside per partition and reason: `dt, reason, n`. */
export function ctrExcludedSelect(checked: string): string {
  return `SELECT dt, exclusion AS reason, count(*) AS n FROM (${legsSelect(checked)}) legs WHERE exclusion IS NOT NULL GROUP BY dt, exclusion`;
}
