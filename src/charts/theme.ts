/**
 * Look of every chart: dark on white, sized for a phone screen, and the font text is drawn with.
 *
 * Fonts: @napi-rs/canvas ships no font of its own. On start-up it scans the system font directories, so on a machine
 * with fonts installed (e.g. Debian's fonts-dejavu-core under /usr/share/fonts/truetype/dejavu) `GlobalFonts.families`
 * lists them ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", …). We pick the first preferred sans family present;
 * failing that we register a known font file from /usr/share/fonts ourselves; failing that, any family at all; and with
 * no font anywhere the charts are drawn without text (no title, tick labels or cell values) rather than with empty
 * boxes.
 */
import { GlobalFonts } from '@napi-rs/canvas';

/** Width and height of a chart in CSS pixels when the caller gives none: legible on a phone, ~30–80 kB of PNG. */
export const DEFAULT_WIDTH = 800;
export const DEFAULT_HEIGHT = 500;
/** Bounds accepted for a caller-chosen size and pixel ratio (Telegram photos: ≤ 10 MB, width + height ≤ 10000). */
export const MIN_SIDE = 200;
export const MAX_SIDE = 3000;
export const MAX_PIXEL_RATIO = 3;

/** Palette: near-black text on white, light grid, one accent per meaning. */
export const COLORS = {
  background: '#ffffff',
  text: '#1f2328',
  mutedText: '#57606a',
  grid: '#e5e7eb',
  axis: '#9ca3af',
  line: '#1d4ed8',
  loss: '#b91c1c',
  lossFill: 'rgba(220, 38, 38, 0.30)',
  bar: '#2563eb',
  negativeBar: '#dc2626',
  /** Correlation colour scale ends: −1 and +1 (0 is white). */
  coldEnd: [33, 102, 172] as const,
  hotEnd: [178, 24, 43] as const,
} as const;

/** Font sizes in CSS pixels, large because an 800 px image is shown ~400 px wide on a phone. */
export const FONT_SIZES = { title: 26, subtitle: 18, tick: 17, axisTitle: 16, value: 17 } as const;

/** Sans families we like, best first. */
const PREFERRED_FAMILIES = ['DejaVu Sans', 'Liberation Sans', 'Noto Sans', 'Open Sans', 'Roboto', 'Arial', 'Helvetica', 'FreeSans'];

/** Font files tried, in order, when no preferred family is known to @napi-rs/canvas (common Linux layouts). */
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
  '/usr/share/fonts/noto/NotoSans-Regular.ttf',
  '/usr/share/fonts/truetype/freefont/FreeSans.ttf',
];

/** The alias a font file we register ourselves is known by. */
const OWN_ALIAS = 'Vigil Sans';

/** What the font lookup may use; injectable so the choice can be tested without touching the real font registry. */
export interface FontRegistry {
  families(): readonly string[];
  registerFromPath(path: string, alias: string): boolean;
}

const systemRegistry: FontRegistry = {
  families: () => GlobalFonts.families.map((f) => f.family),
  registerFromPath: (path, alias) => GlobalFonts.registerFromPath(path, alias) !== null,
};

/**
 * The family to draw text with, or null when no font exists at all (then charts carry no text).
 * Preferred family present → it; else the first font file that registers → its alias; else any known family.
 */
export function chooseFontFamily(registry: FontRegistry = systemRegistry): string | null {
  const known = registry.families();
  const preferred = PREFERRED_FAMILIES.find((f) => known.includes(f));
  if (preferred !== undefined) return preferred;
  if (known.includes(OWN_ALIAS)) return OWN_ALIAS;
  for (const path of FONT_FILES) {
    if (registry.registerFromPath(path, OWN_ALIAS)) return OWN_ALIAS;
  }
  const sorted = [...known].sort();
  return sorted[0] ?? null;
}

let resolved: { family: string | null } | undefined;

/** The process-wide font family, looked up once (registering a system font file at most once). */
export function defaultFontFamily(): string | null {
  resolved ??= { family: chooseFontFamily() };
  return resolved.family;
}

/** Presentation options every renderer accepts besides its data. */
export interface RenderOptions {
  /** CSS pixels; default 800 (and 500 for the height; the allocation chart grows with the number of bars). */
  readonly width?: number;
  readonly height?: number;
  /** Output pixels per CSS pixel (1–3, default 1): 2 gives a 1600×1000 PNG for an 800×500 chart. */
  readonly devicePixelRatio?: number;
  /**
   * Font family for all text; default: the one found on this machine (see the module comment). `null` draws no text.
   * The family must be known to @napi-rs/canvas' GlobalFonts.
   */
  readonly fontFamily?: string | null;
}

/** Options with defaults applied and checked. */
export interface ResolvedOptions {
  readonly width: number;
  readonly height: number;
  readonly devicePixelRatio: number;
  readonly fontFamily: string | null;
}

/** A chart.js font spec for `size` px in the chosen family. */
export function font(family: string, size: number, bold = false): { family: string; size: number; weight: 'bold' | 'normal' } {
  return { family, size, weight: bold ? 'bold' : 'normal' };
}

/** A canvas `ctx.font` string for `size` px in the chosen family. */
export function cssFont(family: string, size: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${size}px "${family}"`;
}
