/** An exact token amount: `raw` base units with `decimals` (1.5 SOL = { raw: 1_500_000_000n, decimals: 9 }). */
export interface Amount {
  readonly raw: bigint;
  readonly decimals: number;
}
