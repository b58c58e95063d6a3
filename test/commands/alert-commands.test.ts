import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/core/reply.ts';
import { testApp } from '../helpers/app.ts';

describe('/subscribe, /unsubscribe, /quiet', () => {
  it('subscribes this chat once, sets and clears quiet hours, and unsubscribes', async () => {
    const { send, app } = testApp();
    expect(plainText(await send('/subscribe', 'viewer'))).toContain('/subscribe needs the trader role');
    expect(plainText(await send('/quiet 22:00-07:00', 'trader'))).toContain('This chat does not receive alerts.');
    expect(plainText(await send('/quiet', 'trader'))).toBe('This chat does not receive alerts, so it has no quiet hours. /subscribe first.');
    expect(plainText(await send('/subscribe', 'trader'))).toContain('This chat now receives alerts.');
    expect(plainText(await send('/subscribe', 'trader'))).toBe('This chat already receives alerts, at any time (no quiet hours). /unsubscribe stops them.');
    expect(plainText(await send('/quiet', 'trader'))).toBe('No quiet hours: alerts come at any time. /quiet 22:30-07:00 sets them.');
    expect(plainText(await send('/quiet 22:30-07:00 Europe/Paris', 'trader'))).toBe('Quiet hours 22:30–07:00 (Europe/Paris). Critical alerts still come through.');
    // Alone, each shows this chat's setting.
    expect(plainText(await send('/quiet', 'trader'))).toBe('Quiet hours 22:30–07:00 (Europe/Paris). Critical alerts still come through. /quiet off ends them.');
    expect(plainText(await send('/subscribe', 'trader'))).toBe('This chat already receives alerts, quiet 22:30–07:00 (Europe/Paris). /unsubscribe stops them.');
    expect((await app.services.notifications.subscriptions())[0]?.quiet).toEqual({ from: '22:30', to: '07:00', timeZone: 'Europe/Paris' });
    expect(plainText(await send('/quiet 10pm', 'trader'))).toContain('range: expected HH:MM-HH:MM such as 22:30-07:00, or off, got "10pm"');
    expect(plainText(await send('/quiet 22:00-07:00 Mars/Base', 'trader'))).toContain('time zone: expected an IANA name such as Europe/Paris, got "Mars/Base"');
    expect(plainText(await send('/quiet off', 'trader'))).toBe('Quiet hours off: alerts come at any time.');
    expect(plainText(await send('/unsubscribe', 'trader'))).toBe('This chat no longer receives alerts.');
    expect(plainText(await send('/unsubscribe', 'trader'))).toBe('This chat was not receiving alerts.');
  });
});

describe('/thresholds set and /limits set take known names only', () => {
  it('prototype names are not settings: refused with the list, nothing stored, nothing audited', async () => {
    const { send, repos } = testApp();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(plainText(await send(`/thresholds set ${name} 5`, 'admin'))).toContain(`"${name}" is not a threshold.`);
      expect(plainText(await send(`/limits set ${name} 1`, 'admin'))).toContain(`"${name}" is not a limit.`);
    }
    expect(await repos.settings.get('alert-thresholds')).toBeUndefined();
    expect(await repos.settings.get('risk-limits')).toBeUndefined();
    expect(await repos.audit.list()).toEqual([]);
  });

  it('a number too small for a double is refused, not stored as 0; a valid one is stored and audited', async () => {
    const { send, repos } = testApp();
    const tooSmall = plainText(await send('/thresholds set pnl_move 1e-400', 'admin'));
    expect(tooSmall).toContain('value: expected a number, got "1e-400"');
    expect(await repos.settings.get('alert-thresholds')).toBeUndefined();
    expect(plainText(await send('/thresholds set pnl_move 0.1', 'admin'))).not.toContain('expected');
    expect(await repos.settings.get('alert-thresholds')).toEqual({ pnl_move: 0.1 });
    expect((await repos.audit.list()).map((e) => e.action)).toEqual(['thresholds.set']);
  });

  it('/thresholds shows the LP thresholds, and a set one shows its new value', async () => {
    const { send } = testApp();
    const shown = plainText(await send('/thresholds'));
    expect(shown).toContain('LP near edge: within 3 bins of either edge');
    expect(shown).toContain('LP skew over: 80% (value imbalance of the two tokens)');
    expect(shown).toContain('LP pool vs oracle: over 1.0%');
    expect(plainText(await send('/thresholds set lp_near_edge_bins 5', 'admin'))).toContain('LP near edge: within 5 bins of either edge');
    expect(plainText(await send('/thresholds set lp_skew 1', 'admin'))).toContain('lp_skew: expected a value between 0 and 1, both excluded, got 1.');
  });
});
