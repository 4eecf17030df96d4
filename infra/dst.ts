/**
 * Local times a daily schedule would miss: EventBridge Scheduler skips an invocation whose local time does
 * not exist (clocks going forward), so a nightly run at 02:30 in Europe/Paris is skipped once a year.
 */

export interface LocalTime {
  readonly hour: number;
  readonly minute: number;
}

/** The local wall-clock time of an instant in a zone, as minutes since midnight and the local date. */
function wallClock(instant: Date, format: Intl.DateTimeFormat): { date: string; minutes: number } {
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/**
 * The local dates of `year` on which `time` does not exist in `zone` (the clock jumps over it).
 *
 * @example
 * skippedLocalTimes('Europe/Paris', { hour: 2, minute: 30 }, 2026) // ['2026-03-29']
 */
export function skippedLocalTimes(zone: string, time: LocalTime, year = new Date().getUTCFullYear()): string[] {
  const target = time.hour * 60 + time.minute;
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const skipped: string[] = [];
  // Walk the year by quarter-hours: a jump shows as consecutive quarter-hours whose wall clocks are more than
  // 15 minutes apart (every offset change is a multiple of 15 minutes).
  const step = 15 * 60_000;
  let previous = wallClock(new Date(Date.UTC(year, 0, 1)), format);
  for (let t = Date.UTC(year, 0, 1) + step; t < Date.UTC(year + 1, 0, 1); t += step) {
    const current = wallClock(new Date(t), format);
    const before = current.date === previous.date ? previous.minutes : previous.minutes - 24 * 60;
    // The wall clock moved more than 15 minutes in 15 real minutes: the times in between never happened.
    if (current.minutes - before > 15 && target >= before + 15 && target < current.minutes) skipped.push(current.date);
    previous = current;
  }
  return skipped;
}
