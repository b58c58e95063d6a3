import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/core/reply.ts';
import { testApp } from '../helpers/app.ts';

describe('/subscribe, /unsubscribe, /quiet', () => {
  it('subscribes this chat once, sets and clears quiet hours, and unsubscribes', async () => {
    const { send, app } = testApp();
    expect(plainText(await send('/subscribe', 'viewer'))).toContain('/subscribe needs the trader role');
    expect(plainText(await send('/quiet 22:00-07:00', 'trader'))).toContain('This chat does not receive alerts.');
    expect(plainText(await send('/subscribe', 'trader'))).toContain('This chat now receives alerts.');
    expect(plainText(await send('/subscribe', 'trader'))).toContain('This chat already receives alerts.');
    expect(plainText(await send('/quiet 22:30-07:00 Europe/Paris', 'trader'))).toBe('Quiet hours 22:30–07:00 (Europe/Paris). Critical alerts still come through.');
    expect((await app.services.notifications.subscriptions())[0]?.quiet).toEqual({ from: '22:30', to: '07:00', timeZone: 'Europe/Paris' });
    expect(plainText(await send('/quiet 10pm', 'trader'))).toContain('range: expected HH:MM-HH:MM such as 22:30-07:00, or off, got "10pm"');
    expect(plainText(await send('/quiet 22:00-07:00 Mars/Base', 'trader'))).toContain('time zone: expected an IANA name such as Europe/Paris, got "Mars/Base"');
    expect(plainText(await send('/quiet off', 'trader'))).toBe('Quiet hours off: alerts come at any time.');
    expect(plainText(await send('/unsubscribe', 'trader'))).toBe('This chat no longer receives alerts.');
    expect(plainText(await send('/unsubscribe', 'trader'))).toBe('This chat was not receiving alerts.');
  });
});
