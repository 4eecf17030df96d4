/**
 * Sparklines for the scorecards: a vega-lite spec (a line and a dot on the latest value, no axes, a gap
 * where a value is missing) → a Vega view rendered headless to SVG → a PNG drawn by resvg at twice the
 * size for high-density screens. Mail clients block SVG and data: URIs, so the mail embeds these PNGs
 * as CID attachments, with `sparklineAlt` as their alt text.
 *
 * Offline by construction: the spec holds its values inline, has no URL and no text, and the view's
 * loader refuses every load, so Vega never touches the network or the file system.
 */
import type { Loader } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { Locale } from '../engine/format.js';
import { indexedPng } from './png.js';

/** One point of a trailing series: its period label and value, `null` when there is no data. */
export interface SparklinePoint {
  readonly label: string;
  readonly value: number | null;
}

export interface SparklineOptions {
  /** CSS pixels, as the `<img width>` of the mail; the PNG is twice as wide. */
  readonly width: number;
  /** CSS pixels, as the `<img height>`; the PNG is twice as tall. */
  readonly height: number;
  /** Line and dot colour; Vigie blue unless told. */
  readonly color?: string;
  /** Fill behind the line; transparent unless told, so the chart sits on any cell colour. */
  readonly background?: string;
  /**
   * The least the y axis spans, in the values' unit: a series that moves less is drawn within this span,
   * centred, so a wobble of a tenth of a point stays a wobble instead of filling the picture's height.
   */
  readonly minSpan?: number;
}

/** A chart size or point that cannot be drawn. */
export class ChartError extends Error {
  override readonly name: string = 'ChartError';
}

const DEFAULT_COLOR = '#1a73e8';
/** Pixel ratio of the PNG: crisp on retina screens, still a few hundred bytes. */
const SCALE = 2;
/** Room (CSS px) kept around the plot so the end dot and the stroke are not cut at the edges. */
const INSET = 3;
const MAX_SIDE = 2000;

/** A loader that refuses everything: a sparkline never reads a URL or a file. */
const refuse = (what: string): Promise<never> =>
  Promise.reject(new ChartError(`sparklines load nothing (refused ${JSON.stringify(what)})`));
const offlineLoader: Loader = {
  load: (uri) => refuse(uri),
  sanitize: (uri) => refuse(uri),
  http: (uri) => refuse(uri),
  file: (filename) => refuse(filename),
};

function checkedSize(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 8 || n > MAX_SIDE) {
    throw new ChartError(`sparkline ${name} must be a whole number of pixels in 8..${MAX_SIDE}, got ${n}`);
  }
  return n;
}

/** The vega-lite spec of one sparkline; exported for tests and previews. */
export function sparklineSpec(
  points: readonly SparklinePoint[],
  options: { width: number; height: number; color?: string; minSpan?: number },
): TopLevelSpec {
  const color = options.color ?? DEFAULT_COLOR;
  // A non-finite value is as unknown as a missing one: it becomes a gap, never a spike.
  const values = points.map((p, i) => ({
    i,
    value: p.value !== null && Number.isFinite(p.value) ? p.value : null,
  }));
  let lastKnown = -1;
  for (const v of values) if (v.value !== null) lastKnown = v.i;
  const isKnown = (i: number): boolean => values[i]?.value != null;
  // A value between two gaps has no segment to draw: it gets a dot, like the latest value.
  const data = values.map((v) => ({
    ...v,
    last: v.i === lastKnown,
    alone: v.value !== null && !isKnown(v.i - 1) && !isKnown(v.i + 1),
  }));
  const known = values.flatMap((v) => (v.value === null ? [] : [v.value]));
  // Fixed domains: the x axis spans every period even when its ends are missing, and a flat, quiet or
  // empty series still has a drawable y range, centred on its values, at least `minSpan` wide.
  const lo = known.length > 0 ? Math.min(...known) : 0;
  const hi = known.length > 0 ? Math.max(...known) : 1;
  const span = Math.max(hi - lo, options.minSpan ?? 0);
  const mid = (lo + hi) / 2;
  const yDomain = span === 0 ? [lo - 1, hi + 1] : [mid - span / 2, mid + span / 2];
  const xDomain = [0, Math.max(values.length - 1, 1)];
  return {
    // With `contains: 'padding'` the width and height are the whole picture, inset included.
    width: options.width,
    height: options.height,
    padding: INSET,
    autosize: { type: 'none', contains: 'padding' },
    background: 'transparent',
    config: { view: { stroke: null }, axis: { disable: true } },
    data: { values: data },
    encoding: {
      x: { field: 'i', type: 'quantitative', axis: null, scale: { domain: xDomain, nice: false, zero: false } },
      y: { field: 'value', type: 'quantitative', axis: null, scale: { domain: yDomain, nice: false, zero: false } },
    },
    layer: [
      {
        // Nulls break the path into pieces instead of being dropped and bridged.
        mark: { type: 'line', color, strokeWidth: 1.5, strokeCap: 'round', invalid: 'break-paths-show-domains' },
      },
      {
        transform: [{ filter: 'datum.last' }],
        mark: { type: 'circle', color, opacity: 1, size: 14 },
      },
      {
        transform: [{ filter: 'datum.alone && !datum.last' }],
        mark: { type: 'circle', color, opacity: 1, size: 5 },
      },
    ],
  };
}

let vega: Promise<readonly [typeof import('vega'), typeof import('vega-lite')]> | undefined;

/**
 * Vega and vega-lite load on the first chart drawn (about a second of module loading on this host):
 * a run whose reports have no trend to draw, such as a first night, never pays for them.
 */
function loadVega(): Promise<readonly [typeof import('vega'), typeof import('vega-lite')]> {
  vega ??= Promise.all([import('vega'), import('vega-lite')]);
  return vega;
}

/** The sparkline as SVG markup of exactly `width` × `height` CSS pixels. */
export async function sparklineSvg(
  points: readonly SparklinePoint[],
  options: { width: number; height: number; color?: string; minSpan?: number },
): Promise<string> {
  const width = checkedSize('width', options.width);
  const height = checkedSize('height', options.height);
  const [{ parse, View }, { compile }] = await loadVega();
  const { spec } = compile(sparklineSpec(points, { ...options, width, height }));
  const view = new View(parse(spec), { renderer: 'none', loader: offlineLoader, logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The PNG renderer's native binary is missing on this host (e.g. a bundle built without its arm64 build). */
export class PngRendererUnavailableError extends ChartError {
  override readonly name = 'PngRendererUnavailableError';
}

let resvg: Promise<typeof import('@resvg/resvg-js')> | undefined;

/** resvg is a native module, loaded on first use: a host without its binary still sends mails, without charts. */
function loadResvg(): Promise<typeof import('@resvg/resvg-js')> {
  resvg ??= import('@resvg/resvg-js').catch((error: unknown) => {
    throw new PngRendererUnavailableError(
      `PNG renderer unavailable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      { cause: error },
    );
  });
  return resvg;
}

/**
 * Draws a sparkline as a PNG of 2·width × 2·height pixels (shown at width × height in the mail).
 *
 * @example
 * const png = await sparklinePng([{ label: 'S45', value: 0.76 }, { label: 'S46', value: 0.78 }], { width: 96, height: 24 });
 */
export async function sparklinePng(points: readonly SparklinePoint[], options: SparklineOptions): Promise<Uint8Array> {
  const svg = await sparklineSvg(points, options);
  const { Resvg } = await loadResvg();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: options.width * SCALE },
    // No text is drawn; system fonts are not even looked up.
    font: { loadSystemFonts: false },
    ...(options.background ? { background: options.background } : {}),
  });
  const image = resvg.render();
  // One colour at varying opacity: a palette PNG is about a third of resvg's RGBA one.
  const pixels = image.pixels;
  const indexed = indexedPng(
    new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength),
    image.width,
    image.height,
  );
  if (indexed !== null) return indexed;
  const png = image.asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * Alt text of a sparkline listing its numbers in order, missing values in the formatter's words:
 * "FCR, 8 dernières semaines : 76 %, 78 %, pas de données, 81 %".
 *
 * @param label what the chart shows and over which periods, already in the recipient's language
 * @param format a value in its unit, `null` as the no-data words (a `Formatter` method fits)
 */
export function sparklineAlt(
  label: string,
  points: readonly SparklinePoint[],
  format: (value: number | null) => string,
  locale: Locale = 'fr',
): string {
  // French sets a (no-break) space before the colon.
  const colon = locale === 'fr' ? '\u00a0: ' : ': ';
  if (points.length === 0) return label;
  return `${label}${colon}${points.map((p) => format(p.value)).join(', ')}`;
}
