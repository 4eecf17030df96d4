import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../functions/engine/format.js';
import {
  ChartError,
  type SparklinePoint,
  sparklineAlt,
  sparklinePng,
  sparklineSpec,
  sparklineSvg,
} from '../../functions/render/charts.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which a valid PNG has right after its signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const series = (values: readonly (number | null)[]): SparklinePoint[] =>
  values.map((value, i) => ({ label: `S${45 + i}`, value }));

const FCR = series([0.76, 0.78, 0.77, 0.8, 0.79, 0.81, 0.78, 0.82]);

describe('sparklinePng', () => {
  it('draws a PNG at twice the CSS size', async () => {
    const png = await sparklinePng(FCR, { width: 96, height: 24 });
    expect(png).toBeInstanceOf(Uint8Array);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 192, height: 48 });
    // A sparkline is a few hundred bytes, not a screenshot.
    expect(png.byteLength).toBeLessThan(4_000);
  });

  it('keeps the requested size for other shapes and colours', async () => {
    const png = await sparklinePng(FCR, { width: 120, height: 30, color: '#d93025', background: '#ffffff' });
    expect(pngSize(png)).toEqual({ width: 240, height: 60 });
  });

  it('renders a series with gaps, breaking the line at each null', async () => {
    const gappy = series([0.76, 0.78, null, 0.74, 0.8, null, 0.79, null]);
    const png = await sparklinePng(gappy, { width: 96, height: 24 });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 192, height: 48 });
    // Three separate pieces (0–1, 3–4 and the lone 6), never a segment bridging a gap.
    const svg = await sparklineSvg(gappy, { width: 96, height: 24 });
    const line = /aria-roledescription="line mark" d="([^"]*)"/.exec(svg)?.[1] ?? '';
    expect(line.match(/M/g)).toHaveLength(3);
  });

  it('renders an all-null series as an empty but valid PNG', async () => {
    const png = await sparklinePng(series([null, null, null]), { width: 96, height: 24 });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 192, height: 48 });
    // Nothing is drawn: no line path, no dot, every pixel transparent.
    const svg = await sparklineSvg(series([null, null, null]), { width: 96, height: 24 });
    expect(svg).not.toMatch(/line mark" d=|circle/);
    const pixels = new Resvg(svg).render().pixels;
    expect(pixels.every((byte) => byte === 0)).toBe(true);
  });

  it('renders an empty, a single-point and a flat series', async () => {
    for (const points of [[], series([0.8]), series([5, 5, 5])]) {
      expect(pngSize(await sparklinePng(points, { width: 64, height: 16 }))).toEqual({ width: 128, height: 32 });
    }
  });

  it('rejects sizes it cannot draw', async () => {
    await expect(sparklinePng(FCR, { width: 0, height: 24 })).rejects.toThrow(ChartError);
    await expect(sparklinePng(FCR, { width: 96.5, height: 24 })).rejects.toThrow(ChartError);
    await expect(sparklinePng(FCR, { width: 96, height: 1e6 })).rejects.toThrow(ChartError);
  });

  it('uses no URL and no text, so nothing is fetched and no font is needed', async () => {
    const spec = JSON.stringify(sparklineSpec(FCR, { width: 96, height: 24 }));
    expect(spec).not.toMatch(/"url"|https?:|"text"/);
    const svg = await sparklineSvg(FCR, { width: 96, height: 24 });
    expect(svg).not.toMatch(/<text|<image|href=/);
  });
});

describe('sparklineAlt', () => {
  const fr = createFormatter({
    locale: 'fr',
    timeZone: 'Europe/Paris',
    words: { noData: 'pas de données', points: 'pts', day: 'j', hour: 'h', minute: 'min', second: 's' },
  });
  const en = createFormatter({
    locale: 'en',
    timeZone: 'Europe/Paris',
    words: { noData: 'no data', points: 'pts', day: 'd', hour: 'h', minute: 'min', second: 's' },
  });
  /** Intl separates a number and its % with a (narrow) no-break space. */
  const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

  it('lists every value in order, formatted for the recipient', () => {
    const alt = sparklineAlt('FCR, 8 dernières semaines', FCR, (v) => fr.percent(v), 'fr');
    expect(plain(alt)).toBe(
      'FCR, 8 dernières semaines : 76,0 %, 78,0 %, 77,0 %, 80,0 %, 79,0 %, 81,0 %, 78,0 %, 82,0 %',
    );
  });

  it('names missing values in words, in English too', () => {
    const alt = sparklineAlt('AHT, last 3 days', series([185, null, 190]), (v) => en.duration(v), 'en');
    expect(plain(alt)).toBe('AHT, last 3 days: 3 min 05 s, no data, 3 min 10 s');
  });

  it('is just the label for an empty series', () => {
    expect(sparklineAlt('NPS', [], (v) => fr.points(v))).toBe('NPS');
  });
});
