/**
 * PNG charts for a phone screen. Each renderer takes a series the app already computed and only draws it: 800×500 px
 * by default, dark on white, deterministic (same input → same bytes), RangeError on invalid input.
 * `render*` return the PNG bytes; `draw*` also report where the plot area lies in the image.
 */
export { drawAllocation, renderAllocation, type AllocationInput } from './allocation.ts';
export {
  drawCorrelationHeatmap, renderCorrelationHeatmap, type CorrelationHeatmapInput,
} from './correlation-heatmap.ts';
export { drawDrawdown, renderDrawdown, type DrawdownInput } from './drawdown.ts';
export { drawEquityCurve, renderEquityCurve, type EquityCurveInput } from './equity-curve.ts';
export type { PixelArea, RenderedChart } from './render.ts';
export { DEFAULT_HEIGHT, DEFAULT_WIDTH, defaultFontFamily, type RenderOptions } from './theme.ts';
