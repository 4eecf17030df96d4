/**
 * A small indexed-colour PNG encoder for sparklines. resvg writes 32-bit RGBA, yet a sparkline is one
 * colour whose edges only vary in opacity: a palette of at most 256 RGBA entries (PLTE + tRNS) holds
 * it exactly, at about a third of the bytes. An image with more colours is left to the RGBA encoder.
 */
import { deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes straight (not premultiplied) RGBA pixels as an 8-bit indexed PNG, or returns `null` when the
 * image has more than 256 distinct colours.
 */
export function indexedPng(rgba: Uint8Array, width: number, height: number): Uint8Array | null {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width}×${height} RGBA pixels`);
  const index = new Map<number, number>();
  const palette: number[] = [];
  // One filter byte (0: none) per row, then one palette index per pixel.
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      // Every fully transparent pixel is the same colour, whatever RGB it carries.
      const alpha = rgba[p + 3] ?? 0;
      const colour =
        alpha === 0
          ? 0
          : (((rgba[p] ?? 0) << 24) | ((rgba[p + 1] ?? 0) << 16) | ((rgba[p + 2] ?? 0) << 8) | alpha) >>> 0;
      let i = index.get(colour);
      if (i === undefined) {
        if (palette.length === 256) return null;
        i = palette.length;
        index.set(colour, i);
        palette.push(colour);
      }
      raw[y * (width + 1) + 1 + x] = i;
    }
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 3, 0, 0, 0], 8); // bit depth 8, colour type 3 (indexed), deflate, no filter, no interlace
  const plte = new Uint8Array(palette.length * 3);
  const trns = new Uint8Array(palette.length);
  palette.forEach((c, i) => {
    plte.set([(c >>> 24) & 0xff, (c >>> 16) & 0xff, (c >>> 8) & 0xff], i * 3);
    trns[i] = c & 0xff;
  });
  const parts = [
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('tRNS', trns),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
