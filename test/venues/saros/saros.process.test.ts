/**
 * Saros end to end: the real program (solana-bankrun behind the fake RPC), the real Vigil process with
 * SAROS_WALLETS and no Drift, Telegram through the fake Bot API. Mints sit at the mainnet wrapped-SOL and USDC
 * addresses so Vigil names them SOL and USDC (Drift's registry) and prices them from the CSV history.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { NATIVE_MINT } from '@solana/spl-token';
import { PublicKey, SystemProgram } from '@solana/web3.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LpBaselineRecord } from '../../../src/ports/index.ts';
import { fmtTime } from '../../../src/shared/format.ts';
import { sarosServices } from '../../../src/venues/saros/accounts.ts';
import { SarosReader } from '../../../src/venues/saros/reader.ts';
import { startSarosChain, type SarosChain } from '../../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig, type OpenedPosition, type Pool } from '../../fakes/saros-pools.ts';
import type { TransactionRecord } from '../../fakes/solana-rpc.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi, type SentMessage } from '../../fakes/telegram-bot-api.ts';
import { describeShared, HAVE_SHARED, sharedPath } from '../../helpers/shared-dir.ts';
import { buttonLabels, editedTo, pressButton } from '../../helpers/telegram-cards.ts';
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

const LIA = { userId: USER, firstName: 'Lia' };

/** Sends a /recenter command as Lia and returns the card (the first message about it). */
async function recenter(text: string): Promise<SentMessage> {
  const since = tg.mark();
  tg.userSends(text, LIA);
  return tg.waitForMessage((x) => x.chatId === USER && x.text.includes('Re-center'), 30_000, { since });
}

/** Instruction names of a sent transaction's Saros instructions, decoded with the SDK's IDL coder. */
function sarosInstructions(r: TransactionRecord): string[] {
  const m = r.transaction.message;
  const keys = m.staticAccountKeys;
  return m.compiledInstructions.flatMap((ix) => {
    if (!keys[ix.programIdIndex]?.equals(sdk.lbProgram.programId)) return [];
    // The SDK's Program is typed with Anchor's InstructionCoder interface; its coder is the Borsh one, which decodes.
    const coder = sdk.lbProgram.coder.instruction as unknown as { decode(data: Buffer): { name: string } | null };
    return [coder.decode(Buffer.from(ix.data))?.name ?? '?'];
  });
}

async function startLive(extra: Record<string, string> = {}): Promise<VigilChild> {
  const keyFile = join(dir, 'lp-wallet.json');
  await writeFile(keyFile, JSON.stringify([...chain.payer.secretKey]), { mode: 0o600 });
  const since = tg.mark();
  const v = startVigil(dir, {
    TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${USER}:trader`, TELEGRAM_API_ROOT: tg.url,
    SOLANA_RPC_URL: chain.rpc.url, SAROS_WALLETS: chain.payer.publicKey.toBase58(), SAROS_KEYPAIR: keyFile, EXECUTION_MODE: 'live',
    PRICE_HISTORY: 'csv', PRICE_HISTORY_DIR: sharedPath('data', 'prices'), LOG_LEVEL: 'warn', ...extra,
  });
  children.push(v);
  await tg.waitForCall('deleteWebhook', () => true, 60_000, { since }).catch((err: unknown) => {
    throw new Error(`Vigil did not start: ${v.stderr()}`, { cause: err });
  });
  return v;
}

/** Sends a /withdraw command as Lia and returns the card. */
async function withdrawCard(text: string): Promise<SentMessage> {
  const since = tg.mark();
  tg.userSends(text, LIA);
  return tg.waitForMessage((x) => x.chatId === USER && x.text.includes('Withdraw'), 30_000, { since });
}

/** The state file's LP baselines, by position id. */
async function baselines(): Promise<Record<string, LpBaselineRecord>> {
  const doc = JSON.parse(await readFile(join(dir, 'data', 'vigil.json'), 'utf8')) as { lpBaselines: Record<string, LpBaselineRecord> };
  return doc.lpBaselines;
}

/** /lp as Lia: the text of the answer. */
async function lpText(): Promise<string> {
  const since = tg.mark();
  tg.userSends('/lp', LIA);
  return (await tg.waitForMessage((x) => x.chatId === USER && x.text.includes('Liquidity positions'), 30_000, { since })).text;
}

/** Sells `lamports` of SOL into the pool from the payer (someone else's trade, as far as Vigil knows). */
async function sellSol(lamports: bigint): Promise<void> {
  const tx = await sdk.swap({
    tokenMintX: pool.mintX, tokenMintY: pool.mintY, amount: lamports, otherAmountOffset: 0n, swapForY: true, isExactInput: true,
    pair: pool.pair, hook: sdk.hooksConfig, payer: chain.payer.publicKey,
  });
  await chain.send(tx, [], 400_000);
}

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
    // Fees are counted from when Vigil first saw the position's bins (nothing traded since): an estimate, and no loss
    // against holding the same tokens.
    expect(m.text).toMatch(/Fees: ≈ \$0\.00 since \d{4}-\d\d-\d\d \d\d:\d\d UTC \(estimate, inside the value\)/);
    expect(m.text).toContain('vs HODL: $0.00 (price moves, fees excluded)');
    // Pool price: the active bin createPairWithConfig chose for 124.65, lower edge 1.002^(id − 2^23) × 1000.
    const pool0 = 1.002 ** (pool.activeId - 8_388_608) * 1000;
    expect(m.text).toContain(`Pool / oracle: ${pool0.toFixed(2)} USDC / ${(lastClose / 0.99986702).toFixed(2)} USDC`);
    // /recenter 1 (dry-run, the default): planned on the pool now. The pool holds only this position, centred already
    // and worth about half SOL, half USDC (498.60 vs 500): no swap is worth its fee; remove and add back over 11 bins.
    const sendsBefore = chain.rpc.transactions('send').length;
    const card = await recenter('/recenter 1');
    const lower = pool.activeId - 5 - 8_388_608;
    expect(card.text.split('\n')[0]).toBe('Re-center SOL/USDC LP: 11 bins, spot · dry run');
    expect(card.text).toMatch(/1 Remove\s+\+4\s+\+500\n/);
    expect(card.text).toMatch(/2 Add\s+−4\s+−500\n/);
    expect(card.text).toMatch(/Range\s+[\d.]+–[\d.]+\s+[\d.]+–[\d.]+/);
    expect(card.text).toContain('DRY RUN: Confirm re-checks and simulates; nothing is sent.');
    expect(buttonLabels(card)).toEqual(['Confirm', 'Cancel']);
    expect(lower).toBeLessThan(0);
    const answer = await pressButton(tg, card, 'Confirm', LIA);
    expect(answer.text).toBe('Dry run: simulated, nothing sent.');
    const done = await editedTo(tg, card, 2);
    expect(done.text.split('\n')[0]).toBe('🧪 Dry run: simulated, nothing sent · Re-center SOL/USDC LP: 11 bins, spot');
    expect(chain.rpc.transactions('send')).toHaveLength(sendsBefore);
    expect(await chain.connection.getAccountInfo(position.position)).not.toBeNull();
    const ended = await stop(v, 10_000);
    expect(ended.code, v.stderr()).toBe(0);
  }, 120_000);

  it('live: Confirm sends one transaction per leg (close, then create + add) and the chain holds the new range', async () => {
    // The baseline the first process recorded is in the state file and survives the restart.
    const before = await baselines();
    const oldId = `saros:${position.position.toBase58()}`;
    expect(before[oldId]?.bins).toHaveLength(11);
    const v = await startLive();
    expect(v.stderr()).toContain(`vigil: Saros: re-centers of ${chain.payer.publicKey.toBase58()}'s positions signed by its own key`);
    const lp0 = await lpText();
    expect(lp0).toContain(`since ${fmtTime(before[oldId]!.since)}`);
    const sendsBefore = chain.rpc.transactions('send').length;
    const card = await recenter('/recenter 1 7');
    expect(card.text.split('\n')[0], v.stderr()).toBe('Re-center SOL/USDC LP: 7 bins, spot · LIVE');
    expect(chain.rpc.transactions('send')).toHaveLength(sendsBefore);
    const answer = await pressButton(tg, card, 'Confirm', LIA);
    expect(answer.text, v.stderr()).toBe('Executed.');
    const done = await editedTo(tg, card, 2);
    expect(done.text.split('\n')[0]).toBe('✅ Executed · Re-center SOL/USDC LP: 7 bins, spot');
    expect(done.text).toMatch(/Remove\s+4 SOL/);
    // Exactly one submission per leg, each the instructions its leg names.
    const sent = chain.rpc.transactions('send').slice(sendsBefore);
    expect(sent.map(sarosInstructions)).toEqual([['closePosition'], ['createPosition', 'increasePosition']]);
    expect(sent.every((r) => r.rejected === undefined && r.accountKeys[0] === chain.payer.publicKey.toBase58())).toBe(true);
    // The pool's base is wrapped SOL, already in the wallet's token account: no lamports are wrapped again (the SDK's
    // swap and addLiquidityIntoPosition would, see sdk-defects.test.ts).
    expect(sent.flatMap((r) => r.programIds)).not.toContain(SystemProgram.programId.toBase58());
    // The chain: the old position is closed, the wallet holds one new position over 7 bins around the active one.
    expect(await chain.connection.getAccountInfo(position.position)).toBeNull();
    const lp = await lpText();
    expect(lp).toContain('#1 SOL/USDC Saros LP · ✓ in range · 3 bins to lower, 3 to upper');
    expect(lp).not.toContain('#2');
    const ended = await stop(v, 10_000);
    expect(ended.code, v.stderr()).toBe(0);
    // The closed position's baseline is gone; the new one is recorded from its first sight, after the deposit.
    const after = await baselines();
    expect(Object.keys(after)).toHaveLength(1);
    expect(after[oldId]).toBeUndefined();
    expect(Object.values(after)[0]!.since).toBeGreaterThan(before[oldId]!.since);
  }, 120_000);

  it('live: a swap bound the pool no longer meets stops the re-center after the remove; the card says which leg landed', async () => {
    // Someone sells 2 SOL into the pool (only our position in it): the position now holds more SOL than its centre.
    await sellSol(2n * 10n ** 9n);
    const [mine] = await new SarosReader(chain.connection, sdk.lbProgram.coder, sdk.lbProgram.programId).read([chain.payer.publicKey.toBase58()]);
    if (!mine) throw new Error('no position left from the previous test');
    // Depth around the new price for the re-center's swap to trade against (about 120 USDC a bin below the price).
    await openPosition(chain, sdk, pool, { left: -10, right: 10, amountX: 10n * 10n ** 9n, amountY: 1_250n * 10n ** 6n });
    // No slippage allowed, and a wide price tolerance: only the program's bound can stop it.
    const v = await startLive({ SAROS_SLIPPAGE_BPS: '0', APPROVAL_PRICE_TOLERANCE_BPS: '500' });
    const card = await recenter(`/recenter ${mine.position.address}`);
    expect(card.text, v.stderr()).toMatch(/2 Swap\s+−[\d.]+\s+≥\+[\d.]+/);
    // Between the card and Confirm another 2 SOL sale walks the bins the swap was quoted on.
    await sellSol(2n * 10n ** 9n);
    const sendsBefore = chain.rpc.transactions('send').length;
    const answer = await pressButton(tg, card, 'Confirm', LIA);
    expect(answer.text).toMatch(/^Failed: leg 2 of 3 \(swap\) failed: InvalidAmountOut/);
    const done = await editedTo(tg, card, 2);
    expect(done.text).toContain('landed: 1 remove');
    const sent = chain.rpc.transactions('send').slice(sendsBefore);
    expect(sent.map(sarosInstructions)).toEqual([['closePosition'], ['swap']]);
    const ended = await stop(v, 10_000);
    expect(ended.code, v.stderr()).toBe(0);
  }, 120_000);

  it('a price move out of the range raises the alert with Re-center; its button opens the card; Confirm moves it', async () => {
    // A narrow position around the price, then a monitor that evaluates every 2 s.
    const narrow = await openPosition(chain, sdk, pool, { left: -2, right: 2, amountX: 10n ** 9n, amountY: 125n * 10n ** 6n });
    const v = await startLive({ MONITOR_RISK_CRON: '*/2 * * * * *', MONITOR_REFRESH_CRON: '*/2 * * * * *' });
    const subscribed = tg.mark();
    tg.userSends('/subscribe', LIA);
    await tg.waitForMessage((x) => x.chatId === USER, 30_000, { since: subscribed });
    // Someone sells 8 SOL: the price falls through the narrow range and past it (the position now holds only SOL).
    const moved = tg.mark();
    await sellSol(8n * 10n ** 9n);
    const alert = await tg.waitForMessage((x) => x.chatId === USER && x.text.includes('LP out of range') && buttonLabels(x).includes('Re-center'), 60_000, { since: moved });
    expect(alert.text, v.stderr()).toContain('it earns no fees and holds only');
    // The button runs /recenter for that position: a card with Confirm, for the same position.
    const opened = tg.mark();
    await pressButton(tg, alert, 'Re-center', LIA);
    const card = await tg.waitForMessage((x) => x.chatId === USER && x.text.startsWith('Re-center SOL/USDC LP') && buttonLabels(x).includes('Confirm'), 30_000, { since: opened });
    expect(card.text).toMatch(/1 Remove\s+\+[\d.]+\s+\+0\n/);
    const sendsBefore = chain.rpc.transactions('send').length;
    expect((await pressButton(tg, card, 'Confirm', LIA)).text).toBe('Executed.');
    const sent = chain.rpc.transactions('send').slice(sendsBefore);
    expect(sent.map(sarosInstructions)).toEqual([['closePosition'], ['swap'], ['createPosition', 'increasePosition']]);
    expect(await chain.connection.getAccountInfo(narrow.position)).toBeNull();
    // Half of the new position back out: one decrease_position, the position stays open.
    const reader = new SarosReader(chain.connection, sdk.lbProgram.coder, sdk.lbProgram.programId);
    const fresh = (await reader.read([chain.payer.publicKey.toBase58()])).find((p) => p.position.upperBinId - p.position.lowerBinId === 4);
    if (!fresh) throw new Error('no re-centered position');
    const half = await withdrawCard(`/withdraw ${fresh.position.address} 50%`);
    expect(half.text.split('\n')[0]).toBe('Withdraw 50% of SOL/USDC LP · LIVE');
    const sends2 = chain.rpc.transactions('send').length;
    expect((await pressButton(tg, half, 'Confirm', LIA)).text).toBe('Executed.');
    expect(chain.rpc.transactions('send').slice(sends2).map(sarosInstructions)).toEqual([['decreasePosition']]);
    expect(await chain.connection.getAccountInfo(new PublicKey(fresh.position.address))).not.toBeNull();
    const ended = await stop(v, 10_000);
    expect(ended.code, v.stderr()).toBe(0);
  }, 120_000);
});
