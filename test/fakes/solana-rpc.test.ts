/**
 * The fake Solana RPC, driven by the real @solana/web3.js Connection (and the Drift SDK's BulkAccountLoader): what
 * they see must be what an Agave node would answer. Every test removes its web3.js listeners before the fake stops
 * (web3.js would otherwise reconnect forever to the dead port).
 */
import { BulkAccountLoader } from '@drift-labs/sdk';
import {
  ComputeBudgetProgram,
  Connection,
  Keypair,
  PublicKey,
  SendTransactionError,
  SolanaJSONRPCError,
  TransactionExpiredBlockheightExceededError,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
  type ConnectionConfig,
} from '@solana/web3.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  base58Decode,
  base58Encode,
  FakeSolanaRpc,
  rentExemptMinimum,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  type FakeSolanaRpcOptions,
  type SolanaRpcEvent,
} from './solana-rpc.ts';

const DRIFT = new PublicKey('dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH');
const key = (n: number): PublicKey => new PublicKey(Buffer.alloc(32, n));
const PAYER = Keypair.fromSeed(Buffer.alloc(32, 7));
/** What JSON.parse makes of Agave's rentEpoch u64::MAX. */
const U64_MAX_AS_JS_NUMBER = Number(18446744073709551615n);

let fake: FakeSolanaRpc;
const cleanups: (() => unknown)[] = [];

async function startFake(options: FakeSolanaRpcOptions = {}): Promise<void> {
  await fake.stop();
  fake = new FakeSolanaRpc(options);
  await fake.start();
}

beforeEach(async () => {
  fake = new FakeSolanaRpc();
  await fake.start();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  const leftover = fake.subscriptions();
  await fake.stop();
  expect(leftover, 'subscriptions still active when the test ended').toEqual([]);
});

function connect(config: ConnectionConfig = {}): Connection {
  return new Connection(fake.url, { wsEndpoint: fake.wsUrl, commitment: 'confirmed', ...config });
}

/** A raw JSON-RPC POST (for what web3.js cannot send). */
async function post(body: unknown): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const res = await fetch(fake.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Rejects with what the promise threw (or fails if it resolved). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

/** A signed v0 transaction: a compute-unit limit and one Drift instruction, with a blockhash from the fake. */
async function driftTx(connection: Connection, data = Buffer.from([1, 2, 3])): Promise<{ tx: VersionedTransaction; blockhash: string; lastValidBlockHeight: number }> {
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
  const message = new TransactionMessage({
    payerKey: PAYER.publicKey,
    recentBlockhash: blockhash,
    instructions: [
      ComputeBudgetProgram.setComputeUnitLimit({ units: 300_000 }),
      new TransactionInstruction({ programId: DRIFT, keys: [{ pubkey: PAYER.publicKey, isSigner: true, isWritable: true }], data }),
    ],
  }).compileToV0Message();
  const tx = new VersionedTransaction(message);
  tx.sign([PAYER]);
  return { tx, blockhash, lastValidBlockHeight };
}

/** Waits until the fake has no subscription left (web3.js unsubscribes asynchronously). */
async function noSubscriptionsLeft(): Promise<void> {
  if (fake.subscriptions().length === 0) return;
  await fake.waitFor(() => fake.subscriptions().length === 0, 5000, { since: fake.mark() });
}

describe('base58', () => {
  it('matches web3.js PublicKey encoding, leading zeros included', () => {
    for (const bytes of [Buffer.alloc(32), Buffer.alloc(32, 255), Buffer.concat([Buffer.alloc(3), Buffer.alloc(29, 9)]), PAYER.publicKey.toBuffer()]) {
      const text = base58Encode(bytes);
      expect(text).toBe(new PublicKey(bytes).toBase58());
      expect(base58Decode(text)).toEqual(bytes);
    }
    expect(base58Decode('0OIl')).toBeUndefined();
    expect(base58Encode(Buffer.from([0, 0, 1]))).toBe('112');
  });
});

describe('accounts over HTTP', () => {
  it('getAccountInfo round-trips bytes, owner, lamports and flags; an unknown account is null', async () => {
    const connection = connect();
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
    fake.setAccount(key(1), { data, owner: DRIFT });
    fake.setAccount(key(2), { data: Buffer.from([9]), owner: DRIFT, lamports: 42n, executable: true });

    const info = await connection.getAccountInfo(key(1));
    expect(info?.data).toEqual(data);
    expect(info?.owner.equals(DRIFT)).toBe(true);
    expect(info?.lamports).toBe(Number(rentExemptMinimum(300)));
    expect(info?.executable).toBe(false);
    expect(info?.rentEpoch).toBe(U64_MAX_AS_JS_NUMBER);

    const small = await connection.getAccountInfoAndContext(key(2));
    expect(small.value).toMatchObject({ lamports: 42, executable: true });
    expect(small.context.slot).toBe(fake.slot);

    expect(await connection.getAccountInfo(key(3))).toBeNull();
    // getAddressLookupTable is getAccountInfo of the table: unknown → null value.
    expect((await connection.getAddressLookupTable(key(3))).value).toBeNull();
    expect(fake.calls('getAccountInfo').at(-1)?.params).toEqual([key(3).toBase58(), { encoding: 'base64', commitment: 'confirmed' }]);
  });

  it('writes the wire format: u64 rentEpoch exactly, space, the legacy base58 string when no encoding is given', async () => {
    fake.setAccount(key(1), { data: Buffer.from('hello'), owner: DRIFT });
    const { text, json } = await post({ jsonrpc: '2.0', id: 'a', method: 'getAccountInfo', params: [key(1).toBase58()] });
    expect(text).toContain('"rentEpoch":18446744073709551615');
    expect(json).toMatchObject({
      jsonrpc: '2.0',
      id: 'a',
      result: { context: { slot: fake.slot, apiVersion: '2.2.14' }, value: { data: base58Encode(Buffer.from('hello')), owner: DRIFT.toBase58(), space: 5, executable: false } },
    });
    const b58 = await post({ jsonrpc: '2.0', id: 1, method: 'getAccountInfo', params: [key(1).toBase58(), { encoding: 'base58', dataSlice: { offset: 1, length: 3 } }] });
    expect(b58.json).toMatchObject({ result: { value: { data: [base58Encode(Buffer.from('ell')), 'base58'] } } });

    fake.setAccount(key(2), { data: Buffer.alloc(129), owner: DRIFT });
    const tooBig = await post({ jsonrpc: '2.0', id: 2, method: 'getAccountInfo', params: [key(2).toBase58(), { encoding: 'base58' }] });
    expect(tooBig.json).toEqual({ jsonrpc: '2.0', id: 2, error: { code: -32600, message: 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.' } });

    const badKey = await post({ jsonrpc: '2.0', id: 3, method: 'getAccountInfo', params: ['not-a-key'] });
    expect(badKey.json).toMatchObject({ error: { code: -32602, message: 'Invalid param: Invalid' } });
  });

  it('getMultipleAccounts keeps order and nulls, and defaults to base64 when no encoding is given', async () => {
    const connection = connect();
    fake.setAccount(key(1), { data: Buffer.from([1, 1]), owner: DRIFT });
    fake.setAccount(key(3), { data: Buffer.from([3, 3, 3]), owner: TOKEN_PROGRAM_ID });
    const infos = await connection.getMultipleAccountsInfo([key(1), key(2), key(3)]);
    expect(infos.map((i) => i && [...i.data])).toEqual([[1, 1], null, [3, 3, 3]]);

    const raw = await post({ jsonrpc: '2.0', id: 1, method: 'getMultipleAccounts', params: [[key(3).toBase58()]] });
    expect(raw.json).toMatchObject({ result: { value: [{ data: [Buffer.from([3, 3, 3]).toString('base64'), 'base64'] }] } });

    const tooMany = await post({ jsonrpc: '2.0', id: 2, method: 'getMultipleAccounts', params: [Array.from({ length: 101 }, () => key(1).toBase58())] });
    expect(tooMany.json).toMatchObject({ error: { code: -32602, message: 'Too many inputs provided; max 100' } });
  });

  it('answers a batched array request in order, as one HTTP request', async () => {
    fake.setAccount(key(1), { data: Buffer.from([7]), owner: DRIFT });
    const before = fake.httpRequests();
    const { json } = await post([
      { jsonrpc: '2.0', id: 1, method: 'getSlot' },
      { jsonrpc: '2.0', id: 2, method: 'getAccountInfo', params: [key(1).toBase58(), { encoding: 'base64' }] },
      { jsonrpc: '2.0', id: 3, method: 'noSuchMethod' },
    ]);
    expect(json).toEqual([
      { jsonrpc: '2.0', id: 1, result: fake.slot },
      { jsonrpc: '2.0', id: 2, result: { context: { slot: fake.slot, apiVersion: '2.2.14' }, value: expect.objectContaining({ data: ['Bw==', 'base64'] }) as unknown } },
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'Method not found' } },
    ]);
    expect(fake.httpRequests()).toBe(before + 1);
    expect(fake.calls().slice(-3).map((c) => [c.method, c.batched, c.transport])).toEqual([
      ['getSlot', true, 'http'],
      ['getAccountInfo', true, 'http'],
      ['noSuchMethod', true, 'http'],
    ]);
  });

  it("serves the Drift SDK's BulkAccountLoader (a batch of getMultipleAccounts without encoding)", async () => {
    const connection = connect();
    const data = Buffer.from('drift user account bytes');
    fake.setAccount(key(1), { data, owner: DRIFT });
    const loader = new BulkAccountLoader(connection, 'confirmed', 0);
    const seen = new Map<string, Buffer | undefined>();
    const id1 = await loader.addAccount(key(1), (buffer) => seen.set('1', buffer));
    const id2 = await loader.addAccount(key(2), (buffer) => seen.set('2', buffer));
    const before = fake.httpRequests();
    await loader.load();
    loader.removeAccount(key(1), id1);
    loader.removeAccount(key(2), id2);

    expect(seen.get('1')).toEqual(data);
    expect(seen.get('2')).toBeUndefined();
    expect(seen.has('2')).toBe(true);
    expect(fake.httpRequests()).toBe(before + 1);
    const call = fake.calls('getMultipleAccounts').at(-1);
    expect(call?.batched).toBe(true);
    expect(call?.params).toEqual([[key(1).toBase58(), key(2).toBase58()], { commitment: 'confirmed' }]);
    expect(loader.getSlot()).toBe(fake.slot);
  });

  it('getProgramAccounts applies memcmp (base58 and base64) and dataSize filters, sorted by pubkey', async () => {
    const connection = connect();
    const authority = key(50);
    const userData = (auth: PublicKey, size = 40): Buffer => Buffer.concat([Buffer.alloc(8, 1), auth.toBuffer(), Buffer.alloc(size - 40)]);
    fake.setAccount(key(4), { data: userData(authority), owner: DRIFT });
    fake.setAccount(key(2), { data: userData(authority), owner: DRIFT });
    fake.setAccount(key(3), { data: userData(key(51)), owner: DRIFT });
    fake.setAccount(key(5), { data: userData(authority, 48), owner: DRIFT });
    fake.setAccount(key(6), { data: userData(authority), owner: TOKEN_PROGRAM_ID });

    const byAuthority = await connection.getProgramAccounts(DRIFT, { filters: [{ memcmp: { offset: 8, bytes: authority.toBase58() } }] });
    expect(byAuthority.map((a) => a.pubkey.toBase58())).toEqual([key(2), key(4), key(5)].map((k) => k.toBase58()));

    const sized = await connection.getProgramAccounts(DRIFT, {
      filters: [{ dataSize: 40 }, { memcmp: { offset: 8, bytes: authority.toBuffer().toString('base64'), encoding: 'base64' } }],
    });
    expect(sized.map((a) => a.pubkey.toBase58())).toEqual([key(2), key(4)].map((k) => k.toBase58()));
    expect(sized[0]?.account.data).toEqual(userData(authority));

    const withContext = await connection.getProgramAccounts(DRIFT, { withContext: true, filters: [{ dataSize: 48 }] });
    expect(withContext.context.slot).toBe(fake.slot);
    expect(withContext.value.map((a) => a.pubkey.toBase58())).toEqual([key(5).toBase58()]);

    const tooMany = await failure(connection.getProgramAccounts(DRIFT, { filters: Array.from({ length: 5 }, () => ({ dataSize: 1 })) }));
    expect(tooMany).toBeInstanceOf(SolanaJSONRPCError);
    expect((tooMany as SolanaJSONRPCError).code).toBe(-32602);
  });

  it('getParsedTokenAccountsByOwner returns jsonParsed SPL Token and Token-2022 accounts', async () => {
    const connection = connect();
    const owner = key(60);
    const usdc = key(61);
    const pyusd = key(62);
    const ata = fake.addTokenAccount({ owner, mint: usdc, amount: 1_234_500n, decimals: 6 });
    fake.addTokenAccount({ owner, mint: pyusd, amount: 5n, decimals: 6, programId: TOKEN_2022_PROGRAM_ID, address: key(63) });
    fake.addTokenAccount({ owner: key(64), mint: usdc, amount: 1n, decimals: 6 });

    const byMint = await connection.getParsedTokenAccountsByOwner(owner, { mint: usdc });
    expect(byMint.value).toHaveLength(1);
    const first = byMint.value[0];
    expect(first?.pubkey.toBase58()).toBe(ata);
    expect(first?.account.owner.toBase58()).toBe(TOKEN_PROGRAM_ID);
    expect(first?.account.data).toEqual({
      program: 'spl-token',
      space: 165,
      parsed: {
        type: 'account',
        info: { isNative: false, mint: usdc.toBase58(), owner: owner.toBase58(), state: 'initialized', tokenAmount: { amount: '1234500', decimals: 6, uiAmount: 1.2345, uiAmountString: '1.2345' } },
      },
    });

    const t22 = await connection.getParsedTokenAccountsByOwner(owner, { programId: new PublicKey(TOKEN_2022_PROGRAM_ID) });
    expect(t22.value.map((a) => a.pubkey.toBase58())).toEqual([key(63).toBase58()]);
    expect(t22.value[0]?.account.data.program).toBe('spl-token-2022');

    const raw = await connection.getTokenAccountsByOwner(owner, { programId: new PublicKey(TOKEN_PROGRAM_ID) });
    expect(raw.value[0]?.account.data).toHaveLength(165);
    expect((await connection.getTokenAccountBalance(new PublicKey(ata))).value.uiAmountString).toBe('1.2345');
    expect((await connection.getTokenSupply(usdc)).value.amount).toBe('1234501');

    const notToken = await failure(connection.getParsedTokenAccountsByOwner(owner, { programId: DRIFT }));
    expect((notToken as SolanaJSONRPCError).message).toMatch(/Invalid param: unrecognized Token program id/);
    const noMint = await failure(connection.getParsedTokenAccountsByOwner(owner, { mint: key(99) }));
    expect((noMint as SolanaJSONRPCError).message).toMatch(/Invalid param: could not find mint/);
  });

  it('answers the small methods web3.js uses', async () => {
    const connection = connect();
    const slot = fake.slot;
    expect(await connection.getSlot()).toBe(slot);
    expect(await connection.getBlockHeight()).toBe(fake.blockHeight);
    fake.advanceSlot(3);
    expect(await connection.getSlot()).toBe(slot + 3);
    const latest = await connection.getLatestBlockhash();
    expect(base58Decode(latest.blockhash)).toHaveLength(32);
    expect(latest.lastValidBlockHeight).toBe(fake.blockHeight + 150);
    expect((await connection.isBlockhashValid(latest.blockhash)).value).toBe(true);
    expect(await connection.getMinimumBalanceForRentExemption(165)).toBe(2_039_280);
    fake.setBalance(key(1), 5_000_000_000n);
    expect(await connection.getBalance(key(1))).toBe(5_000_000_000);
    expect(await connection.getBalance(key(2))).toBe(0);
    const epoch = await connection.getEpochInfo();
    expect(epoch).toMatchObject({ absoluteSlot: fake.slot, slotsInEpoch: 432_000, blockHeight: fake.blockHeight });
    expect(await connection.getVersion()).toEqual({ 'solana-core': '2.2.14', 'feature-set': 3294202862 });
    expect((await post({ jsonrpc: '2.0', id: 1, method: 'getHealth' })).json).toEqual({ jsonrpc: '2.0', id: 1, result: 'ok' });
    fake.setNodeBehind(42);
    expect((await post({ jsonrpc: '2.0', id: 1, method: 'getHealth' })).json).toEqual({
      jsonrpc: '2.0', id: 1, error: { code: -32005, message: 'Node is behind by 42 slots', data: { numSlotsBehind: 42 } },
    });
    const { tx } = await driftTx(connection);
    expect((await connection.getFeeForMessage(tx.message)).value).toBe(5000);
    fake.setPriorityFee(12_345);
    const fees = await connection.getRecentPrioritizationFees({ lockedWritableAccounts: [DRIFT] });
    expect(fees).toHaveLength(150);
    expect(fees.at(-1)).toEqual({ slot: fake.slot, prioritizationFee: 12_345 });
    const minSlot = await failure(connection.getSlot({ minContextSlot: fake.slot + 10 }));
    expect((minSlot as SolanaJSONRPCError).code).toBe(-32016);
  });

  it('answers an unknown method with -32601 Method not found', async () => {
    const { json, status } = await post({ jsonrpc: '2.0', id: 9, method: 'getEverything', params: [] });
    expect(status).toBe(200);
    expect(json).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32601, message: 'Method not found' } });
    // A real method the fake does not model fails the same way through web3.js.
    const e = await failure(connect().getTransaction('1'.repeat(64), { maxSupportedTransactionVersion: 0 }));
    expect(e).toBeInstanceOf(SolanaJSONRPCError);
    expect((e as SolanaJSONRPCError).code).toBe(-32601);
    expect((await post('{not json')).json).toMatchObject({ error: { code: -32600 } });
    const parse = await fetch(fake.url, { method: 'POST', body: '{oops' });
    expect(await parse.json()).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });
});

describe('transactions', () => {
  it('simulateTransaction answers a scripted program error, then a default success with logs', async () => {
    const connection = connect();
    const { tx } = await driftTx(connection);
    const logs = [
      `Program ${DRIFT.toBase58()} invoke [1]`,
      'Program log: Instruction: PlacePerpOrder',
      'Program log: AnchorError occurred. Error Code: InsufficientCollateral. Error Number: 6010. Error Message: Insufficient collateral.',
      `Program ${DRIFT.toBase58()} consumed 41234 of 299850 compute units`,
      `Program ${DRIFT.toBase58()} failed: custom program error: 0x177a`,
    ];
    fake.scriptSimulation({ err: { InstructionError: [1, { Custom: 6010 }] }, logs, unitsConsumed: 41384 });

    const failed = await connection.simulateTransaction(tx);
    expect(failed.value.err).toEqual({ InstructionError: [1, { Custom: 6010 }] });
    expect(failed.value.logs).toEqual(logs);
    expect(failed.value.unitsConsumed).toBe(41384);

    const ok = await connection.simulateTransaction(tx);
    expect(ok.value.err).toBeNull();
    expect(ok.value.logs).toEqual([
      'Program ComputeBudget111111111111111111111111111111 invoke [1]',
      'Program ComputeBudget111111111111111111111111111111 success',
      `Program ${DRIFT.toBase58()} invoke [1]`,
      `Program ${DRIFT.toBase58()} consumed 5000 of 300000 compute units`,
      `Program ${DRIFT.toBase58()} success`,
    ]);
    const sims = fake.transactions('simulate');
    expect(sims).toHaveLength(2);
    expect(sims[0]?.programIds).toEqual(['ComputeBudget111111111111111111111111111111', DRIFT.toBase58()]);
    expect(sims[0]?.signature).toBe(base58Encode(tx.signatures[0] ?? new Uint8Array()));
  });

  it('sendTransaction → signature, getSignatureStatuses, confirmTransaction through signatureSubscribe', async () => {
    await startFake({ confirmAfterMs: null });
    const connection = connect();
    const { tx, blockhash, lastValidBlockHeight } = await driftTx(connection);
    const signature = await connection.sendTransaction(tx);
    expect(signature).toBe(base58Encode(tx.signatures[0] ?? new Uint8Array()));
    const sent = fake.transactions('send');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.raw).toEqual(Buffer.from(tx.serialize()));
    expect((await connection.getSignatureStatuses([signature])).value).toEqual([null]);

    const confirmation = connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'confirmed');
    const [sub] = await fake.waitForSubscriptions(1, 5000, { method: 'signatureSubscribe' });
    expect(sub?.key).toBe(signature);
    expect(sub?.commitment).toBe('confirmed');
    fake.confirmSignature(signature, { commitment: 'confirmed' });
    const result = await confirmation;
    expect(result.value.err).toBeNull();
    // The server removed the subscription after notifying, as Solana does.
    await noSubscriptionsLeft();
    expect(fake.calls('signatureUnsubscribe')).toHaveLength(0);

    const status = (await connection.getSignatureStatuses([signature])).value[0];
    expect(status).toMatchObject({ err: null, confirmationStatus: 'confirmed', slot: fake.slot });
    fake.confirmSignature(signature);
    expect((await connection.getSignatureStatus(signature)).value).toMatchObject({ confirmationStatus: 'finalized', confirmations: null });

    // A second send of a landed transaction fails preflight.
    const again = await failure(connection.sendTransaction(tx));
    expect(again).toBeInstanceOf(SendTransactionError);
    expect((again as Error).message).toMatch(/This transaction has already been processed/);
  });

  it('lands sent transactions by itself after confirmAfterMs, with scripted on-chain errors', async () => {
    const connection = connect();
    const { tx, blockhash, lastValidBlockHeight } = await driftTx(connection);
    const signature = await connection.sendTransaction(tx);
    const result = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'finalized');
    expect(result.value.err).toBeNull();

    fake.scriptLanding({ err: { InstructionError: [1, { Custom: 6010 }] } });
    const second = await driftTx(connection, Buffer.from([4]));
    const failing = await connection.sendTransaction(second.tx, { skipPreflight: true });
    const landed = await fake.waitFor((e) => e.kind === 'signature' && e.signature === failing);
    expect(landed.kind === 'signature' && landed.status.err).toEqual({ InstructionError: [1, { Custom: 6010 }] });
    expect((await connection.getSignatureStatus(failing)).value?.err).toEqual({ InstructionError: [1, { Custom: 6010 }] });
    await noSubscriptionsLeft();
  });

  it('refuses a failing preflight (-32002 with the logs), bad signatures and unknown blockhashes', async () => {
    const connection = connect();
    const { tx } = await driftTx(connection);
    const logs = ['Program log: AnchorError occurred. Error Code: InsufficientCollateral. Error Number: 6010. Error Message: Insufficient collateral.'];
    fake.scriptSimulation({ err: { InstructionError: [1, { Custom: 6010 }] }, logs });
    const preflight = await failure(connection.sendTransaction(tx));
    expect(preflight).toBeInstanceOf(SendTransactionError);
    expect((preflight as SendTransactionError).logs).toEqual(logs);
    expect((preflight as Error).message).toMatch(/Transaction simulation failed: Error processing Instruction 1: custom program error: 0x177a/);
    expect(fake.calls('sendTransaction').at(-1)?.error?.code).toBe(-32002);

    const forged = VersionedTransaction.deserialize(tx.serialize());
    forged.signatures[0] = new Uint8Array(64).fill(1);
    const badSig = await failure(connection.sendTransaction(forged));
    expect((badSig as Error).message).toMatch(/Transaction signature verification failure/);

    const stale = new VersionedTransaction(new TransactionMessage({
      payerKey: PAYER.publicKey,
      recentBlockhash: key(77).toBase58(),
      instructions: [new TransactionInstruction({ programId: DRIFT, keys: [], data: Buffer.from([1]) })],
    }).compileToV0Message());
    stale.sign([PAYER]);
    const unknownHash = await failure(connection.sendTransaction(stale));
    expect((unknownHash as Error).message).toMatch(/Blockhash not found/);
    expect(fake.transactions('send').filter((t) => t.rejected)).toHaveLength(3);
  });

  it('a dropped transaction expires by block height', async () => {
    const connection = connect();
    const { tx, blockhash, lastValidBlockHeight } = await driftTx(connection);
    fake.scriptLanding({ drop: true });
    const signature = await connection.sendTransaction(tx);
    fake.advanceSlot(151);
    const since = fake.mark();
    const e = await failure(connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'confirmed'));
    expect(e).toBeInstanceOf(TransactionExpiredBlockheightExceededError);
    expect(fake.signatureStatus(signature)).toBeNull();
    // web3.js gives up its signature subscription (maybe before it reached the server) and closes its idle socket
    // 500 ms later: wait for that, or it would reconnect to the stopped fake.
    await fake.waitFor((x) => x.kind === 'connection' && x.change === 'close', 5000, { since });
    expect(fake.subscriptions()).toEqual([]);
  });
});

describe('WebSocket PubSub', () => {
  it('onAccountChange receives a pushed update; removing the listener unsubscribes', async () => {
    const connection = connect();
    fake.setAccount(key(1), { data: Buffer.from([1]), owner: DRIFT });
    const updates: { data: Buffer; slot: number }[] = [];
    const id = connection.onAccountChange(key(1), (info, ctx) => updates.push({ data: info.data, slot: ctx.slot }), { commitment: 'confirmed' });
    cleanups.push(() => connection.removeAccountChangeListener(id));
    const [sub] = await fake.waitForSubscriptions(1);
    expect(sub).toMatchObject({ method: 'accountSubscribe', key: key(1).toBase58(), commitment: 'confirmed', encoding: 'base64' });

    const since = fake.mark();
    const after = fake.setAccount(key(1), { data: Buffer.from([2, 2]), owner: DRIFT });
    await fake.waitFor((e) => e.kind === 'notification', 5000, { since });
    await vi.waitFor(() => expect(updates).toHaveLength(1));
    expect(updates[0]).toEqual({ data: Buffer.from([2, 2]), slot: after.slot });

    await connection.removeAccountChangeListener(id);
    cleanups.pop();
    await noSubscriptionsLeft();
    expect(fake.calls('accountUnsubscribe')).toHaveLength(1);
  });

  it('serves PubSub on port + 1 too, so a Connection without wsEndpoint works', async () => {
    const connection = new Connection(fake.url, 'confirmed');
    const slots: number[] = [];
    const id = connection.onSlotChange((s) => slots.push(s.slot));
    cleanups.push(() => connection.removeSlotChangeListener(id));
    await fake.waitForSubscriptions(1, 5000, { method: 'slotSubscribe' });
    fake.advanceSlot(2);
    await vi.waitFor(() => expect(slots).toEqual([fake.slot - 1, fake.slot]));
    await connection.removeSlotChangeListener(id);
    cleanups.pop();
    await noSubscriptionsLeft();
  });

  it('programSubscribe applies filters; muteWebSockets accepts subscriptions but sends nothing', async () => {
    const connection = connect();
    const seen: string[] = [];
    const id = connection.onProgramAccountChange(DRIFT, (a) => seen.push(a.accountId.toBase58()), { commitment: 'confirmed', filters: [{ dataSize: 2 }] });
    cleanups.push(() => connection.removeProgramAccountChangeListener(id));
    await fake.waitForSubscriptions(1, 5000, { method: 'programSubscribe' });
    fake.setAccount(key(1), { data: Buffer.from([1, 1]), owner: DRIFT });
    fake.setAccount(key(2), { data: Buffer.from([1, 1, 1]), owner: DRIFT });
    fake.setAccount(key(3), { data: Buffer.from([1, 1]), owner: TOKEN_PROGRAM_ID });
    await vi.waitFor(() => expect(seen).toEqual([key(1).toBase58()]));

    fake.muteWebSockets(true);
    const since = fake.mark();
    fake.setAccount(key(4), { data: Buffer.from([4, 4]), owner: DRIFT });
    const muted = await fake.waitFor((e) => e.kind === 'notification', 5000, { since });
    expect(muted.kind === 'notification' && muted.muted).toBe(true);
    fake.muteWebSockets(false);
    fake.setAccount(key(5), { data: Buffer.from([5, 5]), owner: DRIFT });
    await vi.waitFor(() => expect(seen).toEqual([key(1).toBase58(), key(5).toBase58()]));

    await connection.removeProgramAccountChangeListener(id);
    cleanups.pop();
    await noSubscriptionsLeft();
  });

  it('dropWebSockets: web3.js reconnects and resubscribes, and updates flow again', async () => {
    const connection = connect();
    fake.setAccount(key(1), { data: Buffer.from([1]), owner: DRIFT });
    const updates: number[] = [];
    const id = connection.onAccountChange(key(1), (info) => updates.push(info.data[0] ?? -1));
    cleanups.push(() => connection.removeAccountChangeListener(id));
    await fake.waitForSubscriptions(1);

    const since = fake.mark();
    fake.dropWebSockets();
    await fake.waitFor((e) => e.kind === 'unsubscribe' && e.reason === 'closed', 5000, { since });
    await fake.waitFor((e) => e.kind === 'subscribe', 5000, { since });
    expect(fake.calls('accountSubscribe')).toHaveLength(2);
    fake.setAccount(key(1), { data: Buffer.from([9]), owner: DRIFT });
    await vi.waitFor(() => expect(updates).toEqual([9]));

    await connection.removeAccountChangeListener(id);
    cleanups.pop();
    await noSubscriptionsLeft();
  });

  it('speaks raw PubSub: ids, notifications, "Invalid subscription id.", and silent pings', async () => {
    const ws = new WebSocket(fake.wsUrl);
    cleanups.push(() => ws.terminate());
    const messages: unknown[] = [];
    ws.on('message', (m: Buffer) => messages.push(JSON.parse(m.toString('utf8')) as unknown));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const next = async (n: number): Promise<unknown> => {
      await vi.waitFor(() => expect(messages.length).toBeGreaterThanOrEqual(n));
      return messages[n - 1];
    };
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'ping' }));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'accountSubscribe', params: [key(1).toBase58(), { encoding: 'base64', commitment: 'confirmed' }] }));
    const reply = (await next(1)) as { result: number };
    expect(reply).toEqual({ jsonrpc: '2.0', id: 1, result: expect.any(Number) as unknown });
    fake.setAccount(key(1), { data: Buffer.from([1, 2]), owner: DRIFT, lamports: 10 });
    expect(await next(2)).toEqual({
      jsonrpc: '2.0',
      method: 'accountNotification',
      params: {
        result: { context: { slot: fake.slot }, value: { lamports: 10, owner: DRIFT.toBase58(), data: ['AQI=', 'base64'], executable: false, rentEpoch: U64_MAX_AS_JS_NUMBER, space: 2 } },
        subscription: reply.result,
      },
    });
    fake.deleteAccount(key(1));
    expect(await next(3)).toMatchObject({ params: { result: { value: { lamports: 0, owner: '11111111111111111111111111111111', data: ['', 'base64'] } } } });
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'accountUnsubscribe', params: [reply.result] }));
    expect(await next(4)).toEqual({ jsonrpc: '2.0', id: 2, result: true });
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'accountUnsubscribe', params: [reply.result] }));
    expect(await next(5)).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32602, message: 'Invalid subscription id.' } });
    expect(fake.calls('ping')).toMatchObject([{ transport: 'ws', id: undefined }]);
    expect(messages).toHaveLength(5);
  });
});

describe('faults', () => {
  it('a 429 with Retry-After reaches the client (and web3.js retries it unless told not to)', async () => {
    fake.failNext('getSlot', { status: 429, retryAfter: 3 });
    const raw = await post({ jsonrpc: '2.0', id: 1, method: 'getSlot' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('3');
    expect(raw.json).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: 429 } });

    fake.failNext('getSlot', { status: 429, retryAfter: 1 });
    const e = await failure(connect({ disableRetryOnRateLimit: true }).getSlot());
    expect((e as Error).message).toMatch(/429 Too Many Requests/);

    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    cleanups.push(() => errors.mockRestore());
    fake.failNext('getSlot', { status: 429 });
    const before = fake.httpRequests();
    expect(await connect().getSlot()).toBe(fake.slot);
    expect(fake.httpRequests()).toBe(before + 2);
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/429 Too Many Requests/));
  });

  it('JSON-RPC errors, 500s, delays, drops and outages', async () => {
    const connection = connect();
    fake.failNext('getAccountInfo', { rpcError: { code: -32010, message: 'excluded from account secondary indexes' } });
    const rpc = await failure(connection.getAccountInfoAndContext(key(1)));
    expect(rpc).toBeInstanceOf(SolanaJSONRPCError);
    expect((rpc as SolanaJSONRPCError).code).toBe(-32010);

    fake.failNext('getSlot', { status: 500 });
    expect((await failure(connection.getSlot()) as Error).message).toMatch(/500 Internal Server Error/);

    fake.failNext('getSlot', { delayMs: 80 });
    const t0 = Date.now();
    expect(await connection.getSlot()).toBe(fake.slot);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);

    fake.failNext('getSlot', { drop: true });
    await failure(connection.getSlot());
    expect(fake.calls('getSlot').at(-1)).toMatchObject({ status: 0, fault: 'drop' });

    fake.failNext('*', { rpcError: { code: -32005, message: 'Node is unhealthy' } }, { count: 2 });
    expect(fake.pendingFaults()).toBe(2);
    await failure(connection.getBlockHeight());
    await failure(connection.getSlot());
    expect(await connection.getSlot()).toBe(fake.slot);

    fake.setOutage(true);
    await failure(connection.getSlot());
    fake.setOutage(false);
    expect(await connection.getSlot()).toBe(fake.slot);
  });

  it('a status fault on one method fails the whole batch', async () => {
    fake.failNext('getMultipleAccounts', { status: 503, body: 'upstream unavailable' });
    const res = await post([{ jsonrpc: '2.0', id: 1, method: 'getSlot' }, { jsonrpc: '2.0', id: 2, method: 'getMultipleAccounts', params: [[]] }]);
    expect(res.status).toBe(503);
    expect(res.text).toBe('upstream unavailable');
  });

  it('waitFor rejects with a summary when nothing matches', async () => {
    const never = (e: SolanaRpcEvent): boolean => e.kind === 'call' && e.call.method === 'never';
    const e = await failure(fake.waitFor(never, 30));
    expect((e as Error).message).toMatch(/nothing matched within 30 ms/);
  });

  it('stops promptly and can be started again', async () => {
    const url = fake.url;
    await fake.stop();
    expect(() => fake.url).toThrow(/not started/);
    await failure(fetch(url, { method: 'POST', body: '{}' }));
    await fake.start();
    expect((await post({ jsonrpc: '2.0', id: 1, method: 'getSlot' })).json).toEqual({ jsonrpc: '2.0', id: 1, result: fake.slot });
  });
});
