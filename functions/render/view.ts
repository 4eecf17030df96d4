/**
 * Report → scorecard view: every figure formatted, every sentence filled, every name clipped. The
 * templates only lay this out (and escape it), so what a scorecard says is decided and tested here.
 * Pure: the strings and the formatter are passed in.
 */
import { CATALOGUE, kpiById } from '../engine/catalogue.js';
import { compareKpi } from '../engine/compare.js';
import type { RecipientScope } from '../engine/config.js';
import { type Formatter, type Locale, pluralOf } from '../engine/format.js';
import type { Family, KpiDefinition } from '../engine/kpi.js';
import {
  type KpiEntry,
  NO_DATA_ENTRY,
  type Report,
  type ReportScope,
  type ReportVerbatim,
  type Status,
} from '../engine/report-schema.js';
import { sparklineAlt } from './charts.js';
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
  /** Also the template's class (`vg-ok`, `vg-breach`…), whose colours only repeat what the word says. */
  readonly kind: Status | 'none';
  readonly label: string;
}

/** Where a sparkline's picture is (a `cid:` URL in a mail, a file beside the archived page) and its size. */
export interface ImageRef {
  readonly src: string;
  readonly width: number;
  readonly height: number;
}

/** A sparkline as the templates show it: an `<img>` with its size and its numbers as alt text. */
export interface SparklineView extends ImageRef {
  readonly alt: string;
}

/** The two sizes a sparkline is drawn at: in a headline tile, and in a table row. */
export type SparklineSize = 'tile' | 'row';

/** Finds the picture of a KPI's trailing series, `null` when there is none (no series, too few values). */
export type SparklineSource = (kpi: string, size: SparklineSize) => ImageRef | null;

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
  /** The trend over the trailing periods (centre figures only: the report has no series per team). */
  readonly sparkline: SparklineView | null;
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

/** The figures of one scope: headline tiles, then a table per KPI family. */
export interface ScopeBlockView {
  /** "Équipe Sud" in a team's digest; `null` for the centre (the header already names it). */
  readonly title: string | null;
  readonly headlines: { readonly title: string; readonly pairs: readonly (readonly KpiView[])[] };
  readonly families: readonly TableView[];
}

/** A list of scopes, a group of headline KPI rows each ("Par équipe"), laid out as one table. */
export interface SectionView {
  readonly title: string;
  /** Whether the table has a change column (some row of some group has a change). */
  readonly showChange: boolean;
  readonly tables: readonly TableView[];
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
  /** The centre, or each team or queue a scoped recipient follows. */
  readonly blocks: readonly ScopeBlockView[];
  /** The centre's teams (and queues a centre recipient asked for), a table each. */
  readonly sections: readonly SectionView[];
  readonly verbatims: {
    readonly title: string;
    readonly intro: string;
    readonly items: readonly VerbatimView[];
    readonly empty: string | null;
  };
  readonly rejects: string;
  /** What the reader must know before the figures: alerts, days without data, revised days. */
  readonly notices: NoticesView | null;
  readonly footer: FooterView;
}

export interface NoticesView {
  readonly title: string;
  readonly alerts: readonly string[];
  readonly missing: string | null;
  readonly revised: string | null;
}

export interface FooterView {
  readonly generated: string;
  readonly archive: { readonly url: string; readonly label: string } | null;
}

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
export const oneLine = (text: string): string =>
  text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** What building a view needs besides the report: words, formatting, and where sparklines are. */
export interface ViewContext {
  readonly strings: Strings;
  readonly format: Formatter;
  readonly locale: Locale;
  readonly periodKind: Report['period']['kind'];
  readonly series: Report['series'];
  /** Set while building the centre's figures, the only scope with trailing series. */
  readonly sparkline: SparklineSource | null;
}

function statusView(entry: KpiEntry, ctx: ViewContext): StatusView {
  // The engine calls a KPI without a target "ok"; the scorecard does not claim a target is met.
  const kind: StatusView['kind'] = entry.status === 'ok' && entry.target === null ? 'none' : entry.status;
  return { kind, label: ctx.strings.status[kind] };
}

/** A KPI's sparkline with its numbers as alt text, or `null` without a picture to show. */
export function sparklineView(
  kpi: KpiDefinition,
  size: SparklineSize,
  ctx: Pick<ViewContext, 'strings' | 'format' | 'locale' | 'periodKind' | 'series' | 'sparkline'>,
): SparklineView | null {
  const image = ctx.sparkline?.(kpi.id, size) ?? null;
  const series = ctx.series[kpi.id];
  if (image === null || series === undefined) return null;
  const label = fill(ctx.strings.sparkline[ctx.periodKind], { kpi: kpi.name[ctx.locale], count: series.length });
  const points = series.map((p) => ({ label: p.period, value: p.value }));
  return { ...image, alt: sparklineAlt(label, points, (v) => ctx.format.value(v, kpi.unit), ctx.locale) };
}

/** One KPI as a tile or a table row shows it. */
export function kpiView(
  kpi: KpiDefinition,
  entry: KpiEntry | undefined,
  ctx: ViewContext,
  size: SparklineSize,
): KpiView {
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
    sparkline: sparklineView(kpi, size, ctx),
  };
}

/** A channel's name in the locale, else the raw key (own keys only: "constructor" is not a channel name). */
function channelLabel(strings: Strings, key: string): string {
  return Object.hasOwn(strings.channels, key) ? (strings.channels[key] ?? key) : clip(key, MAX_NAME);
}

function breakdownView(kpi: KpiDefinition, entry: KpiEntry | undefined, ctx: ViewContext): BreakdownView {
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

/** A table of KPI rows; it has a change column when some row has a change. */
export function table(title: string, rows: KpiView[], breakdowns: BreakdownView[] = []): TableView {
  return { title, showChange: rows.some((r) => r.hasChange), rows, breakdowns };
}

/** The catalogue's families in first-appearance order, each with its KPIs in catalogue order. */
function familyTables(scope: ReportScope | undefined, ctx: ViewContext, keepEmpty: boolean): TableView[] {
  const families = new Map<Family, KpiDefinition[]>();
  for (const kpi of CATALOGUE) {
    const list = families.get(kpi.family) ?? [];
    list.push(kpi);
    families.set(kpi.family, list);
  }
  return [...families]
    .filter(([, kpis]) => keepEmpty || kpis.some((k) => (scope?.kpis[k.id]?.value ?? null) !== null))
    .map(([family, kpis]) =>
      table(
        ctx.strings.families[family],
        kpis.filter((k) => !k.breakdown).map((k) => kpiView(k, scope?.kpis[k.id], ctx, 'row')),
        kpis.filter((k) => k.breakdown).map((k) => breakdownView(k, scope?.kpis[k.id], ctx)),
      ),
    );
}

function headlineViews(scope: ReportScope | undefined, ctx: ViewContext): KpiView[] {
  return HEADLINE_KPIS.map((id) => {
    const kpi = kpiById(id);
    if (kpi === undefined) throw new Error(`headline KPI ${id} is not in the catalogue`);
    return kpiView(kpi, scope?.kpis[id], ctx, 'tile');
  });
}

function pairs<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += 2) out.push(list.slice(i, i + 2));
  return out;
}

/** Lowest scores first (relative to their scale), then the most recent. */
function verbatimViews(verbatims: readonly ReportVerbatim[], ctx: ViewContext): VerbatimView[] {
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

function noticesOf(
  report: Report,
  ctx: ViewContext,
  alerts: Report['alerts'],
  line: (alert: Report['alerts'][number]) => string = (a) => a.message,
): NoticesView | null {
  const days = (dates: readonly string[]) => dates.map((d) => ctx.format.shortDate(d)).join(', ');
  const { notices } = ctx.strings;
  const view = {
    title: notices.alerts,
    alerts: alerts.map((a) => clip(line(a), MAX_COMMENT)),
    missing: report.missing_days.length > 0 ? fill(notices.missing, { days: days(report.missing_days) }) : null,
    revised: report.revised.length > 0 ? fill(notices.revised, { days: days(report.revised) }) : null,
  };
  return view.alerts.length > 0 || view.missing !== null || view.revised !== null ? view : null;
}

function rejectsLine(rejects: Report['rejects'], ctx: ViewContext): string {
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

/** The subject (addressed to `audience`) and the period phrase of a report. */
export function periodWords(report: Report, ctx: ViewContext, audience: string): { subject: string; period: string } {
  const { strings, format } = ctx;
  const { kind, start, end } = report.period;
  const centre = oneLine(audience);
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

/** Whether a report scope is one of a recipient's scopes (the centre covers every scope). */
export function followsScope(scopes: readonly RecipientScope[], scope: ReportScope['scope']): boolean {
  return scopes.some((s) =>
    s === 'centre'
      ? true
      : 'team' in s
        ? scope.dimension === 'team' && scope.value === s.team
        : scope.dimension === 'queue' && scope.value === s.queue,
  );
}

/** A team's or a queue's name as a title: "Équipe Sud", "File Particuliers". */
export function scopeName(scope: Exclude<RecipientScope, 'centre'>, strings: Strings): string {
  return 'team' in scope
    ? fill(strings.teams.team, { team: clip(scope.team, MAX_NAME) })
    : fill(strings.queues.queue, { queue: clip(scope.queue, MAX_NAME) });
}

const findScope = (report: Report, scope: Exclude<RecipientScope, 'centre'>): ReportScope | undefined =>
  report.scopes.find((s) =>
    'team' in scope
      ? s.scope.dimension === 'team' && s.scope.value === scope.team
      : s.scope.dimension === 'queue' && s.scope.value === scope.queue,
  );

/** Builds the view of a report's scorecard in one language, for the centre or for some teams and queues. */
export function scorecardView(
  report: Report,
  args: {
    readonly strings: Strings;
    readonly format: Formatter;
    readonly locale: Locale;
    readonly archiveUrl?: string;
    /** What the recipient follows; the whole centre unless told. */
    readonly scopes?: readonly RecipientScope[];
    /** Pictures of the centre's trailing series; none unless told. */
    readonly sparkline?: SparklineSource;
    /** An alert as one line in the recipient's language; the report's own message (first recipient's language) unless told. */
    readonly alertLine?: (alert: Report['alerts'][number]) => string;
  },
): ScorecardView {
  const scopes = args.scopes ?? ['centre'];
  const base: ViewContext = {
    strings: args.strings,
    format: args.format,
    locale: args.locale,
    periodKind: report.period.kind,
    series: report.series,
    sparkline: null,
  };
  const { strings } = base;
  const isCentre = scopes.includes('centre');
  const named = scopes.filter((s): s is Exclude<RecipientScope, 'centre'> => s !== 'centre');
  let blocks: ScopeBlockView[];
  let sections: SectionView[] = [];
  if (isCentre) {
    const ctx: ViewContext = { ...base, sparkline: args.sparkline ?? null };
    const centreScope = report.scopes.find((s) => s.scope.dimension === 'all');
    blocks = [
      {
        title: null,
        headlines: { title: strings.headlines, pairs: pairs(headlineViews(centreScope, ctx)) },
        families: familyTables(centreScope, ctx, true),
      },
    ];
    const teams = report.scopes.filter((s) => s.scope.dimension === 'team');
    const queues = named.filter((s): s is { queue: string } => 'queue' in s);
    // Twenty teams × six rows is most of a digest's weight: a team's row leaves the previous value
    // out (its change says as much), so the digest stays under the size at which Gmail clips it.
    const scopeTable = (name: string, scope: ReportScope | undefined): TableView =>
      table(
        name,
        headlineViews(scope, base).map((row) => ({ ...row, previous: null })),
      );
    const section = (title: string, tables: TableView[]): SectionView => ({
      title,
      showChange: tables.some((t) => t.showChange),
      tables,
    });
    if (teams.length > 0) {
      sections.push(
        section(
          strings.teams.title,
          teams.map((t) => scopeTable(scopeName({ team: t.scope.value ?? '' }, strings), t)),
        ),
      );
    }
    if (queues.length > 0) {
      sections.push(
        section(
          strings.queues.title,
          queues.map((q) => scopeTable(scopeName(q, strings), findScope(report, q))),
        ),
      );
    }
  } else {
    // A team's figures only: the centre's series would be a misleading trend for a team, so no sparklines.
    blocks = named.map((s) => {
      const scope = findScope(report, s);
      return {
        title: scopeName(s, strings),
        headlines: { title: strings.headlines, pairs: pairs(headlineViews(scope, base)) },
        // Families the scope has no figure for at all (customers carry no team) would only say "no data".
        families: familyTables(scope, base, false),
      };
    });
    sections = [];
  }
  const verbatims = verbatimViews(
    isCentre ? report.verbatims : report.verbatims.filter((v) => followsVerbatim(named, v)),
    base,
  );
  const audience = isCentre ? report.centre : named.map((s) => oneLine(scopeName(s, strings))).join(', ');
  const { subject, period } = periodWords(report, base, audience);
  const firstHeadlines = blocks[0]?.headlines.pairs.flat() ?? [];
  return {
    lang: args.locale,
    subject: oneLine(subject),
    preview: oneLine(firstHeadlines.map((h) => `${h.name} ${h.value}`).join(' · ')),
    centre: clip(report.centre, MAX_NAME),
    title: strings.title[report.period.kind],
    period,
    timezone: fill(strings.timezone, { timezone: report.period.timezone }),
    columns: strings.columns,
    blocks,
    sections,
    verbatims: {
      title: strings.verbatims.title,
      intro: strings.verbatims.intro,
      items: verbatims,
      empty: verbatims.length === 0 ? strings.verbatims.empty : null,
    },
    rejects: rejectsLine(report.rejects, base),
    notices: noticesOf(
      report,
      base,
      report.alerts.filter((a) => followsScope(scopes, a.scope)),
      args.alertLine,
    ),
    footer: footerView(report, base, args.archiveUrl),
  };
}

/** Whether a verbatim belongs to one of the teams or queues a scoped recipient follows. */
function followsVerbatim(scopes: readonly Exclude<RecipientScope, 'centre'>[], v: ReportVerbatim): boolean {
  return scopes.some((s) => ('team' in s ? v.team === s.team : v.queue === s.queue));
}

/** The footer: when the report was made, and the link to the archived report when there is one. */
export function footerView(
  report: Report,
  ctx: { readonly strings: Strings; readonly format: Formatter },
  archiveUrl: string | undefined,
): FooterView {
  return {
    generated: fill(ctx.strings.footer.generated, {
      datetime: ctx.format.dateTime(report.generated_at),
      timezone: report.period.timezone,
    }),
    archive: archiveUrl === undefined ? null : { url: archiveUrl, label: ctx.strings.footer.archive },
  };
}
