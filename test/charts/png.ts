/** Test helpers: decode a PNG into pixels with @napi-rs/canvas and look at them. */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { expect } from 'vitest';
import type { PixelArea } from '../../src/charts/index.ts';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export type Rgba = readonly [number, number, number, number];

/** Decodes PNG bytes into RGBA pixels. */
export async function decode(png: Uint8Array): Promise<Pixels> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  return { width: image.width, height: image.height, data };
}

/** The RGBA value at (x, y), rounded to whole pixels. */
export function pixel(p: Pixels, x: number, y: number): Rgba {
  const i = (Math.round(y) * p.width + Math.round(x)) * 4;
  return [p.data[i] ?? 0, p.data[i + 1] ?? 0, p.data[i + 2] ?? 0, p.data[i + 3] ?? 0];
}

/** Width and height read from the PNG's IHDR chunk (bytes 16–23, big-endian). */
export function ihdrSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Asserts the bytes are a PNG of the given size (from the header and from decoding). */
export async function expectPng(png: Uint8Array, width: number, height: number): Promise<Pixels> {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(ihdrSize(png)).toEqual({ width, height });
  const p = await decode(png);
  expect({ width: p.width, height: p.height }).toEqual({ width, height });
  return p;
}

/** The chart line's blue (#1d4ed8) and the bars' blue (#2563eb), anti-aliased: strongly blue, not grey. */
export const isBlue = ([r, g, b, a]: Rgba): boolean => a > 200 && b > 150 && b - r > 90 && b - g > 60;
/** Reds of the drawdown fill/line and negative bars: clearly more red than green and blue. */
export const isRed = ([r, g, b, a]: Rgba): boolean => a > 200 && r > 150 && r - g > 50 && r - b > 50;
export const isWhite = ([r, g, b, a]: Rgba): boolean => a === 255 && r >= 245 && g >= 245 && b >= 245;
/** Text and axis pixels: dark grey. */
export const isDark = ([r, g, b, a]: Rgba): boolean => a > 200 && r < 110 && g < 110 && b < 120;

/** For each column of the area, the rows of pixels matching `match` (inclusive area bounds, whole pixels). */
export function matchingRowsByColumn(p: Pixels, area: PixelArea, match: (c: Rgba) => boolean): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let x = Math.ceil(area.left); x <= Math.floor(area.right) && x < p.width; x++) {
    const rows: number[] = [];
    for (let y = Math.ceil(area.top); y <= Math.floor(area.bottom) && y < p.height; y++) {
      if (match(pixel(p, x, y))) rows.push(y);
    }
    if (rows.length > 0) out.set(x, rows);
  }
  return out;
}

/** Counts pixels matching `match` in a rectangle. */
export function count(p: Pixels, area: PixelArea, match: (c: Rgba) => boolean): number {
  let n = 0;
  for (let y = Math.max(0, Math.ceil(area.top)); y < Math.min(p.height, Math.floor(area.bottom)); y++) {
    for (let x = Math.max(0, Math.ceil(area.left)); x < Math.min(p.width, Math.floor(area.right)); x++) {
      if (match(pixel(p, x, y))) n++;
    }
  }
  return n;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Epoch-ms timestamps: `n` points `stepMs` apart from 2026-01-01 UTC. */
export function times(n: number, stepMs = 86_400_000): number[] {
  const t0 = Date.UTC(2026, 0, 1);
  return Array.from({ length: n }, (_, i) => t0 + i * stepMs);
}
