export type Interval = '1h' | '1d';

/** Closes at regular intervals, oldest first. `t` is epoch ms of the close; `close` USD. */
export interface PriceSeries {
  readonly asset: string;
  readonly interval: Interval;
  readonly t: readonly number[];
  readonly close: readonly number[];
}

export interface HistoryQuery {
  readonly interval: Interval;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, inclusive. */
  readonly to?: number;
  /** At most this many most-recent points. */
  readonly limit?: number;
}

/** Price history by asset symbol. */
export interface PriceHistory {
  readonly name: string;
  assets(): readonly string[];
  closes(asset: string, query: HistoryQuery): Promise<PriceSeries>;
}
