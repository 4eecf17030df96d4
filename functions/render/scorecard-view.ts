/**
 * Report → scorecard view: what changed first, then the data's health when it is in doubt, the alerts,
 * the headline tiles, a table per KPI family, the teams, the verbatims and the data-quality block. Every
 * figure is formatted, every sentence filled, every name clipped here; the templates only lay this out
 * (and escape it), so what a scorecard says is decided and tested here. Pure: strings and formatter in.
 */

import type { AlertRule } from '../engine/alerts.js';
import type { RecipientScope } from '../engine/config.js';
import type { Formatter, Locale } from '../engine/format.js';
import type { Report, ReportScope, ReportVerbatim } from '../engine/report-schema.js';
import { CENTRE, type Scope, scopeKey } from '../engine/scope.js';
import { type ChangesView, changesView } from './changes-view.js';
import {
  familyTables,
  headlineViews,
  type KpiView,
  type SparklineSource,
  type TableView,
  table,
  type ViewContext,
} from './kpi-view.js';
import { fill, type Strings } from './locale.js';
import { channelLabel, clip, MAX_COMMENT, MAX_NAME, oneLine, scopeName } from './names.js';
import { type DataQualityView, dataQualityBanner, dataQualityView } from './quality-view.js';
import { alertFacts, alertSentence, scoped, type Words } from './wording.js';

export type { KpiView, SparklineSource, TableView } from './kpi-view.js';

/** How many verbatims a scorecard shows at most. */
export const MAX_VERBATIMS = 5;

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
  /** "Objectifs : ceux du centre, sauf mention contraire." — a team's own target is written on its row. */
  readonly note: string;
  /** Whether the table has a change column (some row of some group has a change). */
  readonly showChange: boolean;
  readonly tables: readonly TableView[];
}

export interface FooterView {
  readonly generated: string;
  readonly archive: { readonly url: string; readonly label: string } | null;
  /** The KPI definitions beside the archived report, when the archive is on the web. */
  readonly glossary: { readonly url: string; readonly label: string } | null;
}

/** One alert line: fired and still breached read "⚠", recovered "✓"; the sentence says which. */
export interface AlertLineView {
  readonly recovered: boolean;
  readonly text: string;
}

export interface AlertsView {
  readonly title: string;
  readonly items: readonly AlertLineView[];
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
  /** "Ce qui a changé": the moves that matter, grouped into worse, better, and neither. */
  readonly changes: ChangesView | null;
  /** One line at the top when the data may change what a figure says; the details are in `dataQuality`. */
  readonly banner: string | null;
  /** The period's alerts within the recipient's scopes. */
  readonly alerts: AlertsView | null;
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
  readonly dataQuality: DataQualityView | null;
  readonly footer: FooterView;
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

/** The alerts of a report as lines in the reader's language, each prefixed with its scope. */
export function alertLines(
  report: Report,
  alerts: Report['alerts'],
  words: Words,
  rules: readonly AlertRule[] = [],
): AlertsView | null {
  if (alerts.length === 0) return null;
  return {
    title: words.strings.notices.alerts,
    items: alerts.map((a) => {
      const facts = alertFacts(report, a, rules);
      return {
        recovered: facts.kind === 'recovered',
        text: clip(scoped(a.scope, alertSentence(facts, a, words), words, report.centre), MAX_COMMENT),
      };
    }),
  };
}

/** The subject (addressed to `audience`) and the period phrase of a report. */
export function periodWords(
  report: Report,
  ctx: Pick<ViewContext, 'strings' | 'format'>,
  audience: string,
): { subject: string; period: string } {
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

const findScope = (report: Report, scope: Exclude<RecipientScope, 'centre'>): ReportScope | undefined =>
  report.scopes.find((s) =>
    'team' in scope
      ? s.scope.dimension === 'team' && s.scope.value === scope.team
      : s.scope.dimension === 'queue' && s.scope.value === scope.queue,
  );

const asScope = (s: Exclude<RecipientScope, 'centre'>): Scope =>
  'team' in s ? { dimension: 'team', value: s.team } : { dimension: 'queue', value: s.queue };

/** Whether a verbatim belongs to one of the teams or queues a scoped recipient follows. */
function followsVerbatim(scopes: readonly Exclude<RecipientScope, 'centre'>[], v: ReportVerbatim): boolean {
  return scopes.some((s) => ('team' in s ? v.team === s.team : v.queue === s.queue));
}

/**
 * The part of a recipient's scopes their scorecard depends on, each scope once in the order given: with
 * the centre, only the queues listed beside it (the centre's scorecard shows every team anyway). Two
 * recipients whose lists reduce to the same get the same scorecard, so a delivery renders it once.
 */
export function viewedScopes(scopes: readonly RecipientScope[]): RecipientScope[] {
  const centre = scopes.includes('centre');
  const seen = new Set<string>();
  const kept: RecipientScope[] = centre ? ['centre'] : [];
  for (const s of scopes) {
    if (s === 'centre' || (centre && 'team' in s)) continue;
    const key = scopeKey(asScope(s));
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(s);
  }
  return kept;
}

/** Builds the view of a report's scorecard in one language, for the centre or for some teams and queues. */
export function scorecardView(
  report: Report,
  args: {
    readonly strings: Strings;
    readonly format: Formatter;
    readonly locale: Locale;
    readonly archiveUrl?: string;
    /** Where the KPI definitions are: a page beside the archived scorecard, with an anchor per KPI. */
    readonly glossaryUrl?: string;
    /** Whether KPI names link to their definitions (the archived page does; a mail keeps its weight down). */
    readonly linkDefinitions?: boolean;
    /** What the recipient follows; the whole centre unless told. */
    readonly scopes?: readonly RecipientScope[];
    /** Pictures of the centre's trailing series; none unless told. */
    readonly sparkline?: SparklineSource;
    /** The config's alert rules: how alerts of reports archived before alerts carried their type read. */
    readonly rules?: readonly AlertRule[];
    /** The reject share above which the banner speaks up (the `reject_share` rule's threshold). */
    readonly rejectShare?: number;
  },
): ScorecardView {
  const scopes = viewedScopes(args.scopes ?? ['centre']);
  const glossary = args.glossaryUrl;
  const base: ViewContext = {
    strings: args.strings,
    format: args.format,
    locale: args.locale,
    periodKind: report.period.kind,
    series: report.series,
    thresholds: report.thresholds,
    sparkline: null,
    definition: glossary !== undefined && args.linkDefinitions ? (kpi) => `${glossary}#kpi-${kpi}` : null,
  };
  const words: Words = { strings: args.strings, format: args.format, locale: args.locale };
  const { strings } = base;
  const isCentre = scopes.includes('centre');
  const named = scopes.filter((s): s is Exclude<RecipientScope, 'centre'> => s !== 'centre');
  let blocks: ScopeBlockView[];
  const sections: SectionView[] = [];
  if (isCentre) {
    const ctx: ViewContext = { ...base, sparkline: args.sparkline ?? null };
    const centreScope = report.scopes.find((s) => s.scope.dimension === 'all');
    blocks = [
      {
        title: null,
        headlines: { title: strings.headlines, pairs: pairs(headlineViews(centreScope, ctx, 'tile')) },
        families: familyTables(centreScope, ctx, true),
      },
    ];
    const teams = report.scopes.filter((s) => s.scope.dimension === 'team');
    const queues = named.filter((s): s is { queue: string } => 'queue' in s);
    // Twenty teams × six rows is most of a digest's weight: a team's row leaves out the previous value,
    // the definition link and the target when it is the centre's (the section says so), so the digest
    // stays under the size at which Gmail clips it.
    const teamCtx: ViewContext = { ...base, definition: null };
    const scopeTable = (name: string, scope: ReportScope | undefined): TableView =>
      table(
        name,
        headlineViews(scope, teamCtx, 'row').map((row) => {
          const own = scope?.kpis[row.id]?.target ?? null;
          const centres = centreScope?.kpis[row.id]?.target ?? null;
          return { ...row, previous: null, ...(own !== null && own === centres ? { target: null } : {}) };
        }),
      );
    const section = (title: string, tables: TableView[]): SectionView => ({
      title,
      note: strings.teams.targets,
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
        headlines: { title: strings.headlines, pairs: pairs(headlineViews(scope, base, 'tile')) },
        // Families the scope has no figure for at all (customers carry no team) would only say "no data".
        families: familyTables(scope, base, false),
      };
    });
  }
  const verbatims = verbatimViews(
    isCentre ? report.verbatims : report.verbatims.filter((v) => followsVerbatim(named, v)),
    base,
  );
  const audience = isCentre ? report.centre : named.map((s) => oneLine(scopeName(s, strings))).join(', ');
  const { subject, period } = periodWords(report, base, audience);
  const changes = changesView(report, isCentre ? [CENTRE] : named.map(asScope), words);
  const firstHeadlines = blocks[0]?.headlines.pairs.flat() ?? [];
  const figures = firstHeadlines.map((h) => `${h.name} ${h.value}`).join(' · ');
  return {
    lang: args.locale,
    subject: oneLine(subject),
    // The preview line is what an inbox shows under the subject: what changed, else the headline figures.
    preview: oneLine(changes !== null && changes.preview !== '' ? changes.preview : figures),
    centre: clip(report.centre, MAX_NAME),
    title: strings.title[report.period.kind],
    period,
    timezone: fill(strings.timezone, { timezone: report.period.timezone }),
    columns: strings.columns,
    changes,
    banner: dataQualityBanner(report, words, args.rejectShare),
    alerts: alertLines(
      report,
      report.alerts.filter((a) => followsScope(scopes, a.scope)),
      words,
      args.rules,
    ),
    blocks,
    sections,
    verbatims: {
      title: strings.verbatims.title,
      intro: strings.verbatims.intro,
      items: verbatims,
      empty: verbatims.length === 0 ? strings.verbatims.empty : null,
    },
    dataQuality: dataQualityView(report, words),
    footer: footerView(report, base, args.archiveUrl, glossary),
  };
}

/** The footer: when the report was made, and the links to the archived report and the KPI definitions. */
export function footerView(
  report: Report,
  ctx: { readonly strings: Strings; readonly format: Formatter },
  archiveUrl: string | undefined,
  glossaryUrl?: string,
): FooterView {
  return {
    generated: fill(ctx.strings.footer.generated, {
      datetime: ctx.format.dateTime(report.generated_at),
      timezone: report.period.timezone,
    }),
    archive: archiveUrl === undefined ? null : { url: archiveUrl, label: ctx.strings.footer.archive },
    glossary: glossaryUrl === undefined ? null : { url: glossaryUrl, label: ctx.strings.glossary.link },
  };
}
