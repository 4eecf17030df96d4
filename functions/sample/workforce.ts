/**
 * Who works when: a rota that is a pure function of (seed, agent, date), so any day's on-duty agents can be
 * asked for in any order (an e-mail answered three days later is answered by someone on duty that day).
 */
import { AGENTS, type AgentDef, ESAT_COMMENTS, TEAMS, type Team } from './centre.js';
import type { Fields } from './model.js';
import { hashUnit, type Random } from './random.js';
import { addDays, epochDay, isoWeekday } from './time.js';

export interface RosterDay {
  readonly agent: AgentDef;
  readonly scheduled_s: number;
  readonly absent_s: number;
}

/** Weeks counted from a Monday, so a rota alternates by ISO week. */
function weekNumber(date: string): number {
  return Math.floor((epochDay(date) + 3) / 7);
}

export class Roster {
  private readonly cache = new Map<string, readonly RosterDay[]>();

  constructor(private readonly seed: number) {}

  private scheduled(agent: AgentDef, index: number, date: string): number {
    const weekday = isoWeekday(date);
    const week = weekNumber(date);
    // About one week of paid leave in fourteen: planned, so not absenteeism.
    if (hashUnit(this.seed, 'leave', agent.id, week) < 0.07) return 0;
    if (weekday <= 5) return agent.partTime && weekday === 3 ? 0 : agent.daily_s;
    if (weekday === 6) {
      const every = agent.team === 'Digital' ? 3 : 4;
      return (index + week) % every === 0 ? 6 * 3600 : 0;
    }
    return agent.team === 'Digital' && (index + week) % 5 === 0 ? 7 * 3600 : 0;
  }

  /** Unplanned absence on a scheduled day: whole days (sometimes two in a row) or a few hours. */
  private absent(agent: AgentDef, date: string, scheduled: number): number {
    if (scheduled === 0) return 0;
    const u = hashUnit(this.seed, 'absence', agent.id, date);
    const sickYesterday = hashUnit(this.seed, 'absence', agent.id, addDays(date, -1)) < 0.03;
    if (u < 0.03 || (sickYesterday && u < 0.5)) return scheduled;
    if (u < 0.065)
      return Math.min(scheduled, 1800 * (1 + Math.floor(hashUnit(this.seed, 'partial', agent.id, date) * 6)));
    return 0;
  }

  /** Every agent's planned day (days off included, with nothing scheduled). */
  day(date: string): readonly RosterDay[] {
    let days = this.cache.get(date);
    if (!days) {
      days = AGENTS.map((agent, index) => {
        const scheduled_s = this.scheduled(agent, index, date);
        return { agent, scheduled_s, absent_s: this.absent(agent, date, scheduled_s) };
      });
      this.cache.set(date, days);
      if (this.cache.size > 64) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return days;
  }

  /** Agents of a team at work on a local date. */
  onDuty(date: string, team: Team): readonly AgentDef[] {
    return this.day(date)
      .filter((d) => d.agent.team === team && d.scheduled_s > 0 && d.absent_s < d.scheduled_s)
      .map((d) => d.agent);
  }
}

/** The workforce export rows of one local day; `worked` and a zero `absent_s` are sometimes left out. */
export function agentDayRows(roster: Roster, date: string, rng: Random): Fields[] {
  return roster.day(date).map((d) => {
    const worked = d.scheduled_s > 0 && d.absent_s < d.scheduled_s;
    return {
      agent: d.agent.id,
      name: d.agent.name,
      date,
      team: d.agent.team,
      scheduled_s: d.scheduled_s,
      worked: rng.chance(0.8) ? worked : undefined,
      absent_s: d.absent_s === 0 && rng.chance(0.3) ? undefined : d.absent_s,
    };
  });
}

/** Employee satisfaction pulse: Friday afternoons, about half of the agents at work answer. */
export function esatAnswers(
  roster: Roster,
  date: string,
  rng: Random,
): { agent: AgentDef; score: number; comment: string | undefined; hourOffsetS: number }[] {
  if (isoWeekday(date) !== 5) return [];
  const answers: { agent: AgentDef; score: number; comment: string | undefined; hourOffsetS: number }[] = [];
  for (const team of TEAMS) {
    // Nord carries the voice peaks and is a little less happy.
    const mood = team === 'Nord' ? [6, 14, 28, 36, 16] : team === 'Sud' ? [4, 9, 24, 42, 21] : [3, 7, 22, 43, 25];
    for (const agent of roster.onDuty(date, team)) {
      if (!rng.chance(0.55)) continue;
      const score = rng.weightedIndex(mood) + 1;
      answers.push({
        agent,
        score,
        comment: rng.chance(0.3) ? rng.pick(ESAT_COMMENTS) : undefined,
        hourOffsetS: rng.int(16 * 3600, 18 * 3600 + 1800),
      });
    }
  }
  return answers;
}
