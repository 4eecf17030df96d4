/**
 * KPIs as tiles and table rows: each figure formatted, its status in words, its change coloured and
 * worded by whether it is good or bad for that KPI (a falling handling time is "mieux"), its name
 * carrying its threshold ("Niveau de service (en 20 s)"), its trend picture with the numbers as alt text.
 */
import { CATALOGUE, kpiById } from '../engine/catalogue.js';
import { changeQuality, compareKpi, type Quality } from '../engine/delta.js';
import type { Formatter, Locale } from '../engine/format.js';
import type { Family, KpiDefinition } from '../engine/kpi.js';
import { type KpiEntry, NO_DATA_ENTRY, type Report, type ReportScope, type Status } from '../engine/report-schema.js';
import { sparklineAlt } from './charts.js';
import { fill, type Strings } from './locale.js';
import { channelLabel, clip, MAX_NAME } from './names.js';
import { kpiLabel } from './wording.js';

/** The KPIs of the headline tiles and of each team's table, in this order. */
export const HEADLINE_KPIS = ['answer_rate', 'service_level', 'aht', 'fcr', 'csat', 'nps'] as const;

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

/** The two sizes a sparkline is shown at: in a headline tile, and in a table row. */
export type SparklineSize = 'tile' | 'row';

/** Finds the picture of a KPI's trailing series, `null` when there is none (no series, too few values). */
export type SparklineSource = (kpi: string, size: SparklineSize) => ImageRef | null;

/** One KPI in a tile or a table row. */
export interface KpiView {
  readonly id: string;
  /** The KPI's name, with its threshold where its definition has one. */
  readonly name: string;
  /** Where its definition is (the archived page's glossary), or `null`. */
  readonly href: string | null;
  readonly value: string;
  /** "objectif 90,0 %", or `null` without a target (or when the table says the centre's targets apply). */
  readonly target: string | null;
  /** Whether the KPI has a target here, so its status says something. */
  readonly hasTarget: boolean;
  readonly status: StatusView;
  /** The change since the previous period ("−2,0 pts"), or the no-data words. */
  readonly change: string;
  readonly hasChange: boolean;
  /** Whether the change is good or bad for this KPI: the change's colour class (`vg-better`…). */
  readonly quality: Quality;
  /** "mieux" / "moins bien", or `null` for a change that is neither. */
  readonly qualityWord: string | null;
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
  readonly href: string | null;
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

/** What building KPI views needs besides the report: words, formatting, and where pictures and definitions are. */
export interface ViewContext {
  readonly strings: Strings;
  readonly format: Formatter;
  readonly locale: Locale;
  readonly periodKind: Report['period']['kind'];
  readonly series: Report['series'];
  readonly thresholds: Report['thresholds'];
  /** Set while building the centre's figures, the only scope with trailing series. */
  readonly sparkline: SparklineSource | null;
  /** A KPI's definition link, when the page has a glossary beside it. */
  readonly definition: ((kpi: string) => string) | null;
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
  const e = entry ?? NO_DATA_ENTRY;
  const { format, strings } = ctx;
  const delta = e.delta ?? compareKpi(kpi.unit, e.value, e.previous).delta;
  const quality = changeQuality(kpi.better, delta, kpi.unit);
  return {
    id: kpi.id,
    name: kpiLabel(kpi, ctx, ctx.thresholds),
    href: ctx.definition?.(kpi.id) ?? null,
    value: format.value(e.value, kpi.unit),
    target: e.target === null ? null : fill(strings.target, { target: format.value(e.target, kpi.unit) }),
    hasTarget: e.target !== null,
    status: statusView(e, ctx),
    change: format.delta(delta, kpi.unit, e.previous),
    hasChange: delta !== null,
    quality,
    qualityWord: quality === 'neutral' ? null : strings.quality[quality],
    previous:
      e.previous === null
        ? null
        : fill(strings.previous[ctx.periodKind], { previous: format.value(e.previous, kpi.unit) }),
    sparkline: sparklineView(kpi, size, ctx),
  };
}

function breakdownView(kpi: KpiDefinition, entry: KpiEntry | undefined, ctx: ViewContext): BreakdownView {
  const items = entry?.items ?? [];
  const label = (key: string): string =>
    kpi.id === 'contacts_by_channel' ? channelLabel(ctx.strings, key) : clip(key, MAX_NAME);
  return {
    name: kpi.name[ctx.locale],
    href: ctx.definition?.(kpi.id) ?? null,
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
export function familyTables(scope: ReportScope | undefined, ctx: ViewContext, keepEmpty: boolean): TableView[] {
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

/** The headline KPIs of a scope, as tiles or rows. */
export function headlineViews(scope: ReportScope | undefined, ctx: ViewContext, size: SparklineSize): KpiView[] {
  return HEADLINE_KPIS.map((id) => {
    const kpi = kpiById(id);
    if (kpi === undefined) throw new Error(`headline KPI ${id} is not in the catalogue`);
    return kpiView(kpi, scope?.kpis[id], ctx, size);
  });
}
