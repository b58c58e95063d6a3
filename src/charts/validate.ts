/**
 * Input checks shared by the renderers. Every failure is a RangeError whose message names the chart, the field and
 * what was wrong, e.g. "renderEquityCurve: value[3] must be a finite number, got NaN".
 */
import {
  DEFAULT_HEIGHT, DEFAULT_WIDTH, MAX_PIXEL_RATIO, MAX_SIDE, MIN_SIDE, defaultFontFamily,
  type RenderOptions, type ResolvedOptions,
} from './theme.ts';

/** Largest |epoch ms| a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;

function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  return typeof v;
}

export function fail(chart: string, message: string): never {
  throw new RangeError(`${chart}: ${message}`);
}

/** An array of finite numbers; returns it typed. */
export function finiteArray(chart: string, name: string, value: unknown): readonly number[] {
  if (!Array.isArray(value)) fail(chart, `${name} must be an array of numbers, got ${show(value)}`);
  const arr = value as readonly unknown[];
  arr.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(chart, `${name}[${i}] must be a finite number, got ${show(v)}`);
  });
  return arr as readonly number[];
}

/** An array of strings. */
export function stringArray(chart: string, name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value)) fail(chart, `${name} must be an array of strings, got ${show(value)}`);
  const arr = value as readonly unknown[];
  arr.forEach((v, i) => {
    if (typeof v !== 'string') fail(chart, `${name}[${i}] must be a string, got ${show(v)}`);
  });
  return arr as readonly string[];
}

export function sameLength(chart: string, a: string, an: number, b: string, bn: number): void {
  if (an !== bn) fail(chart, `${a} and ${b} must have the same length, got ${an} and ${bn}`);
}

export function atLeast(chart: string, name: string, n: number, min: number, what = 'points'): void {
  if (n < min) fail(chart, `${name} needs at least ${min} ${what}, got ${n}`);
}

/** Epoch-ms timestamps: valid dates, strictly increasing. */
export function timestamps(chart: string, value: unknown): readonly number[] {
  const t = finiteArray(chart, 't', value);
  t.forEach((v, i) => {
    if (Math.abs(v) > MAX_EPOCH_MS) fail(chart, `t[${i}] is not a valid epoch-ms timestamp: ${v}`);
    const prev = t[i - 1];
    if (prev !== undefined && v <= prev) fail(chart, `t must be strictly increasing, but t[${i}] = ${v} ≤ t[${i - 1}] = ${prev}`);
  });
  return t;
}

export function optionalTitle(chart: string, title: unknown): string | undefined {
  if (title === undefined) return undefined;
  if (typeof title !== 'string') fail(chart, `title must be a string, got ${show(title)}`);
  return title;
}

function side(chart: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < MIN_SIDE || value > MAX_SIDE) {
    fail(chart, `${name} must be a whole number of pixels from ${MIN_SIDE} to ${MAX_SIDE}, got ${show(value)}`);
  }
  return value;
}

/** Applies defaults to the presentation options and checks them. */
export function resolveOptions(chart: string, options: RenderOptions | undefined, defaultHeight = DEFAULT_HEIGHT): ResolvedOptions {
  const o = options ?? {};
  const ratio = o.devicePixelRatio ?? 1;
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 1 || ratio > MAX_PIXEL_RATIO) {
    fail(chart, `devicePixelRatio must be a number from 1 to ${MAX_PIXEL_RATIO}, got ${show(ratio)}`);
  }
  const fontFamily = o.fontFamily === undefined ? defaultFontFamily() : o.fontFamily;
  if (fontFamily !== null && (typeof fontFamily !== 'string' || fontFamily.trim() === '')) {
    fail(chart, `fontFamily must be a family name or null, got ${show(fontFamily)}`);
  }
  return {
    width: side(chart, 'width', o.width, DEFAULT_WIDTH),
    height: side(chart, 'height', o.height, Math.min(MAX_SIDE, defaultHeight)),
    devicePixelRatio: ratio,
    fontFamily,
  };
}

/** The renderer's single argument must be an object. */
export function inputObject(chart: string, input: unknown): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail(chart, `expected an input object, got ${show(input)}`);
}
