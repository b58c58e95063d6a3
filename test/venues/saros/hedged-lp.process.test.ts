/**
 * A hedged LP, end to end: Drift's mainnet fixture account (swift_failure, which holds JUP-PERP and BTC-PERP) and a
 * Saros JUP/USDC position of the same wallet set on one fake RPC (Saros on the real program), the real process with
 * DRIFT_AUTHORITIES and SAROS_WALLETS. The LP sits wholly above the price, so it holds only JUP and its delta is
 * exactly its JUP: /hedge JUP must count it and propose the Drift JUP-PERP order that brings the total to zero.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sarosServices } from '../../../src/venues/saros/accounts.ts';
import { startSarosChain, type SarosChain } from '../../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig } from '../../fakes/saros-pools.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { describeShared, HAVE_SHARED, sharedPath } from '../../helpers/shared-dir.ts';
import { startVigil, stop, type VigilChild } from '../../helpers/vigil-process.ts';
import { loadFixtureSet, serveFixtureSet } from '../drift/fixtures.ts';

const USER = 444_444;
const JUP = new PublicKey('JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN');
const USDC = new PublicKey('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v');
/** The fixture's JUP-PERP oracle: 41666682 × 1e-8. */
const JUP_PRICE = 0.41666682;

let chain: SarosChain;
let sdk: LiquidityBookServices;
let tg: FakeTelegramBotApi;
let dir: string;
let authority = '';
let lpJup = 0n;
const children: VigilChild[] = [];

beforeAll(async () => {
  if (!HAVE_SHARED) return;
  chain = await startSarosChain();
  ({ authority } = await serveFixtureSet(chain.rpc, loadFixtureSet('swift_failure')));
  sdk = sarosServices(chain.rpc.url);
  await writeConfig(chain, sdk);
  const jup = await chain.createMint(6, false, JUP);
  const usdc = await chain.createMint(6, false, USDC);
  const pool = await createPool(chain, sdk, { decimalsX: 6, decimalsY: 6, binStep: 20, price: JUP_PRICE, mintX: jup, mintY: usdc });
  await chain.setTokenBalance(chain.payer.publicKey, jup, 100_000n * 10n ** 6n);
  await chain.setTokenBalance(chain.payer.publicKey, usdc, 100_000n * 10n ** 6n);
  const before = await chain.tokenBalance(chain.payer.publicKey, jup);
  await openPosition(chain, sdk, pool, { left: 2, right: 8, amountX: 2_000n * 10n ** 6n, amountY: 0n });
  lpJup = before - await chain.tokenBalance(chain.payer.publicKey, jup);
  tg = new FakeTelegramBotApi({ chats: [{ id: USER, type: 'private', firstName: 'Hal' }] });
  await tg.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-hedged-lp-'));
}, 120_000);

afterAll(async () => {
  for (const c of children) await stop(c, 10_000).catch(() => undefined);
  await tg?.stop();
  await chain?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function hedgeCard(env: Record<string, string>): Promise<string> {
  const since = tg.mark();
  const v = startVigil(dir, {
    TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${USER}:trader`, TELEGRAM_API_ROOT: tg.url,
    SOLANA_RPC_URL: chain.rpc.url, DRIFT_AUTHORITIES: authority, DRIFT_SUBSCRIPTION: 'polling',
    PRICE_HISTORY: 'csv', PRICE_HISTORY_DIR: sharedPath('data', 'prices'), LOG_LEVEL: 'warn', ...env,
  });
  children.push(v);
  await tg.waitForCall('deleteWebhook', () => true, 60_000, { since });
  const mark = tg.mark();
  tg.userSends('/hedge JUP', { userId: USER, firstName: 'Hal' });
  const card = await tg.waitForMessage((m) => m.chatId === USER && m.text.includes('Hedge JUP'), 30_000, { since: mark });
  const ended = await stop(v, 10_000);
  expect(ended.code, v.stderr()).toBe(0);
  return card.text;
}

/** A row of the card's before/after table: "Δ JUP  +$8,333.32  $0.00" → [before, after] in USD. */
function row(card: string, label: string): [number, number] {
  const line = card.split('\n').find((l) => l.startsWith(label));
  if (!line) throw new Error(`no ${label} row on the card:\n${card}`);
  // Exact amounts ($833.00) and the card's compact ones ($12.3k, $1.23M).
  const scale: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6 };
  const usd = [...line.matchAll(/([+-]?)\$([\d,]+(?:\.\d+)?)([kM]?)/g)].map((m) => (m[1] === '-' ? -1 : 1) * Number(m[2]!.replace(/,/g, '')) * (scale[m[3] ?? ''] ?? 1));
  return [usd[0]!, usd[1]!];
}

describeShared('hedged LP: Drift perp + Saros position of one wallet', () => {
  it('/hedge JUP counts the Saros LP\'s JUP with the Drift perp, and says when a limit stops the hedge short of it', async () => {
    const drift = await hedgeCard({});
    const both = await hedgeCard({ SAROS_WALLETS: chain.payer.publicKey.toBase58() });
    // The LP holds lpJup base units of JUP (6 decimals), all of it delta at the oracle price 0.41666682.
    const lpUsd = (Number(lpJup) / 1e6) * JUP_PRICE;
    expect(lpUsd).toBeCloseTo(833, 0);
    const [driftBefore] = row(drift, 'Δ JUP');
    const [bothBefore, bothAfter] = row(both, 'Δ JUP');
    // The card shows thousands compactly (3 significant digits, ≤ 0.5% each): the LP's share within that rounding.
    expect(Math.abs(bothBefore - driftBefore - lpUsd)).toBeLessThan(0.005 * (Math.abs(bothBefore) + Math.abs(driftBefore)));
    // Shorting past the 20,000 JUP-PERP held would take this 19x account over the 5x leverage limit: the plan stops
    // at the cap, leaves the LP's $833 unhedged, and says why.
    expect(both).toMatch(/SELL \(RO\)\s+20,000 JUP-PERP/);
    expect(bothAfter).toBeCloseTo(lpUsd, 1);
    expect(both).toContain('JUP-PERP: capped at the 20,000 JUP-PERP held (reduce-only); going short past it would exceed the 5x leverage limit.');
    expect(drift).not.toContain('capped');
  }, 120_000);
});
