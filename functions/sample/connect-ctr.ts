/**
 * A sample of Amazon Connect contact trace records as Kinesis Data Firehose delivers them to S3, for
 * `vigie sample --ctr`: a CTR folder to try Vigie on without a Connect instance. Records have the shape
 * of the data model (Amazon Connect administrator guide, "Contact records data model"): every member
 * present, absent values as explicit JSON nulls, as Connect writes them. Objects are laid out as Firehose
 * does by default (`YYYY/MM/DD/HH/<stream>-<n>-<time>-<id>`, UTC delivery hour), records concatenated
 * without a delimiter, some gzipped without a `.gz` name, a few contacts delivered more than once.
 */
import { Random } from './random.js';

/** One leg of a contact, as the sample or a test describes it. */
export interface CtrLeg {
  readonly contactId: string;
  /** `InitiationMethod`: INBOUND, OUTBOUND, TRANSFER, QUEUE_TRANSFER, CALLBACK, API, MONITOR, DISCONNECT… */
  readonly method: string;
  /** `Channel`: VOICE, CHAT, TASK, EMAIL. */
  readonly channel: string;
  readonly initiated: string;
  readonly disconnected?: string | null;
  readonly lastUpdate: string;
  readonly previous?: string | null;
  readonly next?: string | null;
  readonly initial?: string | null;
  readonly disconnectReason?: string | null;
  /** The queue the leg waited in; `enqueued: null` for an outbound call's queue (no wait). */
  readonly queue?: {
    readonly name: string;
    readonly enqueued: string | null;
    readonly dequeued?: string | null;
    readonly duration?: number | null;
  } | null;
  readonly agent?: {
    readonly username: string;
    readonly connected: string | null;
    readonly interaction?: number;
    readonly hold?: number;
    readonly acw?: number;
    /** Group names of hierarchy levels 1, 2… */
    readonly hierarchy?: readonly string[];
  } | null;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly customer?: string;
}

const ACCOUNT = '123456789012';
const INSTANCE = `arn:aws:connect:eu-west-3:${ACCOUNT}:instance/5f0c8f7e-4c1b-4d8e-9a51-3f6f1d2b7c10`;

const plus = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString().replace('.000Z', 'Z');

/** A full contact trace record for a leg, members in the data model's order, absent values as JSON nulls. */
export function ctrRecord(leg: CtrLeg): Record<string, unknown> {
  const agent = leg.agent ?? null;
  const queue = leg.queue ?? null;
  const voice = leg.channel === 'VOICE';
  const levels = agent?.hierarchy ?? [];
  const group = (i: number) =>
    levels[i] === undefined ? null : { ARN: `${INSTANCE}/agent-group/level-${i + 1}`, GroupName: levels[i] };
  const acwStart = agent?.connected ? plus(agent.connected, (agent.interaction ?? 0) + (agent.hold ?? 0)) : null;
  return {
    AWSAccountId: ACCOUNT,
    AWSContactTraceRecordFormatVersion: '2017-03-10',
    Agent:
      agent === null
        ? null
        : {
            ARN: `${INSTANCE}/agent/${agent.username}`,
            AfterContactWorkDuration: agent.acw ?? null,
            AfterContactWorkEndTimestamp: acwStart === null ? null : plus(acwStart, agent.acw ?? 0),
            AfterContactWorkStartTimestamp: acwStart,
            AgentInteractionDuration: agent.interaction ?? null,
            ConnectedToAgentTimestamp: agent.connected,
            CustomerHoldDuration: agent.hold ?? null,
            HierarchyGroups:
              levels.length === 0
                ? null
                : { Level1: group(0), Level2: group(1), Level3: group(2), Level4: group(3), Level5: group(4) },
            LongestHoldDuration: agent.hold ?? null,
            NumberOfHolds: agent.hold ? 1 : 0,
            RoutingProfile: { ARN: `${INSTANCE}/routing-profile/basic`, Name: 'Basic Routing Profile' },
            Username: agent.username,
          },
    AgentConnectionAttempts: agent === null ? 0 : 1,
    AnsweringMachineDetectionStatus: null,
    Attributes: leg.attributes ?? {},
    Campaign: { CampaignId: null },
    Channel: leg.channel,
    ConnectedToSystemTimestamp: voice || leg.channel === 'CHAT' ? leg.initiated : null,
    ContactDetails: {},
    ContactId: leg.contactId,
    CustomerEndpoint: leg.customer === undefined ? null : { Address: leg.customer, Type: 'TELEPHONE_NUMBER' },
    DisconnectReason: leg.disconnectReason ?? null,
    DisconnectTimestamp: leg.disconnected ?? null,
    InitialContactId: leg.initial ?? null,
    InitiationMethod: leg.method,
    InitiationTimestamp: leg.initiated,
    InstanceARN: INSTANCE,
    LastUpdateTimestamp: leg.lastUpdate,
    MediaStreams: [{ Type: voice ? 'AUDIO' : leg.channel }],
    NextContactId: leg.next ?? null,
    PreviousContactId: leg.previous ?? null,
    Queue:
      queue === null
        ? null
        : {
            ARN: `${INSTANCE}/queue/${queue.name.toLowerCase().replaceAll(' ', '-')}`,
            DequeueTimestamp: queue.dequeued ?? null,
            Duration: queue.duration ?? null,
            EnqueueTimestamp: queue.enqueued,
            Name: queue.name,
          },
    Recording: null,
    Recordings: null,
    References: [],
    ScheduledTimestamp: null,
    SystemEndpoint: voice ? { Address: '+33170000000', Type: 'TELEPHONE_NUMBER' } : null,
    TransferCompletedTimestamp: null,
    TransferredToEndpoint: null,
    VoiceIdResult: null,
  };
}

/** One object as Firehose writes it: its key under the CTR folder and its records, in order. */
export interface CtrObjectSample {
  readonly key: string;
  readonly records: readonly Record<string, unknown>[];
  /** Gzipped (Firehose's GZIP compression); the name never says so. */
  readonly gzip: boolean;
  /** Records one per line (a delimiter processor) rather than concatenated. */
  readonly newlines: boolean;
}

const QUEUES = ['Support FR', 'Facturation', 'Rappels'] as const;
const AGENTS = [
  ['alice', 'Nord'],
  ['bruno', 'Nord'],
  ['chloe', 'Sud'],
  ['driss', 'Sud'],
  ['emma', 'Digital'],
] as const;
const REASONS = ['livraison', 'facturation', 'résiliation', 'panne'] as const;

/**
 * The legs of one local-ish day of a small centre (UTC hours 07–18): inbound calls answered, abandoned or
 * ending in the IVR; callbacks; queue and agent transfers; outbound calls and dialler contacts; chats with
 * their disconnect flow; a supervisor monitoring; a task. Returns each leg with the UTC instant it is
 * delivered (when it ends, plus Firehose's buffering), and again later for some (attributes updated).
 */
export function sampleCtrLegs(date: string, rng: Random): { leg: CtrLeg; deliveredAt: string }[] {
  const out: { leg: CtrLeg; deliveredAt: string }[] = [];
  let n = 0;
  const id = (): string => {
    n++;
    const r = rng.fork('id', date, n);
    const hex = (k: number) => Array.from({ length: k }, () => r.int(0, 15).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  };
  const pick = <T>(values: readonly T[]): T => values[rng.int(0, values.length - 1)] as T;
  const emit = (leg: CtrLeg): void => {
    const end = leg.agent?.connected ? (leg.disconnected ?? leg.initiated) : (leg.disconnected ?? leg.initiated);
    out.push({ leg, deliveredAt: plus(end, rng.int(60, 300) + (leg.agent?.acw ?? 0)) });
  };
  const customer = (): string => `+336${String(rng.int(10_000_000, 99_999_999))}`;
  for (let minute = 7 * 60; minute < 19 * 60; minute += rng.int(2, 9)) {
    const at = `${date}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}Z`;
    const [agentName, team] = pick(AGENTS);
    const reason = pick(REASONS);
    const queueName = pick(QUEUES.slice(0, 2));
    const roll = rng.next();
    const who = customer();
    const ivr = rng.int(20, 90);
    const enqueued = plus(at, ivr);
    const wait = rng.chance(0.75) ? rng.int(2, 25) : rng.int(26, 240);
    const talk = rng.int(60, 600);
    const hold = rng.chance(0.3) ? rng.int(10, 90) : 0;
    const acw = rng.int(10, 90);
    /** A leg answered after `wait` in `queue`, which it entered at `queued` (the call's own queue by default). */
    const handledLeg = (
      contactId: string,
      method: string,
      channel: string,
      extra: Partial<CtrLeg> = {},
      queue: { name: string; at: string } = { name: queueName, at: enqueued },
    ): CtrLeg => {
      const answered = plus(queue.at, wait);
      const disconnected = plus(answered, talk + hold);
      return {
        contactId,
        method,
        channel,
        initiated: at,
        disconnected,
        lastUpdate: plus(disconnected, acw + 5),
        disconnectReason: rng.chance(0.5) ? 'CUSTOMER_DISCONNECT' : 'AGENT_DISCONNECT',
        queue: { name: queue.name, enqueued: queue.at, dequeued: answered, duration: wait },
        agent: { username: agentName, connected: answered, interaction: talk, hold, acw, hierarchy: [team, 'Centre'] },
        attributes: { reason },
        customer: who,
        ...extra,
      };
    };
    if (roll < 0.5) {
      const leg = handledLeg(id(), 'INBOUND', 'VOICE');
      emit(leg);
      // Attributes updated after the contact (a wrap-up code): delivered again, sometimes the next day.
      if (rng.chance(0.08)) {
        const later = plus(leg.lastUpdate, rng.chance(0.5) ? 3600 : 86_400 + 3600);
        out.push({
          leg: { ...leg, lastUpdate: later, attributes: { reason, wrapup: 'résolu' } },
          deliveredAt: plus(later, 120),
        });
      }
    } else if (roll < 0.58) {
      // Abandoned in queue.
      const left = plus(enqueued, wait);
      emit({
        contactId: id(),
        method: 'INBOUND',
        channel: 'VOICE',
        initiated: at,
        disconnected: left,
        lastUpdate: plus(left, 4),
        disconnectReason: 'CUSTOMER_DISCONNECT',
        queue: { name: queueName, enqueued, dequeued: left, duration: wait },
        attributes: { reason },
        customer: who,
      });
    } else if (roll < 0.63) {
      // Ended in the IVR: never queued.
      const end = plus(at, ivr);
      emit({
        contactId: id(),
        method: 'INBOUND',
        channel: 'VOICE',
        initiated: at,
        disconnected: end,
        lastUpdate: plus(end, 3),
        disconnectReason: 'CUSTOMER_DISCONNECT',
        customer: who,
      });
    } else if (roll < 0.67) {
      // Queued callback: the inbound leg leaves its queue, the callback leg is answered later.
      const first = id();
      const second = id();
      const asked = plus(enqueued, wait);
      const delay = 99;
      const inQueue = plus(asked, delay);
      const answered = plus(inQueue, rng.int(5, 600));
      const end = plus(answered, talk);
      emit({
        contactId: first,
        method: 'INBOUND',
        channel: 'VOICE',
        initiated: at,
        disconnected: asked,
        lastUpdate: plus(asked, 3),
        next: second,
        disconnectReason: 'CONTACT_FLOW_DISCONNECT',
        queue: { name: queueName, enqueued, dequeued: asked, duration: wait },
        attributes: { reason },
        customer: who,
      });
      emit({
        contactId: second,
        method: 'CALLBACK',
        channel: 'VOICE',
        initiated: asked,
        disconnected: end,
        lastUpdate: plus(end, acw + 5),
        previous: first,
        initial: first,
        disconnectReason: 'CUSTOMER_DISCONNECT',
        queue: {
          name: 'Rappels',
          enqueued: inQueue,
          dequeued: answered,
          duration: (Date.parse(answered) - Date.parse(asked)) / 1000,
        },
        agent: { username: agentName, connected: answered, interaction: talk, acw, hierarchy: [team, 'Centre'] },
        attributes: { reason },
        customer: who,
      });
    } else if (roll < 0.7) {
      // Transferred from one queue to another by the queue flow, then answered there.
      const first = id();
      const second = id();
      const moved = plus(enqueued, 30);
      emit({
        contactId: first,
        method: 'INBOUND',
        channel: 'VOICE',
        initiated: at,
        disconnected: moved,
        lastUpdate: plus(moved, 2),
        next: second,
        queue: { name: queueName, enqueued, dequeued: moved, duration: 30 },
        attributes: { reason },
        customer: who,
      });
      emit(
        handledLeg(
          second,
          'QUEUE_TRANSFER',
          'VOICE',
          { previous: first, initial: first, initiated: moved },
          { name: 'Facturation', at: moved },
        ),
      );
    } else if (roll < 0.74) {
      // An agent transfers the call to another queue: two contacts, both handled.
      const first = id();
      const second = id();
      const leg = handledLeg(first, 'INBOUND', 'VOICE', { next: second });
      emit(leg);
      const [other, otherTeam] = pick(AGENTS);
      const start = leg.disconnected ?? at;
      const answered = plus(start, 20);
      const end = plus(answered, talk);
      emit({
        contactId: second,
        method: 'TRANSFER',
        channel: 'VOICE',
        initiated: start,
        disconnected: end,
        lastUpdate: plus(end, acw),
        previous: first,
        initial: first,
        disconnectReason: 'CUSTOMER_DISCONNECT',
        queue: { name: 'Facturation', enqueued: start, dequeued: answered, duration: 20 },
        agent: { username: other, connected: answered, interaction: talk, acw, hierarchy: [otherTeam, 'Centre'] },
        attributes: { reason },
        customer: who,
      });
    } else if (roll < 0.84) {
      // Outbound: from the agent's softphone, or from a dialler (API on voice).
      const connected = plus(at, rng.int(5, 30));
      const end = plus(connected, talk);
      emit({
        contactId: id(),
        method: rng.chance(0.7) ? 'OUTBOUND' : 'API',
        channel: 'VOICE',
        initiated: at,
        disconnected: end,
        lastUpdate: plus(end, acw),
        disconnectReason: 'AGENT_DISCONNECT',
        // An outbound call's queue is its caller id's: it never waits there.
        queue: { name: 'Sortant', enqueued: null },
        agent: { username: agentName, connected, interaction: talk, acw, hierarchy: [team, 'Centre'] },
        customer: who,
      });
    } else if (roll < 0.96) {
      // A chat started through StartChatContact, and the disconnect flow that follows it.
      const chat = id();
      const leg = handledLeg(chat, 'API', 'CHAT', { customer: undefined }, { name: 'Chat', at: enqueued });
      emit(leg);
      if (rng.chance(0.5)) {
        const end = leg.disconnected ?? at;
        emit({
          contactId: id(),
          method: 'DISCONNECT',
          channel: 'CHAT',
          initiated: end,
          disconnected: plus(end, 40),
          lastUpdate: plus(end, 45),
          previous: chat,
          initial: chat,
          attributes: { reason, survey: 'csat' },
        });
      }
    } else if (roll < 0.98) {
      // A supervisor listening to a call.
      const end = plus(at, talk);
      emit({
        contactId: id(),
        method: 'MONITOR',
        channel: 'VOICE',
        initiated: at,
        disconnected: end,
        lastUpdate: plus(end, 2),
        agent: { username: 'superviseur', connected: at, interaction: talk, hierarchy: ['Encadrement'] },
      });
    } else {
      const end = plus(at, 3600);
      emit({
        contactId: id(),
        method: 'API',
        channel: 'TASK',
        initiated: at,
        disconnected: end,
        lastUpdate: plus(end, 10),
        agent: { username: agentName, connected: plus(at, 600), interaction: 1200, hierarchy: [team, 'Centre'] },
        attributes: { reason },
      });
    }
  }
  return out;
}

/**
 * Firehose objects for the legs of `dates`: one object per stream and delivery hour (UTC), records in
 * delivery order. Every third object is gzipped and every fourth has a newline after each record.
 */
export function sampleCtrObjects(dates: readonly string[], seed: number): CtrObjectSample[] {
  const rng = new Random(seed).fork('ctr');
  const legs = dates.flatMap((date) => sampleCtrLegs(date, rng.fork(date)));
  const byHour = new Map<string, Record<string, unknown>[]>();
  for (const { leg, deliveredAt } of [...legs].sort((a, b) => a.deliveredAt.localeCompare(b.deliveredAt))) {
    const hour = deliveredAt.slice(0, 13);
    byHour.set(hour, [...(byHour.get(hour) ?? []), ctrRecord(leg)]);
  }
  return [...byHour.entries()].map(([hour, records], i) => {
    const [day = '', hh = ''] = hour.split('T');
    const [y, m, d] = day.split('-');
    const stamp = `${day}-${hh}-${String((i * 7) % 60).padStart(2, '0')}-00`;
    return {
      key: `${y}/${m}/${d}/${hh}/vigie-ctr-stream-1-${stamp}-${String(i).padStart(8, '0')}`,
      records,
      gzip: i % 3 === 2,
      newlines: i % 4 === 3,
    };
  });
}
