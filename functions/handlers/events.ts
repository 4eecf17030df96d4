/**
 * The events the handlers accept. The schedules in `infra/` build their payloads from these types, so a
 * schedule whose input the handler would refuse does not compile.
 */
import { z } from 'zod';

/** EventBridge Scheduler substitutes this with the invocation's scheduled time (ISO-8601, UTC). */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/** The nightly job's event: the scheduled time is the run's identity (which local day it reports). */
export const nightlyEventSchema = z.strictObject({
  scheduledTime: z.iso.datetime({ offset: true }),
  /** A manual re-run of one local day, `YYYY-MM-DD`, instead of "yesterday at the scheduled time". */
  date: z.iso.date().optional(),
});
export type NightlyEvent = z.input<typeof nightlyEventSchema>;

/** A digest's event: which kind, and the scheduled time that picks the period just ended. */
export const digestEventSchema = z.strictObject({
  scheduledTime: z.iso.datetime({ offset: true }),
  digest: z.enum(['week', 'month']),
  /** A manual digest of a given period, `2026-W47` or `2026-11`, instead of the one just ended. */
  period: z
    .string()
    .regex(/^\d{4}-(W\d{2}|\d{2})$/)
    .optional(),
});
export type DigestEvent = z.input<typeof digestEventSchema>;

/**
 * An operator's backfill, sent to the nightly function: file the facts of every local day of [from, to]
 * not in the store yet. A long range takes several invocations; each resumes where the last stopped.
 */
export const backfillEventSchema = z.strictObject({
  backfill: z
    .strictObject({ from: z.iso.date(), to: z.iso.date() })
    .refine((b) => b.from <= b.to, 'from must not be after to'),
});
export type BackfillEvent = z.input<typeof backfillEventSchema>;

/** The payload a schedule sends to the nightly handler. */
export const NIGHTLY_SCHEDULE_INPUT: NightlyEvent = { scheduledTime: SCHEDULED_TIME };

/** The payload a schedule sends to the digest handler. */
export function digestScheduleInput(digest: 'week' | 'month'): DigestEvent {
  return { scheduledTime: SCHEDULED_TIME, digest };
}
