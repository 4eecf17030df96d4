import { z } from 'zod';
import { ALERT_KINDS, ALERT_TYPES } from './alerts.js';

/** Status of a KPI against its target. */
export const STATUSES = ['ok', 'warning', 'breach', 'no_data'] as const;
export type Status = (typeof STATUSES)[number];

const scopeSchema = z.union([
  z.object({ dimension: z.literal('all'), value: z.null() }).strict(),
  z.object({ dimension: z.enum(['team', 'queue', 'channel', 'agent']), value: z.string() }).strict(),
]);

const nullableNumber = z.number().finite().nullable();

const breakdownItemSchema = z
  .object({ key: z.string(), count: z.number().finite(), share: z.number().min(0).max(1) })
  .strict();

export const kpiEntrySchema = z
  .object({
    value: nullableNumber,
    numerator: nullableNumber,
    denominator: nullableNumber,
    target: nullableNumber,
    status: z.enum(STATUSES),
    previous: nullableNumber,
    /** In points for `%` and `pts` KPIs, else in the KPI's unit. */
    delta: nullableNumber,
    /** For counts, durations, scores and amounts: the change in percent of the previous value. */
    delta_percent: nullableNumber.optional(),
    /** The same period a year earlier, where stored facts exist. */
    last_year: nullableNumber.optional(),
    /** Day reports only: the same weekday a week earlier (Mondays compare with Mondays). */
    same_weekday_last_week: nullableNumber.optional(),
    items: z.array(breakdownItemSchema).optional(),
  })
  .strict();

export const periodSchema = z
  .object({
    kind: z.enum(['day', 'week', 'month']),
    start: z.iso.date(),
    end: z.iso.date(),
    timezone: z.string().min(1),
  })
  .strict();

const verbatimSchema = z
  .object({
    answered_at: z.iso.datetime({ offset: true }),
    kind: z.enum(['csat', 'nps', 'ces', 'esat']),
    score: z.number(),
    scale_max: z.number(),
    comment: z.string(),
    team: z.string().nullable(),
    queue: z.string().nullable(),
    channel: z.string().nullable(),
    agent: z.string().nullable(),
  })
  .strict();

const counts = z.record(z.string(), z.number().int().nonnegative());

/**
 * An alert of the period (docs/spec.md §4: kpi, scope, rule, message), with what the engine knows of it:
 * its kind and numbers. The message is worded by the render layer in the first recipient's language;
 * the other fields are optional only so that reports archived before them still read.
 */
const alertSchema = z
  .object({
    kpi: z.string(),
    scope: scopeSchema,
    rule: z.string(),
    message: z.string(),
    kind: z.enum(ALERT_KINDS).optional(),
    type: z.enum(ALERT_TYPES).optional(),
    value: nullableNumber.optional(),
    previous: nullableNumber.optional(),
    target: nullableNumber.optional(),
    threshold: nullableNumber.optional(),
    delta: nullableNumber.optional(),
    delta_percent: nullableNumber.optional(),
    /** `reject_share`: the export kind, its rejected records and the records read. */
    source: z.string().optional(),
    count: z.number().int().nonnegative().optional(),
    total: z.number().int().nonnegative().optional(),
  })
  .strict();

/** A move worth a sentence at the top of a scorecard ("Ce qui a changé"), as numbers. */
export const changeSchema = z
  .object({
    kpi: z.string(),
    scope: scopeSchema,
    /** Why it was picked: a status change, a move wider than the warning band, or among the largest relative moves. */
    reason: z.enum(['status', 'band', 'move']),
    /** The period compared with: the previous one, or for a day the same weekday a week earlier. */
    against: z.enum(['previous', 'same_weekday_last_week']),
    /** First date of the period compared with. */
    against_start: z.iso.date(),
    value: z.number().finite(),
    reference: z.number().finite(),
    /** As `compareKpi` gives it: points for `%` and `pts` KPIs, the unit otherwise. */
    delta: z.number().finite(),
    delta_percent: nullableNumber,
    /** Good or bad for this KPI (its catalogue direction), not the sign of the change. */
    quality: z.enum(['better', 'worse', 'neutral']),
    target: nullableNumber,
    status: z.enum(STATUSES),
    reference_status: z.enum(STATUSES),
    /** The same period a year earlier and the change since, when stored. */
    last_year: nullableNumber,
    last_year_delta: nullableNumber,
  })
  .strict();

/** The report.json contract (docs/spec.md §4), with Vigie's additions after `rejects`. */
export const reportSchema = z
  .object({
    period: periodSchema,
    scopes: z.array(z.object({ scope: scopeSchema, kpis: z.record(z.string(), kpiEntrySchema) }).strict()),
    alerts: z.array(alertSchema),
    rejects: z
      .object({
        count: z.number().int().nonnegative(),
        by_reason: counts,
        /** The same rejects per export kind, then reason (docs/spec.md §1). */
        by_kind: z.record(z.string(), counts).optional(),
      })
      .strict(),
    centre: z.string(),
    generated_at: z.iso.datetime({ offset: true }),
    /**
     * The ledger of docs/spec.md §1: records = accepted + rejects.count + duplicates + Σ excluded +
     * Σ outside_window, over the UTC partitions of the period's days.
     */
    inputs: z
      .object({
        files: z.number().int().nonnegative(),
        records: z.number().int().nonnegative(),
        duplicates: z.number().int().nonnegative(),
        /** Records read per export kind, rejected ones included: what a reject share is a share of. */
        records_by_kind: counts.optional(),
        /** Valid, unique records whose local day is among the days the run files. */
        accepted: z.number().int().nonnegative().optional(),
        /** Records that are not customer contacts (or merged legs of one), per reason. */
        excluded: counts.optional(),
        /** Valid records whose local day is not among the days the run files, per day. */
        outside_window: z.record(z.iso.date(), z.number().int().nonnegative()).optional(),
        /** Days whose partitions hold a file that could not be read (`unreadable_file`): their figures miss it. */
        incomplete_days: z.array(z.iso.date()).optional(),
        /** Days before the look-back whose exports changed after they were filed, and how to restate each. */
        late_days: z.array(z.object({ date: z.iso.date(), command: z.string() }).strict()).optional(),
      })
      .strict(),
    verbatims: z.array(verbatimSchema),
    /** Local days of the period without facts: the figures cover the other days only. */
    missing_days: z.array(z.iso.date()),
    /** Past days whose figures changed since they were first reported (late data): "révisé". */
    revised: z.array(z.iso.date()),
    /**
     * The centre's trailing values per KPI (oldest first, ending with this period), for sparklines:
     * 28 days (closed days left out), 12 weeks or 13 months; `null` where the store lacks the period.
     */
    series: z.record(z.string(), z.array(z.object({ period: z.string(), value: nullableNumber }).strict())),
    /** Trailing periods drawn as gaps, and the backfill command that would file their days. */
    trend_gaps: z
      .object({
        periods: z.array(z.string()).min(1),
        from: z.iso.date(),
        to: z.iso.date(),
        command: z.string(),
      })
      .strict()
      .optional(),
    /** The moves worth a sentence, per scope (centre, teams, queues), picked by `notableChanges`. */
    changes: z.array(changeSchema).optional(),
    /** T, S and D of the catalogue as configured, so a KPI's line can say "en 20 s". */
    thresholds: z
      .object({
        service_level_s: z.number().finite().positive(),
        short_abandon_s: z.number().finite().nonnegative(),
        social_reply_s: z.number().finite().positive(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Report = z.infer<typeof reportSchema>;
export type ReportScope = Report['scopes'][number];
export type KpiEntry = z.infer<typeof kpiEntrySchema>;
export type ReportPeriod = z.infer<typeof periodSchema>;
export type ReportVerbatim = z.infer<typeof verbatimSchema>;
export type ReportAlert = z.infer<typeof alertSchema>;
export type ReportChange = z.infer<typeof changeSchema>;

/** A KPI entry without data: value, parts, target and comparison unknown ("pas de données"). */
export const NO_DATA_ENTRY: Readonly<KpiEntry> = Object.freeze({
  value: null,
  numerator: null,
  denominator: null,
  target: null,
  status: 'no_data',
  previous: null,
  delta: null,
});
