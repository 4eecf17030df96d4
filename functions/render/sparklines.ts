/**
 * The trend pictures of a report: the centre's trailing series (`report.series`) drawn once per
 * distinct series, shared by every locale and recipient (a picture has no words; its alt text is set
 * by the view). A picture is drawn at a headline tile's size and shown, scaled, in table rows too: the
 * two sizes have the same proportions, so one attachment per series serves both.
 *
 * Pictures are named by a hash of their series, so identical series share one attachment, and a
 * `cid:` or a file name is stable across re-renders of the same report.
 */
import { fingerprint } from '../common/fingerprint.js';
import { CATALOGUE } from '../engine/catalogue.js';
import type { Unit } from '../engine/kpi.js';
import type { Report } from '../engine/report-schema.js';
import { PngRendererUnavailableError, sparklinePng } from './charts.js';
import type { ImageRef, SparklineSize, SparklineSource } from './kpi-view.js';

/** CSS pixels of a sparkline: wide enough to read a trend, narrow enough for a 375 px phone column. */
export const SPARKLINE_SIZES: Readonly<Record<SparklineSize, { readonly width: number; readonly height: number }>> = {
  tile: { width: 112, height: 28 },
  row: { width: 72, height: 18 },
};

/**
 * The least a trend's y axis spans, per unit (in the series' values: ratios for `%`): 4 points of a
 * rate, 10 points of NPS, 20 s, 5 % of a count's level (at least 10), 0.5 of a mean score, 5 % of an
 * amount. A series that moves less is drawn flat-ish: noise is not a cliff.
 */
export function minSpanOf(unit: Unit, values: readonly number[]): number {
  const level = values.length === 0 ? 0 : Math.max(...values.map(Math.abs));
  switch (unit) {
    case '%':
      return 0.04;
    case 'pts':
      return 10;
    case 's':
      return Math.max(20, level * 0.05);
    case 'count':
      return Math.max(10, level * 0.05);
    case 'score':
      return 0.5;
    case 'currency':
      return Math.max(0.1, level * 0.05);
  }
}

/** A trend needs two known values; fewer would draw a dot or nothing. */
const MIN_KNOWN = 2;

/** One drawn sparkline. */
export interface SparklineImage {
  /** Hash of the series it draws: the file stem and the Content-ID's local part. */
  readonly name: string;
  readonly png: Uint8Array;
  /** CSS pixels it is drawn at (the tile size); rows show it smaller. */
  readonly width: number;
  readonly height: number;
}

/** The pictures of one report, each distinct series once. */
export interface ReportSparklines {
  readonly images: readonly SparklineImage[];
  /** The picture of a KPI's series (the same at every size), or `null` when it has too few values. */
  image(kpi: string, size?: SparklineSize): SparklineImage | null;
}

/** A Content-ID for an image (no angle brackets): the HTML refers to it as `cid:<cid>`. */
export const cidOf = (image: SparklineImage): string => `spark-${image.name}@vigie`;

/** Where the archived page finds an image, relative to the page: a folder beside it. */
export const archiveFileOf = (image: SparklineImage): string => `sparklines/${image.name}.png`;

/** Draws the trend of every KPI a report's scorecard shows (centre figures only), one picture per distinct series. */
export async function reportSparklines(report: Report): Promise<ReportSparklines> {
  const byName = new Map<string, SparklineImage>();
  const byKpi = new Map<string, SparklineImage>();
  const { width, height } = SPARKLINE_SIZES.tile;
  for (const kpi of CATALOGUE) {
    const series = report.series[kpi.id];
    if (kpi.breakdown || series === undefined) continue;
    const known = series.flatMap((p) => (p.value !== null && Number.isFinite(p.value) ? [p.value] : []));
    if (known.length < MIN_KNOWN) continue;
    const minSpan = minSpanOf(kpi.unit, known);
    const values = series.map((p) => p.value);
    const name = fingerprint(JSON.stringify([values, minSpan]));
    let image = byName.get(name);
    if (image === undefined) {
      const points = series.map((p) => ({ label: p.period, value: p.value }));
      const png = await sparklinePng(points, { width, height, minSpan }).catch((error: unknown) => {
        if (error instanceof PngRendererUnavailableError) return null;
        throw error;
      });
      // Without the renderer the scorecard is sent without pictures rather than not at all.
      if (png === null) return { images: [], image: () => null };
      image = { name, png, width, height };
      byName.set(name, image);
    }
    byKpi.set(kpi.id, image);
  }
  return {
    images: [...byName.values()],
    image: (kpi) => byKpi.get(kpi) ?? null,
  };
}

/** The view's source of pictures, each located by `src` (a `cid:` URL, a relative file, a data: URI), at the size shown. */
export function sparklineSource(set: ReportSparklines, src: (image: SparklineImage) => string): SparklineSource {
  return (kpi, size): ImageRef | null => {
    const image = set.image(kpi, size);
    if (image === null) return null;
    const shown = SPARKLINE_SIZES[size];
    return { src: src(image), width: shown.width, height: shown.height };
  };
}

/** The images an HTML text refers to by `cid:`, for the mail's inline parts (unused ones are left out). */
export function imagesUsed(set: ReportSparklines, html: string): SparklineImage[] {
  return set.images.filter((image) => html.includes(`cid:${cidOf(image)}`));
}
