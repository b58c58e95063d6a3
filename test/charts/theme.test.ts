import { GlobalFonts } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { defaultFontFamily } from '../../src/charts/index.ts';
import { chooseFontFamily, type FontRegistry } from '../../src/charts/theme.ts';

function fakeRegistry(families: string[], files: readonly string[] = []): FontRegistry & { tried: string[] } {
  const tried: string[] = [];
  return {
    tried,
    families: () => families,
    registerFromPath(path, alias) {
      tried.push(path);
      if (!files.includes(path)) return false;
      families.push(alias);
      return true;
    },
  };
}

describe('font choice', () => {
  it('uses a preferred sans family the system already has, without registering anything', () => {
    const reg = fakeRegistry(['DejaVu Serif', 'Liberation Sans', 'DejaVu Sans']);
    expect(chooseFontFamily(reg)).toBe('DejaVu Sans');
    expect(reg.tried).toEqual([]);
  });

  it('registers the first system font file that loads when no preferred family is known', () => {
    const reg = fakeRegistry(['Some Symbol Font'], ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf']);
    expect(chooseFontFamily(reg)).toBe('Vigil Sans');
    expect(reg.tried.at(-1)).toBe('/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf');
    // Looked up again: the alias is known now, nothing is registered twice.
    const before = reg.tried.length;
    expect(chooseFontFamily(reg)).toBe('Vigil Sans');
    expect(reg.tried.length).toBe(before);
  });

  it('falls back to any family, then to no text at all', () => {
    expect(chooseFontFamily(fakeRegistry(['Zeta Mono', 'Alpha Serif']))).toBe('Alpha Serif');
    expect(chooseFontFamily(fakeRegistry([]))).toBeNull();
  });

  it('on this machine finds a family @napi-rs/canvas knows (DejaVu Sans from /usr/share/fonts here)', () => {
    const family = defaultFontFamily();
    const known = GlobalFonts.families.map((f) => f.family);
    if (family === null) {
      expect(known).toEqual([]);
    } else {
      expect(known).toContain(family);
    }
  });
});
