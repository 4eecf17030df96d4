import { z } from 'zod';

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

/** The report.json contract (docs/spec.md §4), with Vigie's additions after `rejects`. */
export const reportSchema = z
  .object({
    period: periodSchema,
    scopes: z.array(z.object({ scope: scopeSchema, kpis: z.record(z.string(), kpiEntrySchema) }).strict()),
    alerts: z.array(z.object({ kpi: z.string(), scope: scopeSchema, rule: z.string(), message: z.string() }).strict()),
    rejects: z
      .object({
        count: z.number().int().nonnegative(),
        by_reason: z.record(z.string(), z.number().int().nonnegative()),
        /** The same rejects per export kind, then reason (docs/spec.md §1). */
        by_kind: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())).optional(),
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
        /** Valid, unique records whose local day is among the days the run files. */
        accepted: z.number().int().nonnegative().optional(),
        /** Records that are not customer contacts (or merged legs of one), per reason. */
        excluded: z.record(z.string(), z.number().int().nonnegative()).optional(),
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
    /** The centre's trailing values per KPI (oldest first, ending with this period), for sparklines. */
    series: z.record(z.string(), z.array(z.object({ period: z.string(), value: nullableNumber }).strict())),
  })
  .strict();

export type Report = z.infer<typeof reportSchema>;
export type ReportScope = Report['scopes'][number];
export type KpiEntry = z.infer<typeof kpiEntrySchema>;
export type ReportPeriod = z.infer<typeof periodSchema>;
export type ReportVerbatim = z.infer<typeof verbatimSchema>;

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
