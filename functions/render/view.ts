/**
 * Report → scorecard view: every figure formatted, every sentence filled, every name clipped. The
 * templates only lay this out (and escape it), so what a scorecard says is decided and tested here.
 * Pure: the strings and the formatter are passed in.
 */
import { CATALOGUE, kpiById } from '../engine/catalogue.js';
import { compareKpi } from '../engine/compare.js';
import { type Formatter, type Locale, pluralOf } from '../engine/format.js';
import type { Family, KpiDefinition } from '../engine/kpi.js';
import {
  type KpiEntry,
  NO_DATA_ENTRY,
  type Report,
  type ReportScope,
  type ReportVerbatim,
  type Status,
} from '../engine/report.js';
import { fill, type Strings } from './locale.js';

/** The KPIs of the headline tiles and of each team's table, in this order. */
export const HEADLINE_KPIS = ['answer_rate', 'service_level', 'aht', 'fcr', 'csat', 'nps'] as const;

/** How many verbatims a scorecard shows at most. */
export const MAX_VERBATIMS = 5;
/** Longest comment shown, in user-perceived characters; the archive keeps the whole text. */
export const MAX_COMMENT = 600;
/** Longest name shown (centre, team, reason, keyword…); longer ones end with "…". */
export const MAX_NAME = 80;

/** A status as shown: a word with its symbol, and colours that only repeat what the word says. */
export interface StatusView {
  readonly kind: Status | 'none';
  readonly label: string;
  readonly color: string;
  readonly background: string;
}

/** One KPI in a tile or a table row. */
export interface KpiView {
  readonly id: string;
  readonly name: string;
  readonly value: string;
  /** "objectif 90,0 %", or `null` without a target. */
  readonly target: string | null;
  readonly status: StatusView;
  /** The change since the previous period ("−2,0 pts"), or the no-data words. */
  readonly change: string;
  readonly hasChange: boolean;
  /** "veille : 88,1 %", or `null` when the previous value is unknown. */
  readonly previous: string | null;
}

export interface BreakdownItemView {
  readonly key: string;
  readonly count: string;
  readonly share: string;
}

/** A breakdown KPI as a small list; `empty` holds the no-data words when there is nothing to list. */
export interface BreakdownView {
  readonly name: string;
  /** "2 345 au total", or `null` when unknown. */
  readonly total: string | null;
  readonly items: readonly BreakdownItemView[];
  readonly empty: string | null;
}

export interface TableView {
  readonly title: string;
  /** Whether the table has a change column (some row has a previous period to compare with). */
  readonly showChange: boolean;
  readonly rows: readonly KpiView[];
  readonly breakdowns: readonly BreakdownView[];
}

export interface VerbatimView {
  readonly score: string;
  readonly meta: string;
  readonly comment: string;
}

export interface ScorecardView {
  readonly lang: Locale;
  readonly subject: string;
  readonly preview: string;
  readonly centre: string;
  readonly title: string;
  readonly period: string;
  readonly timezone: string;
  readonly columns: Strings['columns'];
  readonly headlines: { readonly title: string; readonly pairs: readonly (readonly KpiView[])[] };
  readonly families: readonly TableView[];
  readonly teams: { readonly title: string; readonly tables: readonly TableView[] } | null;
  readonly verbatims: {
    readonly title: string;
    readonly intro: string;
    readonly items: readonly VerbatimView[];
    readonly empty: string | null;
  };
  readonly rejects: string;
  /** What the reader must know before the figures: alerts, days without data, revised days. */
  readonly notices: {
    readonly title: string;
    readonly alerts: readonly string[];
    readonly missing: string | null;
    readonly revised: string | null;
  } | null;
  readonly footer: {
    readonly generated: string;
    readonly archive: { readonly url: string; readonly label: string } | null;
  };
}

const STATUS_COLOURS: Record<StatusView['kind'], { readonly color: string; readonly background: string }> = {
  ok: { color: '#1e6b34', background: '#e6f4ea' },
  warning: { color: '#8a4b00', background: '#fff1d6' },
  breach: { color: '#b3261e', background: '#fde8e7' },
  no_data: { color: '#5f6368', background: '#f1f3f4' },
  none: { color: '#5f6368', background: '#ffffff' },
};

const MISSING: KpiEntry = NO_DATA_ENTRY;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts a text to `max` user-perceived characters (never inside an emoji or a combining sequence). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  let n = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (n === max - 1) return `${out.trimEnd()}…`;
    out += segment;
    n++;
  }
  return out;
}

/** One line for a subject or a preview: no line breaks or control characters from names. */
const oneLine = (text: string): string =>
  text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

interface Context {
  readonly strings: Strings;
  readonly format: Formatter;
  readonly locale: Locale;
  readonly periodKind: Report['period']['kind'];
}

function statusView(entry: KpiEntry, ctx: Context): StatusView {
  // The engine calls a KPI without a target "ok"; the scorecard does not claim a target is met.
  const kind: StatusView['kind'] = entry.status === 'ok' && entry.target === null ? 'none' : entry.status;
  return { kind, label: ctx.strings.status[kind], ...STATUS_COLOURS[kind] };
}

function kpiView(kpi: KpiDefinition, entry: KpiEntry | undefined, ctx: Context): KpiView {
  const e = entry ?? MISSING;
  const { format, strings } = ctx;
  const delta = e.delta ?? compareKpi(kpi.unit, e.value, e.previous).delta;
  return {
    id: kpi.id,
    name: kpi.name[ctx.locale],
    value: format.value(e.value, kpi.unit),
    target: e.target === null ? null : fill(strings.target, { target: format.value(e.target, kpi.unit) }),
    status: statusView(e, ctx),
    change: format.delta(delta, kpi.unit, e.previous),
    hasChange: delta !== null,
    previous:
      e.previous === null
        ? null
        : fill(strings.previous[ctx.periodKind], { previous: format.value(e.previous, kpi.unit) }),
  };
}

/** A channel's name in the locale, else the raw key (own keys only: "constructor" is not a channel name). */
function channelLabel(strings: Strings, key: string): string {
  return Object.hasOwn(strings.channels, key) ? (strings.channels[key] ?? key) : clip(key, MAX_NAME);
}

function breakdownView(kpi: KpiDefinition, entry: KpiEntry | undefined, ctx: Context): BreakdownView {
  const items = entry?.items ?? [];
  const label = (key: string): string =>
    kpi.id === 'contacts_by_channel' ? channelLabel(ctx.strings, key) : clip(key, MAX_NAME);
  return {
    name: kpi.name[ctx.locale],
    total: entry?.value == null ? null : fill(ctx.strings.breakdownTotal, { total: ctx.format.count(entry.value) }),
    items: items.map((i) => ({
      key: label(i.key),
      count: ctx.format.count(i.count),
      share: ctx.format.share(i.share),
    })),
    empty: items.length === 0 ? ctx.strings.noData : null,
  };
}

function table(title: string, rows: KpiView[], breakdowns: BreakdownView[] = []): TableView {
  return { title, showChange: rows.some((r) => r.hasChange), rows, breakdowns };
}

/** The catalogue's families in first-appearance order, each with its KPIs in catalogue order. */
function familyTables(scope: ReportScope | undefined, ctx: Context): TableView[] {
  const families = new Map<Family, KpiDefinition[]>();
  for (const kpi of CATALOGUE) {
    const list = families.get(kpi.family) ?? [];
    list.push(kpi);
    families.set(kpi.family, list);
  }
  return [...families].map(([family, kpis]) =>
    table(
      ctx.strings.families[family],
      kpis.filter((k) => !k.breakdown).map((k) => kpiView(k, scope?.kpis[k.id], ctx)),
      kpis.filter((k) => k.breakdown).map((k) => breakdownView(k, scope?.kpis[k.id], ctx)),
    ),
  );
}

function headlineViews(scope: ReportScope | undefined, ctx: Context): KpiView[] {
  return HEADLINE_KPIS.map((id) => {
    const kpi = kpiById(id);
    if (kpi === undefined) throw new Error(`headline KPI ${id} is not in the catalogue`);
    return kpiView(kpi, scope?.kpis[id], ctx);
  });
}

function pairs<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += 2) out.push(list.slice(i, i + 2));
  return out;
}

/** Lowest scores first (relative to their scale), then the most recent. */
function verbatimViews(verbatims: readonly ReportVerbatim[], ctx: Context): VerbatimView[] {
  const { strings, format } = ctx;
  const relative = (v: ReportVerbatim): number => (v.scale_max > 0 ? v.score / v.scale_max : v.score);
  return [...verbatims]
    .sort((a, b) => relative(a) - relative(b) || Date.parse(b.answered_at) - Date.parse(a.answered_at))
    .slice(0, MAX_VERBATIMS)
    .map((v) => {
      // The agent is left out on purpose: a centre-wide mail is no place to name who got a bad comment.
      const meta = [
        strings.surveyKinds[v.kind],
        v.team === null ? null : fill(strings.verbatims.team, { team: clip(v.team, MAX_NAME) }),
        v.channel === null ? null : channelLabel(strings, v.channel),
        format.shortDateTime(v.answered_at),
      ].filter((p): p is string => p !== null);
      return {
        score: fill(strings.verbatims.score, {
          score: Number.isInteger(v.score) ? format.count(v.score) : format.score(v.score),
          max: format.count(v.scale_max),
        }),
        meta: meta.join(' · '),
        comment: clip(v.comment.trim(), MAX_COMMENT),
      };
    });
}

function noticesOf(report: Report, ctx: Context): ScorecardView['notices'] {
  const days = (dates: readonly string[]) => dates.map((d) => ctx.format.shortDate(d)).join(', ');
  const { notices } = ctx.strings;
  const view = {
    title: notices.alerts,
    alerts: report.alerts.map((a) => clip(a.message, MAX_COMMENT)),
    missing: report.missing_days.length > 0 ? fill(notices.missing, { days: days(report.missing_days) }) : null,
    revised: report.revised.length > 0 ? fill(notices.revised, { days: days(report.revised) }) : null,
  };
  return view.alerts.length > 0 || view.missing !== null || view.revised !== null ? view : null;
}

function rejectsLine(rejects: Report['rejects'], ctx: Context): string {
  const { strings, format } = ctx;
  if (rejects.count === 0) return strings.rejects.none;
  const reasons = Object.entries(rejects.by_reason)
    .filter(([, n]) => n > 0)
    .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .map(([reason, n]) => fill(strings.rejects.reason, { reason: clip(reason, MAX_NAME), count: format.count(n) }))
    .join(', ');
  const sentence = pluralOf(ctx.locale, rejects.count) === 'one' ? strings.rejects.one : strings.rejects.other;
  return fill(sentence, { count: format.count(rejects.count), reasons });
}

function periodWords(report: Report, ctx: Context): { subject: string; period: string } {
  const { strings, format } = ctx;
  const { kind, start, end } = report.period;
  const centre = oneLine(report.centre);
  switch (kind) {
    case 'day':
      return {
        subject: fill(strings.subject.day, { date: format.shortDate(start), centre }),
        period: fill(strings.period.day, { date: format.longDate(start) }),
      };
    case 'week':
      return {
        subject: fill(strings.subject.week, { start: format.shortDate(start), end: format.shortDate(end), centre }),
        period: fill(strings.period.week, { start: format.longDate(start), end: format.longDate(end) }),
      };
    case 'month':
      return {
        subject: fill(strings.subject.month, { month: format.monthYear(start), centre }),
        period: fill(strings.period.month, { month: format.monthYear(start) }),
      };
  }
}

/** Builds the view of a report's scorecard in one language. */
export function scorecardView(
  report: Report,
  args: {
    readonly strings: Strings;
    readonly format: Formatter;
    readonly locale: Locale;
    readonly archiveUrl?: string;
  },
): ScorecardView {
  const ctx: Context = {
    strings: args.strings,
    format: args.format,
    locale: args.locale,
    periodKind: report.period.kind,
  };
  const { strings, format } = ctx;
  const centreScope = report.scopes.find((s) => s.scope.dimension === 'all');
  const headlines = headlineViews(centreScope, ctx);
  const teams = report.scopes.filter((s) => s.scope.dimension === 'team');
  const verbatims = verbatimViews(report.verbatims, ctx);
  const { subject, period } = periodWords(report, ctx);
  return {
    lang: args.locale,
    subject: oneLine(subject),
    preview: oneLine(headlines.map((h) => `${h.name} ${h.value}`).join(' · ')),
    centre: clip(report.centre, MAX_NAME),
    title: strings.title[report.period.kind],
    period,
    timezone: fill(strings.timezone, { timezone: report.period.timezone }),
    columns: strings.columns,
    headlines: { title: strings.headlines, pairs: pairs(headlines) },
    families: familyTables(centreScope, ctx),
    teams:
      teams.length === 0
        ? null
        : {
            title: strings.teams.title,
            tables: teams.map((t) =>
              table(fill(strings.teams.team, { team: clip(t.scope.value ?? '', MAX_NAME) }), headlineViews(t, ctx)),
            ),
          },
    verbatims: {
      title: strings.verbatims.title,
      intro: strings.verbatims.intro,
      items: verbatims,
      empty: verbatims.length === 0 ? strings.verbatims.empty : null,
    },
    rejects: rejectsLine(report.rejects, ctx),
    notices: noticesOf(report, ctx),
    footer: {
      generated: fill(strings.footer.generated, {
        datetime: format.dateTime(report.generated_at),
        timezone: report.period.timezone,
      }),
      archive: args.archiveUrl === undefined ? null : { url: args.archiveUrl, label: strings.footer.archive },
    },
  };
}
