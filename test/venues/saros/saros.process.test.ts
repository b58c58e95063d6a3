/**
 * Saros end to end: the real program (solana-bankrun behind the fake RPC), the real Vigil process with
 * SAROS_WALLETS and no Drift, Telegram through the fake Bot API. Mints sit at the mainnet wrapped-SOL and USDC
 * addresses so Vigil names them SOL and USDC (Drift's registry) and prices them from the CSV history.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { NATIVE_MINT } from '@solana/spl-token';
import { PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sarosServices } from '../../../src/venues/saros/accounts.ts';
import { startSarosChain, type SarosChain } from '../../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig, type OpenedPosition, type Pool } from '../../fakes/saros-pools.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { describeShared, HAVE_SHARED, sharedPath } from '../../helpers/shared-dir.ts';
import { startVigil, stop, type VigilChild } from '../../helpers/vigil-process.ts';

const USER = 333_333;
const USDC = new PublicKey('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v');

let chain: SarosChain;
let sdk: LiquidityBookServices;
let tg: FakeTelegramBotApi;
let dir: string;
let pool: Pool;
let position: OpenedPosition;
let lastClose = 0;
const children: VigilChild[] = [];

beforeAll(async () => {
  if (!HAVE_SHARED) return;
  const csv = await readFile(sharedPath('data', 'prices', 'SOL-USD.daily.csv'), 'utf8');
  lastClose = Number(csv.trim().split('\n').at(-1)!.split(',')[1]);
  chain = await startSarosChain();
  sdk = sarosServices(chain.rpc.url);
  await writeConfig(chain, sdk);
  const sol = await chain.createMint(9, false, NATIVE_MINT);
  const usdc = await chain.createMint(6, false, USDC);
  pool = await createPool(chain, sdk, { decimalsX: 9, decimalsY: 6, binStep: 20, price: lastClose, mintX: sol, mintY: usdc });
  await chain.setTokenBalance(chain.payer.publicKey, sol, 50n * 10n ** 9n);
  await chain.setTokenBalance(chain.payer.publicKey, usdc, 10_000n * 10n ** 6n);
  position = await openPosition(chain, sdk, pool, { left: -5, right: 5, amountX: 4n * 10n ** 9n, amountY: 500n * 10n ** 6n });
  tg = new FakeTelegramBotApi({ chats: [{ id: USER, type: 'private', firstName: 'Lia' }] });
  await tg.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-saros-'));
}, 120_000);

afterAll(async () => {
  for (const c of children) await stop(c, 10_000).catch(() => undefined);
  await tg?.stop();
  await chain?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describeShared('Saros end to end (real program, real process, fake Telegram)', () => {
  it('/lp shows the wallet\'s position as the program holds it, named and priced', async () => {
    const since = tg.mark();
    const v = startVigil(dir, {
      TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${USER}:trader`, TELEGRAM_API_ROOT: tg.url,
      SOLANA_RPC_URL: chain.rpc.url, SAROS_WALLETS: chain.payer.publicKey.toBase58(),
      PRICE_HISTORY: 'csv', PRICE_HISTORY_DIR: sharedPath('data', 'prices'), LOG_LEVEL: 'warn',
    });
    children.push(v);
    await tg.waitForCall('deleteWebhook', () => true, 60_000, { since });
    const mark = tg.mark();
    tg.userSends('/lp', { userId: USER, firstName: 'Lia' });
    const m = await tg.waitForMessage((x) => x.chatId === USER && x.text.includes('Liquidity positions'), 30_000, { since: mark });
    expect(m.text, v.stderr()).toContain('#1 SOL/USDC Saros LP · ✓ in range · 5 bins to lower, 5 to upper');
    // What the program holds for the position: read straight from the chain with the SDK.
    const onChain = await sdk.getPositionAccount(position.position) as { liquidityShares: { toString(): string }[] };
    expect(onChain.liquidityShares.filter((s) => s.toString() !== '0')).toHaveLength(11);
    // The wallet owns every share, so its position is exactly what the pair's vaults hold: 4 SOL and 500 USDC.
    const vaultX = await sdk.getPairVaultInfo({ tokenAddress: pool.mintX, pair: pool.pair });
    const vaultY = await sdk.getPairVaultInfo({ tokenAddress: pool.mintY, pair: pool.pair });
    expect((await chain.connection.getTokenAccountBalance(vaultX)).value.amount).toBe('4000000000');
    expect((await chain.connection.getTokenAccountBalance(vaultY)).value.amount).toBe('500000000');
    // Priced from the CSV folder's freshest closes: SOL daily 124.65 (2025-12-31), USDC 0.99986702.
    expect(m.text).toContain('Value: $998.53 (4 SOL + 500 USDC)');
    // Pool price: the active bin createPairWithConfig chose for 124.65, lower edge 1.002^(id − 2^23) × 1000.
    const pool0 = 1.002 ** (pool.activeId - 8_388_608) * 1000;
    expect(m.text).toContain(`Pool / oracle: ${pool0.toFixed(2)} USDC / ${(lastClose / 0.99986702).toFixed(2)} USDC`);
    // /recenter 1: planned on the pool now. The pool holds only this position, centred already and worth about
    // half SOL, half USDC (498.60 vs 500): no swap is worth its fee; remove and add back over the same 11 bins.
    const mark2 = tg.mark();
    const sendsBefore = chain.rpc.transactions('send').length;
    tg.userSends('/recenter 1', { userId: USER, firstName: 'Lia' });
    const r = await tg.waitForMessage((x) => x.chatId === USER && x.text.includes('Re-center'), 30_000, { since: mark2 });
    expect(r.text).toContain('Re-center #1 SOL/USDC · preview');
    expect(r.text).toContain(`1. Remove all: 4 SOL + 500 USDC (bins ${pool.activeId - 5 - 8_388_608}…${pool.activeId + 5 - 8_388_608})`);
    expect(r.text).toContain(`2. Add 4 SOL + 500 USDC over bins ${pool.activeId - 5 - 8_388_608}…${pool.activeId + 5 - 8_388_608} (spot, 11 bins)`);
    expect(r.text).toContain('Preview only: sending re-center transactions (with Confirm) is not built yet. Nothing was sent.');
    expect(chain.rpc.transactions('send')).toHaveLength(sendsBefore);
    const ended = await stop(v, 10_000);
    expect(ended.code, v.stderr()).toBe(0);
  }, 120_000);
});
