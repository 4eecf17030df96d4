/**
 * The sparkline pictures of a report: the centre's trailing series (`report.series`) drawn once per
 * report, at a tile size for the headline KPIs and a row size for every KPI table row, and shared by
 * every locale and recipient (a picture has no words; its alt text is set by the view).
 *
 * Pictures are named by a hash of their bytes, so identical series share one attachment, and a
 * `cid:` or a file name is stable across re-renders of the same report.
 */
import { fingerprint } from '../common/fingerprint.js';
import { CATALOGUE } from '../engine/catalogue.js';
import type { Report } from '../engine/report-schema.js';
import { PngRendererUnavailableError, sparklinePng } from './charts.js';
import { HEADLINE_KPIS, type ImageRef, type SparklineSize, type SparklineSource } from './view.js';

/** CSS pixels of a sparkline: wide enough to read a trend, narrow enough for a 375 px phone column. */
export const SPARKLINE_SIZES: Readonly<Record<SparklineSize, { readonly width: number; readonly height: number }>> = {
  tile: { width: 112, height: 28 },
  row: { width: 72, height: 18 },
};

/** A trend needs two known values; fewer would draw a dot or nothing. */
const MIN_KNOWN = 2;

/** One drawn sparkline. */
export interface SparklineImage {
  /** Hash of the PNG bytes: the file stem and the Content-ID's local part. */
  readonly name: string;
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** The pictures of one report, each distinct one once. */
export interface ReportSparklines {
  readonly images: readonly SparklineImage[];
  /** The picture of a KPI at a size, or `null` when its series has too few values. */
  image(kpi: string, size: SparklineSize): SparklineImage | null;
}

/** A Content-ID for an image (no angle brackets): the HTML refers to it as `cid:<cid>`. */
export const cidOf = (image: SparklineImage): string => `spark-${image.name}@vigie`;

/** Where the archived page finds an image, relative to the page: a folder beside it. */
export const archiveFileOf = (image: SparklineImage): string => `sparklines/${image.name}.png`;

/** Draws every sparkline a report's scorecard shows (centre figures only). */
export async function reportSparklines(report: Report): Promise<ReportSparklines> {
  const byName = new Map<string, SparklineImage>();
  const byKpi = new Map<string, SparklineImage>();
  const headlines: ReadonlySet<string> = new Set(HEADLINE_KPIS);
  for (const kpi of CATALOGUE) {
    const series = report.series[kpi.id];
    if (kpi.breakdown || series === undefined) continue;
    if (series.filter((p) => p.value !== null && Number.isFinite(p.value)).length < MIN_KNOWN) continue;
    const points = series.map((p) => ({ label: p.period, value: p.value }));
    const sizes: SparklineSize[] = headlines.has(kpi.id) ? ['tile', 'row'] : ['row'];
    for (const size of sizes) {
      const { width, height } = SPARKLINE_SIZES[size];
      const png = await sparklinePng(points, { width, height }).catch((error: unknown) => {
        if (error instanceof PngRendererUnavailableError) return null;
        throw error;
      });
      // Without the renderer the scorecard is sent without pictures rather than not at all.
      if (png === null) return { images: [], image: () => null };
      const name = fingerprint(png);
      const image = byName.get(name) ?? { name, png, width, height };
      byName.set(name, image);
      byKpi.set(`${size}:${kpi.id}`, image);
    }
  }
  return {
    images: [...byName.values()],
    image: (kpi, size) => byKpi.get(`${size}:${kpi}`) ?? null,
  };
}

/** The view's source of pictures, each located by `src` (a `cid:` URL, a relative file, a data: URI). */
export function sparklineSource(set: ReportSparklines, src: (image: SparklineImage) => string): SparklineSource {
  return (kpi, size): ImageRef | null => {
    const image = set.image(kpi, size);
    return image === null ? null : { src: src(image), width: image.width, height: image.height };
  };
}

/** The images an HTML text refers to by `cid:`, for the mail's inline parts (unused ones are left out). */
export function imagesUsed(set: ReportSparklines, html: string): SparklineImage[] {
  return set.images.filter((image) => html.includes(`cid:${cidOf(image)}`));
}
