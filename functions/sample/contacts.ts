/**
 * One local day of interactions: inbound contacts per queue and channel following intraday curves, outbound
 * campaigns, the tickets some contacts open and the survey answers some customers give. Instants are drawn in
 * local wall-clock time, so the 09:00 peak is at 09:00 in Paris whether the offset is +01:00 or +02:00.
 */
import {
  CHAT_SATURDAY,
  CHAT_WEEKDAY,
  type Channel,
  DAY_FACTOR,
  DIGITAL_ALL_DAY,
  type HourCurve,
  NEGATIVE_COMMENTS,
  NEUTRAL_COMMENTS,
  OUTBOUND,
  POSITIVE_COMMENTS,
  QUEUES,
  type QueueDef,
  TRANSCRIPTS,
  VOICE_SATURDAY,
  VOICE_SUNDAY,
  VOICE_WEEKDAY,
} from './centre.js';
import type { Pool } from './customers.js';
import type { Fields, Kind } from './model.js';
import type { Random } from './random.js';
import { ArrivalSampler, type LocalDay, MINUTE, type OpenClock, SECOND, type Zone } from './time.js';
import type { Roster } from './workforce.js';

/** What a day's generation needs from the run. */
export interface DayWorld {
  readonly zone: Zone;
  readonly roster: Roster;
  /** The export's snapshot instant: nothing happens at or after it. */
  readonly cutoffMs: number;
  readonly voiceHours: OpenClock;
  readonly writtenHours: OpenClock;
  readonly socialHours: OpenClock;
  readonly customers: Pool;
  /** A customer who churns in the next days (they call to cancel), if any. */
  leavingSoon(rng: Random): string | undefined;
  emit(kind: Kind, part: number, ms: number, fields: Fields): void;
}

interface ContactDraft {
  id: string;
  channel: Channel;
  direction: 'inbound' | 'outbound';
  offeredMs: number;
  queue: QueueDef | undefined;
  agent: string | undefined;
  customer: string | undefined;
  reason: string | undefined;
  answeredMs?: number;
  firstResponseMs?: number;
  endedMs?: number;
  wait?: number;
  talk?: number;
  hold?: number;
  acw?: number;
  outcome?: 'handled' | 'abandoned' | 'deflected' | 'missed';
  fcr?: boolean;
  converted?: boolean;
  selfcare?: boolean;
  ticket?: string;
  transcript?: string;
  updatedMs?: number;
  source: string;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function voiceCurve(weekday: number): HourCurve {
  return weekday <= 5 ? VOICE_WEEKDAY : weekday === 6 ? VOICE_SATURDAY : VOICE_SUNDAY;
}

function curveFor(channel: Channel, weekday: number): HourCurve {
  if (channel === 'voice') return voiceCurve(weekday);
  if (channel === 'chat') return weekday <= 5 ? CHAT_WEEKDAY : CHAT_SATURDAY;
  return DIGITAL_ALL_DAY;
}

/** Wait, abandon and handling figures of a voice or chat contact offered at a given load. */
function queueContact(c: ContactDraft, rng: Random, pressure: number, incident: boolean) {
  const voice = c.channel === 'voice';
  const vip = c.queue?.id === 'vip';
  let abandonP = clamp(0.022 + 0.045 * pressure + (incident ? 0.05 : 0), 0.015, 0.3);
  let withinT = clamp(0.96 - 0.17 * pressure - (incident ? 0.22 : 0), 0.35, 0.97);
  if (vip) {
    abandonP /= 2;
    withinT = Math.min(0.98, withinT + 0.1);
  }
  if (!voice) withinT = Math.min(0.97, withinT + 0.05);

  if (rng.chance(abandonP)) {
    // Some callers hang up at once (wrong number, IVR message): short abandons.
    c.wait = rng.chance(0.3) ? rng.int(1, 5) : Math.min(900, 6 + Math.round(rng.exponential(voice ? 75 : 60)));
    c.endedMs = c.offeredMs + c.wait * SECOND;
    c.outcome = 'abandoned';
    c.agent = undefined;
    c.updatedMs = c.endedMs;
    return;
  }
  c.wait = rng.chance(withinT)
    ? Math.min(20, Math.floor(rng.exponential(6)))
    : Math.min(1500, 21 + Math.round(rng.logNormal(40 * (1 + pressure), 0.8)));
  c.answeredMs = c.offeredMs + c.wait * SECOND;
  c.talk = voice
    ? Math.round(clamp(rng.logNormal(255, 0.42), 35, 2700))
    : Math.round(clamp(rng.logNormal(470, 0.45), 60, 3000));
  c.hold = voice && rng.chance(0.28) ? Math.round(clamp(rng.logNormal(55, 0.7), 5, 900)) : 0;
  c.acw = rng.chance(0.9) ? rng.int(30, 90) : 90 + Math.round(rng.exponential(60));
  if (!voice) c.acw = rng.int(15, 60);
  c.endedMs = c.answeredMs + (c.talk + c.hold) * SECOND;
  c.outcome = 'handled';
  c.updatedMs = c.endedMs + (c.acw + rng.int(1, 20)) * SECOND;
}

function transcriptFor(reason: string | undefined, rng: Random): string | undefined {
  if (!reason) return undefined;
  const lines = TRANSCRIPTS[reason];
  return lines && lines.length > 0 ? rng.pick(lines) : undefined;
}

/** Probability that a handled contact with this reason was resolved at the first contact. */
function fcrChance(reason: string | undefined): number {
  switch (reason) {
    case 'Panne internet':
    case 'Réclamation':
    case 'Remboursement':
      return 0.6;
    case 'Mot de passe':
    case 'Attestation':
    case 'Nouvelle offre':
    case 'Commande':
      return 0.9;
    default:
      return 0.78;
  }
}

interface Stamp {
  (ms: number): string;
  (ms: number | undefined): string | undefined;
}

/** A record's timestamp writer: UTC `Z` or the local offset, chosen once per record. */
function stamper(zone: Zone, rng: Random, localShare: number): Stamp {
  const local = rng.chance(localShare);
  return ((ms: number | undefined) =>
    ms === undefined ? undefined : local ? zone.formatLocal(ms) : zone.formatUtc(ms)) as Stamp;
}

function contactFields(c: ContactDraft, ts: Stamp, rng: Random, withUpdated: boolean): Fields {
  const queueChannel = c.direction === 'inbound' && (c.channel === 'voice' || c.channel === 'chat');
  const derivable =
    (c.outcome === 'handled' && c.answeredMs !== undefined) || (c.outcome === 'abandoned' && c.endedMs !== undefined);
  return {
    id: c.id,
    updated_at: withUpdated ? ts(c.updatedMs) : undefined,
    channel: c.channel,
    direction: c.direction,
    offered_at: ts(c.offeredMs),
    queue: c.queue?.id,
    team: c.queue?.team,
    agent: c.agent,
    customer: c.customer,
    reason: c.reason,
    answered_at: ts(c.answeredMs),
    first_response_at: ts(c.firstResponseMs),
    ended_at: ts(c.endedMs),
    // SPEC: an absent wait is derived from answered_at or ended_at; leave it out now and then.
    wait_s: derivable && queueChannel && rng.chance(0.12) ? undefined : c.wait,
    talk_s: c.talk,
    hold_s: c.hold === 0 && rng.chance(0.5) ? undefined : c.hold,
    acw_s: c.acw,
    outcome: derivable && queueChannel && rng.chance(0.06) ? undefined : c.outcome,
    resolved_first_contact: c.fcr,
    converted: c.converted,
    selfcare_redirect: c.selfcare,
    ticket: c.ticket,
    transcript: c.transcript,
    source: c.source,
  };
}

/** Contacts per ticket when the first contact did not settle it. */
const CONTACTS_COUNT = [0, 30, 38, 20, 8, 4];

/** Generates one local day of contacts, tickets and contact surveys. */
export function generateContacts(world: DayWorld, day: LocalDay, rng: Random, incident: boolean): void {
  const { zone, roster, cutoffMs } = world;
  const ymd = day.date.replaceAll('-', '');
  let contactSeq = 0;
  let ticketSeq = 0;
  const latestOffer = cutoffMs - 30 * MINUTE;
  const samplers = new Map<HourCurve, ArrivalSampler>();
  const samplerFor = (curve: HourCurve) => {
    let s = samplers.get(curve);
    if (!s) {
      s = new ArrivalSampler(day, curve, latestOffer);
      samplers.set(curve, s);
    }
    return s;
  };
  const dayOfMonth = Number(day.date.slice(8, 10));

  const customerFor = (reason: string | undefined) => {
    if (reason === 'Résiliation' && rng.chance(0.5)) {
      const leaving = world.leavingSoon(rng);
      if (leaving) return leaving;
    }
    return world.customers.pick(rng);
  };

  const openTicket = (c: ContactDraft) => {
    const id = `tk-${ymd}-${String(++ticketSeq).padStart(5, '0')}`;
    c.ticket = id;
    // A written contact's ticket is answered by the contact's reply; a call's ticket by a follow-up e-mail.
    const spoken = c.channel === 'voice' || c.channel === 'chat';
    const createdMs = spoken ? (c.endedMs ?? c.offeredMs) : c.offeredMs;
    const firstResponseMs = spoken
      ? world.writtenHours.add(createdMs, rng.logNormal(40 * 60, 1.0))
      : (c.firstResponseMs ?? Number.POSITIVE_INFINITY);
    // A contact that needs a ticket is less often settled there and then.
    if (c.fcr === true && rng.chance(0.3)) c.fcr = false;
    const count = c.fcr === true ? 1 : rng.weightedIndex(CONTACTS_COUNT);
    if (count > 1) c.fcr = false;
    const slow = rng.chance(0.12);
    let resolvedMs = world.writtenHours.add(
      Math.max(firstResponseMs, createdMs),
      rng.logNormal(slow ? 60 * 3600 : 9 * 3600, slow ? 0.7 : 1.0) + 60,
    );
    if (!Number.isFinite(firstResponseMs)) resolvedMs = Number.POSITIVE_INFINITY;
    // A few cases drag on for weeks (a technician, a dispute): they make the backlog's long tail.
    else if (rng.chance(0.03)) resolvedMs = world.writtenHours.add(firstResponseMs, rng.logNormal(200 * 3600, 0.5));
    let reopened: boolean | undefined;
    if (Number.isFinite(resolvedMs) && rng.chance(0.07)) {
      reopened = true;
      resolvedMs = world.writtenHours.add(resolvedMs, rng.logNormal(20 * 3600, 0.8));
    } else if (rng.chance(0.5)) reopened = false;
    const firstResponse = firstResponseMs < cutoffMs ? firstResponseMs : undefined;
    const resolved = resolvedMs < cutoffMs ? resolvedMs : undefined;
    const updatedMs = Math.max(createdMs, firstResponse ?? 0, resolved ?? 0);
    const ts = stamper(zone, rng, 0.8);
    const fields: Fields = {
      id,
      updated_at: ts(updatedMs),
      created_at: ts(createdMs),
      channel: c.channel,
      queue: c.queue?.id,
      team: c.queue?.team,
      agent: c.agent,
      customer: c.customer,
      reason: c.reason,
      first_response_at: ts(firstResponse),
      resolved_at: ts(resolved),
      contacts_count: count,
      // A ticket reopened and not yet resolved again is open with reopened = true.
      reopened: resolved === undefined && reopened !== true ? undefined : reopened,
      priority: c.queue?.id === 'vip' || rng.chance(0.12) ? 'haute' : 'normale',
    };
    // At-least-once export: an earlier state of a resolved ticket, superseded by the later updated_at.
    if (resolved !== undefined && firstResponse !== undefined && rng.chance(0.005)) {
      const earlier: Fields = {
        ...fields,
        updated_at: ts(firstResponse),
        resolved_at: undefined,
        reopened: undefined,
        contacts_count: 1,
      };
      world.emit('tickets', 0, createdMs, earlier);
    }
    world.emit('tickets', 0, createdMs, fields);
  };

  const survey = (c: ContactDraft) => {
    const doneMs = c.firstResponseMs ?? c.endedMs;
    if (doneMs === undefined || c.customer === undefined) return;
    const answeredMs = doneMs + Math.min(3 * 86400, Math.round(rng.logNormal(40 * 60, 1.3))) * SECOND;
    if (answeredMs >= cutoffMs) return;
    let q = 0.74 + 0.17 * rng.normal();
    if (c.fcr === true) q += 0.08;
    if (c.fcr === false) q -= 0.22;
    if ((c.wait ?? 0) > 60) q -= 0.15;
    if ((c.wait ?? 0) > 180) q -= 0.2;
    if (c.firstResponseMs !== undefined && c.firstResponseMs - c.offeredMs > 24 * 3600 * SECOND) q -= 0.2;
    q = clamp(q, 0, 1);
    const ts = stamper(zone, rng, 0.3);
    const base: Fields = {
      answered_at: ts(answeredMs),
      contact: c.id,
      ticket: c.ticket,
      team: c.queue?.team,
      queue: c.queue?.id,
      agent: c.agent,
      channel: c.channel,
    };
    const explicit = rng.chance(0.25);
    // The chat tool asks its CSAT question on a 1–10 scale and says so.
    const chatScale = c.channel === 'chat';
    const csat = chatScale
      ? clamp(Math.round(1 + 9 * q + 0.6 * rng.normal()), 1, 10)
      : clamp(Math.round(1 + 4 * q + 0.4 * rng.normal()), 1, 5);
    const top = chatScale ? csat >= 9 : csat >= 4;
    const bottom = chatScale ? csat <= 4 : csat <= 2;
    const comment = rng.chance(0.35)
      ? rng.pick(top ? POSITIVE_COMMENTS : bottom ? NEGATIVE_COMMENTS : NEUTRAL_COMMENTS)
      : undefined;
    const answers: Fields[] = [
      {
        id: `sv-${c.id.slice(3)}-csat`,
        kind: 'csat',
        score: csat,
        scale_min: chatScale || explicit ? 1 : undefined,
        scale_max: chatScale ? 10 : explicit ? 5 : undefined,
        ...base,
        comment,
      },
    ];
    if (rng.chance(0.55)) {
      answers.push({
        id: `sv-${c.id.slice(3)}-nps`,
        kind: 'nps',
        score: clamp(Math.round(10 * q + 0.3 + 1.1 * rng.normal()), 0, 10),
        scale_min: explicit ? 0 : undefined,
        scale_max: explicit ? 10 : undefined,
        ...base,
      });
    }
    if (rng.chance(0.35)) {
      answers.push({
        id: `sv-${c.id.slice(3)}-ces`,
        kind: 'ces',
        score: clamp(Math.round(1 + 6 * q + 0.5 * rng.normal()), 1, 7),
        scale_min: explicit ? 1 : undefined,
        scale_max: explicit ? 7 : undefined,
        ...base,
      });
    }
    for (const a of answers) {
      world.emit('surveys', 0, answeredMs, a);
      // A re-delivered answer, identical: exports are at-least-once.
      if (rng.chance(0.002)) world.emit('surveys', 0, answeredMs, { ...a });
    }
  };

  const emitContact = (c: ContactDraft, ts: Stamp, withUpdated: boolean) => {
    const part = c.channel === 'voice' ? 0 : 1;
    const fields = contactFields(c, ts, rng, withUpdated);
    // An interim record (before after-call work was wrapped up) superseded by the final one.
    if (c.outcome === 'handled' && c.acw !== undefined && c.endedMs !== undefined && rng.chance(0.004)) {
      const interim: Fields = {
        ...fields,
        updated_at: ts(c.endedMs),
        acw_s: undefined,
        reason: undefined,
        resolved_first_contact: undefined,
        converted: undefined,
        transcript: undefined,
        ticket: undefined,
      };
      if (fields.updated_at === undefined) fields.updated_at = ts(c.updatedMs);
      if (rng.chance(0.5)) {
        world.emit('contacts', part, c.offeredMs, interim);
        world.emit('contacts', part, c.offeredMs, fields);
      } else {
        world.emit('contacts', part, c.offeredMs, fields);
        world.emit('contacts', part, c.offeredMs, interim);
      }
      return;
    }
    world.emit('contacts', part, c.offeredMs, fields);
  };

  const newContact = (
    channel: Channel,
    direction: 'inbound' | 'outbound',
    offeredMs: number,
    queue: QueueDef | undefined,
    source: string,
  ): ContactDraft => {
    const reason = queue && rng.chance(0.95) ? rng.weighted(queue.reasons).value : undefined;
    return {
      id: `ct-${ymd}-${String(++contactSeq).padStart(6, '0')}`,
      channel,
      direction,
      offeredMs,
      queue,
      agent: undefined,
      customer: undefined,
      reason,
      source,
    };
  };

  const pickAgent = (queue: QueueDef, atMs: number) => {
    const onDuty = roster.onDuty(zone.localDate(atMs), queue.team);
    return onDuty.length > 0 ? rng.pick(onDuty).id : undefined;
  };

  for (const queue of QUEUES) {
    for (const [channel, weekdayVolume] of Object.entries(queue.volume) as [Channel, number][]) {
      const curve = curveFor(channel, day.weekday);
      const sampler = samplerFor(curve);
      if (sampler.total === 0) continue;
      let factor = DAY_FACTOR[channel][day.weekday] ?? 0;
      if (queue.id === 'facturation' && dayOfMonth <= 5) factor *= 1.25; // bills go out at the start of a month
      const hit = incident && (queue.id === 'technique' || queue.id === 'reseaux-sociaux');
      if (hit) factor *= 1.7;
      const peak = Math.max(...curve);
      const n = rng.poisson(weekdayVolume * factor * rng.logNormal(1, 0.06));
      for (let i = 0; i < n; i++) {
        const offeredMs = sampler.sample(rng);
        const pressure = ((curve[zone.localHour(offeredMs)] ?? 0) / peak) * Math.max(factor, 0.6);
        const c = newContact(channel, 'inbound', offeredMs, queue, channel === 'voice' ? 'connect' : 'digital-hub');
        c.customer = rng.chance(channel === 'voice' ? 0.9 : 0.97) ? customerFor(c.reason) : undefined;
        let ts: Stamp;
        let withUpdated: boolean;

        if (channel === 'voice' || channel === 'chat') {
          ts = stamper(zone, rng, channel === 'voice' ? 0.15 : 0.7);
          withUpdated = channel === 'voice' || rng.chance(0.5);
          const agent = world.voiceHours.isOpen(offeredMs) ? pickAgent(queue, offeredMs) : undefined;
          if (agent === undefined) {
            // The centre is closed: the IVR plays its message, the call never reaches a queue.
            c.queue = undefined;
            c.reason = undefined;
            c.outcome = 'missed';
            c.endedMs = offeredMs + rng.int(12, 45) * SECOND;
            c.updatedMs = c.endedMs;
          } else {
            c.agent = agent;
            queueContact(c, rng, pressure, hit);
            if (c.outcome === 'handled') {
              if (queue.conversion !== undefined) c.converted = rng.chance(queue.conversion);
              if (rng.chance(0.9)) c.fcr = rng.chance(fcrChance(c.reason));
              if (rng.chance(0.1)) c.transcript = transcriptFor(c.reason, rng);
              const ticketP = c.reason === 'Panne internet' || c.reason === 'Réclamation' ? 0.35 : 0.15;
              if (rng.chance(channel === 'voice' ? ticketP : 0.12)) openTicket(c);
              if (rng.chance(0.13)) survey(c);
            }
          }
        } else if (channel === 'bot') {
          ts = stamper(zone, rng, 0.7);
          withUpdated = rng.chance(0.5);
          c.customer = rng.chance(0.6) ? c.customer : undefined;
          c.endedMs = offeredMs + Math.round(clamp(rng.logNormal(150, 0.55), 20, 1200)) * SECOND;
          c.updatedMs = c.endedMs;
          const deflected = rng.chance(0.78);
          c.outcome = deflected ? 'deflected' : 'abandoned';
          const redirect = deflected && rng.chance(0.45);
          c.selfcare = rng.chance(0.8) || redirect ? redirect : undefined;
        } else {
          // Written channels: a reply within opening hours, e-mail in hours, social media in minutes.
          ts = stamper(zone, rng, 0.7);
          withUpdated = rng.chance(0.5);
          const clock = channel === 'social' ? world.socialHours : world.writtenHours;
          const delay =
            channel === 'email'
              ? rng.logNormal(3 * 3600, 0.9)
              : channel === 'social'
                ? rng.logNormal(18 * 60, 0.9)
                : rng.logNormal(40 * 60, 0.8);
          const unanswered = channel === 'social' && rng.chance(0.03);
          const replyMs = unanswered ? Number.POSITIVE_INFINITY : clock.add(offeredMs, delay);
          if (unanswered) c.outcome = 'missed';
          if (replyMs < cutoffMs) {
            c.firstResponseMs = replyMs;
            c.agent = pickAgent(queue, replyMs);
            c.outcome = 'handled';
            c.talk = Math.round(clamp(rng.logNormal(channel === 'email' ? 300 : 120, 0.5), 20, 3600));
            c.updatedMs = replyMs;
            if (rng.chance(0.85)) c.fcr = rng.chance(fcrChance(c.reason) - 0.05);
            if (channel === 'social' && rng.chance(0.12)) c.transcript = transcriptFor(c.reason, rng);
          } else {
            c.updatedMs = offeredMs;
          }
          const ticketP = channel === 'email' ? 0.8 : channel === 'social' ? 0.45 : 0.35;
          if (rng.chance(ticketP)) openTicket(c);
          if (c.outcome === 'handled' && rng.chance(0.08)) survey(c);
        }
        emitContact(c, ts, withUpdated);
      }
    }

    // Outbound campaigns: sales calls from commandes, win-back calls from resiliation.
    if (queue.outbound !== undefined && day.weekday <= 6) {
      const sampler = samplerFor(OUTBOUND);
      const n = rng.poisson(queue.outbound * (day.weekday === 6 ? 0.25 : 1) * rng.logNormal(1, 0.08));
      for (let i = 0; i < n && sampler.total > 0; i++) {
        const offeredMs = sampler.sample(rng);
        const agent = pickAgent(queue, offeredMs);
        if (agent === undefined) continue;
        const c = newContact('voice', 'outbound', offeredMs, queue, 'connect');
        c.agent = agent;
        c.customer = world.customers.pick(rng);
        const ts = stamper(zone, rng, 0.15);
        if (rng.chance(0.58)) {
          c.answeredMs = offeredMs + rng.int(5, 25) * SECOND;
          c.talk = Math.round(clamp(rng.logNormal(200, 0.5), 20, 2400));
          c.hold = rng.chance(0.1) ? rng.int(10, 120) : 0;
          c.acw = rng.int(25, 80);
          c.endedMs = c.answeredMs + (c.talk + c.hold) * SECOND;
          c.outcome = 'handled';
          c.converted = rng.chance(queue.id === 'commandes' ? 0.22 : 0.3);
          if (rng.chance(0.4)) c.fcr = rng.chance(0.8);
          c.updatedMs = c.endedMs + c.acw * SECOND;
        } else {
          c.endedMs = offeredMs + rng.int(20, 35) * SECOND;
          c.outcome = 'missed';
          c.converted = rng.chance(0.5) ? false : undefined;
          c.updatedMs = c.endedMs;
        }
        emitContact(c, ts, true);
      }
    }
  }
}
