/** Target weights by asset symbol, fractions summing to 1 (seed 001 Oracle). */
export type Weights = Readonly<Record<string, number>>;

export interface WeightOracle {
  readonly name: string;
  readonly description: string;
  /** Weights valid at `at` (epoch ms). */
  fetchWeights(at: number): Promise<Weights>;
}
