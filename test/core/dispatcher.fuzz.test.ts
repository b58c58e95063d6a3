/**
 * 1,000 random command lines through the real Dispatcher, commands and paper venue: each produces a Reply (or null for
 * text that is not a command), never an exception, never an unexpected-error log, and never a change to the ledger.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { encodeActionRef } from '../../src/core/reply.ts';
import type { Ledger } from '../../src/venues/paper/ledger.ts';
import { testApp } from '../helpers/app.ts';

function ledgerState(l: Ledger): string {
  return JSON.stringify(
    { spot: [...l.spot], perps: [...l.perps], lps: [...l.lps].map(([k, v]) => [k, { ...v, bins: [...v.bins] }]), realized: l.realizedPnl, prices: l.prices() },
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
  );
}

const names = COMMANDS.map((c) => c.name);
const token = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('SOL', 'sol', 'BONK', 'all', 'perp', 'spot', 'lp', '-1', '0', '1', '2', '1e9', '1e400', 'NaN', 'Infinity',
    '0x10', '5%', '1,000', '"a b"', "'x'", 'page=2', 'kind=lp', 'kind=', '=', '/portfolio', '@bot', '<b>', '1M&BONK', '\u0000', '💥'),
  fc.double().map(String),
  fc.integer().map(String),
);
const line = fc.oneof(
  fc.tuple(fc.constantFrom(...names), fc.array(token, { maxLength: 5 }), fc.constantFrom('', '@vigil_bot', '@other')).map(([n, args, at]) => `/${n}${at} ${args.join(' ')}`),
  fc.string({ maxLength: 40 }).map((s) => `/${s}`),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('/', '//', '/ portfolio', '/PORTFOLIO', '/positions  lp   2', '/help help help', ' /health '),
);

describe('Dispatcher under random input', () => {
  it('answers 1,000 random command lines without throwing or touching the ledger', async () => {
    const { app, venue, records } = testApp({ seed: 3 });
    const before = ledgerState(venue.ledger);
    let replies = 0;
    await fc.assert(fc.asyncProperty(line, fc.constantFrom('viewer', 'trader', 'admin', null), async (text, role) => {
      const r = await app.dispatcher.handleText({
        actor: { platform: 'telegram', userId: '1', displayName: 'F', role: role }, chat: { platform: 'telegram', chatId: '1' },
        text, botUsername: 'vigil_bot',
      });
      if (r !== null) {
        replies++;
        expect(r.blocks.length).toBeGreaterThan(0);
        for (const b of r.blocks) expect(['text', 'fields', 'table', 'image', 'buttons', 'divider']).toContain(b.kind);
      } else {
        expect(text.trim().startsWith('/') ? /@/.test(text) : true).toBe(true);
      }
    }), { numRuns: 1000, seed: 20261121 });
    expect(replies).toBeGreaterThan(500);
    expect(records.filter((r) => (r.level as number) >= 50)).toEqual([]);
    expect(ledgerState(venue.ledger)).toBe(before);
  });

  it('answers random button data with a toast, never an exception', async () => {
    const { app, venue, records } = testApp({ seed: 4 });
    const before = ledgerState(venue.ledger);
    await fc.assert(fc.asyncProperty(
      fc.oneof(fc.string({ maxLength: 64 }), fc.tuple(fc.stringMatching(/^[a-z0-9]{4,32}$/), fc.stringMatching(/^[a-z0-9_]{1,8}$/)).map(([id, verb]) => encodeActionRef({ id, verb }))),
      async (data) => {
        const res = await app.dispatcher.handlePress({ actor: { platform: 'telegram', userId: '1', displayName: 'F', role: 'admin' }, chat: { platform: 'telegram', chatId: '1' }, data });
        expect(res.reply).toBeNull();
        expect(res.toast).toBe('This button is no longer valid. Run the command again.');
      },
    ), { numRuns: 300 });
    expect(records.filter((r) => (r.level as number) >= 50)).toEqual([]);
    expect(ledgerState(venue.ledger)).toBe(before);
  });
});
