/**
 * Runs one chart.js chart on an off-screen @napi-rs/canvas canvas and encodes it as PNG.
 *
 * chart.js detects that there is no DOM and uses its BasicPlatform, which draws on any object implementing the Canvas
 * 2D API; we hand it the @napi-rs/canvas context. Animation and responsiveness are off and the pixel ratio is explicit,
 * so a chart is drawn exactly once, synchronously, at a known size. Nothing here reads a clock or random numbers, so
 * the same input gives the same PNG bytes (on the same machine: another font changes the text pixels).
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, type ChartType, type Plugin } from 'chart.js';
import { COLORS, type ResolvedOptions } from './theme.ts';

/** A rectangle in PNG pixels. */
export interface PixelArea {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** A rendered chart: the PNG, its size in pixels, and where the plot area is (for tests and overlays). */
export interface RenderedChart {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly chartArea: PixelArea;
}

/**
 * The 2D context of a chart, typed as the @napi-rs/canvas context it is. chart.js types it as the DOM's
 * CanvasRenderingContext2D, which does not exist without the DOM lib.
 */
export function ctxOf(chart: { readonly ctx: unknown }): SKRSContext2D {
  return chart.ctx as SKRSContext2D;
}

/** Paints the whole canvas white before anything else: PNGs are otherwise transparent, i.e. black in some viewers. */
function whiteBackground<TType extends ChartType>(): Plugin<TType> {
  return {
    id: 'vigilWhiteBackground',
    beforeDraw(chart) {
      const ctx = ctxOf(chart);
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = COLORS.background;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
}

/** Draws `config` at the resolved size and returns the PNG. The chart is destroyed afterwards. */
export async function renderChart<TType extends ChartType>(
  config: ChartConfiguration<TType>,
  opts: ResolvedOptions,
): Promise<RenderedChart> {
  const canvas = createCanvas(opts.width, opts.height);
  const ctx = canvas.getContext('2d');
  const full: ChartConfiguration<TType> = {
    ...config,
    options: {
      ...config.options,
      animation: false,
      responsive: false,
      maintainAspectRatio: false,
      devicePixelRatio: opts.devicePixelRatio,
      events: [],
    } as ChartConfiguration<TType>['options'],
    plugins: [whiteBackground<TType>(), ...(config.plugins ?? [])],
  };
  // chart.js takes a DOM canvas or 2D context; @napi-rs/canvas implements the same 2D API.
  const chart = new Chart(ctx, full);
  try {
    const r = opts.devicePixelRatio;
    const area = chart.chartArea;
    const chartArea: PixelArea = {
      left: area.left * r, top: area.top * r, right: area.right * r, bottom: area.bottom * r,
    };
    const png = await canvas.encode('png');
    return { png, width: canvas.width, height: canvas.height, chartArea };
  } finally {
    chart.destroy();
  }
}
