import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arg, invisibleProblem, parseArgs, parseNamed, tokenize, usageLine, visible } from '../../src/core/args.ts';

const sizeSpec = {
  market: arg.string({ upper: true, pattern: /^[A-Z0-9-]{2,16}$/, expected: 'a market such as SOL' }),
  amount: arg.number({ min: 0 }),
  side: arg.enum({ values: ['long', 'short'], default: 'long' }),
  note: arg.string({ optional: true }),
};

describe('argument parsing', () => {
  it('parses positional arguments into typed values', () => {
    const r = parseArgs(sizeSpec, ['sol', '12.5', 'SHORT']);
    expect(r).toEqual({ ok: true, values: { market: 'SOL', amount: 12.5, side: 'short', note: undefined } });
  });

  it('applies defaults and leaves optional arguments undefined', () => {
    expect(parseArgs(sizeSpec, ['BTC', '1'])).toEqual({ ok: true, values: { market: 'BTC', amount: 1, side: 'long', note: undefined } });
  });

  it('says which argument is wrong, what it expected and what it got', () => {
    expect(parseArgs(sizeSpec, ['SOL', 'abc'])).toEqual({ ok: false, message: 'amount: expected a number ≥ 0, got "abc"' });
    expect(parseArgs(sizeSpec, ['SOL', '-1'])).toEqual({ ok: false, message: 'amount: expected a number ≥ 0, got "-1"' });
    expect(parseArgs(sizeSpec, ['SOL', '1', 'sideways'])).toEqual({ ok: false, message: 'side: expected one of long, short, got "sideways"' });
    expect(parseArgs(sizeSpec, ['S$L', '1'])).toEqual({ ok: false, message: 'market: expected a market such as SOL, got "S$L"' });
    expect(parseArgs(sizeSpec, [])).toEqual({ ok: false, message: 'market: missing, expected a market such as SOL' });
    expect(parseArgs(sizeSpec, ['SOL', '1', 'long', 'x', 'y'])).toEqual({ ok: false, message: 'too many arguments: expected at most 4, got 5' });
    expect(parseArgs({}, ['x'])).toEqual({ ok: false, message: 'this command takes no arguments, got "x"' });
  });

  it('describes number ranges and whole numbers', () => {
    const spec = { n: arg.number({ min: 1, max: 10, integer: true }) };
    expect(parseArgs(spec, ['2.5'])).toEqual({ ok: false, message: 'n: expected a whole number from 1 to 10, got "2.5"' });
    expect(parseArgs(spec, ['11'])).toEqual({ ok: false, message: 'n: expected a whole number from 1 to 10, got "11"' });
    expect(parseArgs(spec, ['10'])).toEqual({ ok: true, values: { n: 10 } });
  });

  it('accepts percentages, separators and name=value in any order', () => {
    const spec = { fraction: arg.number(), amount: arg.number() };
    expect(parseArgs(spec, ['5%', '1,000'])).toEqual({ ok: true, values: { fraction: 0.05, amount: 1000 } });
    expect(parseArgs(spec, ['amount=2', 'fraction=0.5'])).toEqual({ ok: true, values: { fraction: 0.5, amount: 2 } });
    expect(parseArgs(spec, ['amount=2', '3'])).toEqual({ ok: true, values: { fraction: 3, amount: 2 } });
    expect(parseArgs(spec, ['amount=2', 'amount=3'])).toEqual({ ok: false, message: 'amount: given twice' });
    expect(parseArgs(spec, ['1e400', '1'])).toEqual({ ok: false, message: 'fraction: expected a number, got "1e400"' });
  });

  it('parses named values (Discord options) with the same validators', () => {
    expect(parseNamed(sizeSpec, { market: 'eth', amount: '3' })).toEqual({ ok: true, values: { market: 'ETH', amount: 3, side: 'long', note: undefined } });
    expect(parseNamed(sizeSpec, { market: 'eth', amount: 'x' })).toEqual({ ok: false, message: 'amount: expected a number ≥ 0, got "x"' });
    expect(parseNamed(sizeSpec, { market: 'eth', amount: '1', bogus: '1' })).toEqual({ ok: false, message: 'unknown argument "bogus"' });
  });

  it('tokenizes quotes and whitespace', () => {
    expect(tokenize('  a  "b c"  \'d e\' f ')).toEqual(['a', 'b c', 'd e', 'f']);
    expect(tokenize('')).toEqual([]);
  });

  it('builds usage lines with <required> and [optional]', () => {
    expect(usageLine('size', sizeSpec)).toBe('/size <market> <amount> [side] [note]');
  });

  it('never throws, whatever the tokens', () => {
    fc.assert(fc.property(fc.array(fc.string(), { maxLength: 8 }), (tokens) => {
      const r = parseArgs(sizeSpec, tokens);
      if (r.ok) {
        expect(typeof r.values.market).toBe('string');
        expect(Number.isFinite(r.values.amount) && r.values.amount >= 0).toBe(true);
        expect(['long', 'short']).toContain(r.values.side);
      } else {
        expect(r.message).toMatch(/^(\w+: |too many arguments|unknown argument|this command)/);
      }
    }), { numRuns: 2000 });
  });
});

describe('invisible characters', () => {
  const spec = { market: arg.string({ upper: true, pattern: /^[A-Z0-9-]{2,16}$/, expected: 'a market such as SOL-PERP' }) };
  it('a zero-width space or a direction mark is an error that shows where it is, never a silent mismatch', () => {
    expect(parseArgs(spec, ['SOL\u200B'])).toEqual({ ok: false, message: 'market: "SOL⟨U+200B⟩" contains an invisible zero-width space U+200B; type it again without it' });
    expect(parseArgs(spec, ['\u200fSOL\u202e'])).toEqual({
      ok: false, message: 'market: "⟨U+200F⟩SOL⟨U+202E⟩" contains 2 invisible characters (right-to-left mark U+200F, right-to-left override U+202E); type it again without them',
    });
    const bom = parseNamed(spec, { market: '\uFEFFSOL' });
    expect(!bom.ok && bom.message).toContain('zero-width no-break space U+FEFF');
    expect(parseArgs(spec, ['SOL'])).toEqual({ ok: true, values: { market: 'SOL' } });
  });

  it('property: any text with an invisible character is refused, and the message shows the text with nothing hidden', () => {
    const hidden = fc.constantFrom('\u200B', '\u200C', '\u200D', '\u200E', '\u200F', '\u2060', '\uFEFF', '\u202E', '\u2066');
    fc.assert(fc.property(fc.string({ maxLength: 8 }), hidden, fc.string({ maxLength: 8 }), (a, h, b) => {
      const r = parseNamed({ x: arg.string({ maxLength: 64 }) }, { x: `${a}${h}${b}` });
      if (r.ok) return false;
      return /U\+[0-9A-F]{4}/.test(r.message) && invisibleProblem(visible(`${a}${h}${b}`)) === null;
    }));
  });
});

describe('one grammar for durations and horizons; short names for enum values', () => {
  const horizon = { h: arg.duration({ unit: 'd', min: 1, max: 30, integer: true }) };
  const snooze = { t: arg.duration({ unit: 'm', min: 1, max: 43_200, off: true }) };
  it('10d, 240h, 2w and a plain 10 all read in the argument’s unit', () => {
    for (const [token, days] of [['10d', 10], ['240h', 10], ['10', 10], ['2w', 14], ['1D', 1], ['1440m', 1]] as const) {
      expect(parseArgs(horizon, [token])).toEqual({ ok: true, values: { h: days } });
    }
    expect(parseArgs(snooze, ['1h'])).toEqual({ ok: true, values: { t: 60 } });
    expect(parseArgs(snooze, ['off'])).toEqual({ ok: true, values: { t: 0 } });
  });

  it('out of range, fractional where whole units are needed, and words are refused with the grammar', () => {
    expect(parseArgs(horizon, ['36h'])).toEqual({ ok: false, message: 'h: expected a time such as 10d or 240h (a plain number is days), from 1 to 30 days, in whole days, got "36h"' });
    const far = parseArgs(horizon, ['31d']);
    expect(!far.ok && far.message).toContain('from 1 to 30 days');
    expect(parseArgs(horizon, ['off'])).toMatchObject({ ok: false });
    expect(parseArgs(horizon, ['0d'])).toMatchObject({ ok: false });
    const soon = parseArgs(snooze, ['soon']);
    expect(!soon.ok && soon.message).toContain('or off, got "soon"');
  });

  it('property: n of any unit reads as n × that unit in minutes', () => {
    const perMinute = { m: 1, h: 60, d: 1440, w: 10_080 } as const;
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.constantFrom('m', 'h', 'd', 'w'), (n, u) => {
      const r = parseArgs({ t: arg.duration({ unit: 'm' }) }, [`${n}${u}`]);
      return r.ok && r.values.t === n * perMinute[u];
    }));
  });

  it('enum short names map to their value and are listed in the expected text', () => {
    const spec = { method: arg.enum({ values: ['all', 'historical', 'montecarlo'], aliases: { hist: 'historical', mc: 'montecarlo' } }) };
    expect(parseArgs(spec, ['MC'])).toEqual({ ok: true, values: { method: 'montecarlo' } });
    expect(parseArgs(spec, ['hist'])).toEqual({ ok: true, values: { method: 'historical' } });
    expect(parseArgs(spec, ['x'])).toEqual({ ok: false, message: 'method: expected one of all, historical (hist), montecarlo (mc), got "x"' });
  });
});
