export type * from './position-source.ts';
export type * from './price-history.ts';
export type * from './trade-executor.ts';
export type * from './weight-oracle.ts';
export type * from './clock.ts';
export type * from './notifier.ts';
export type * from './repositories.ts';
export type * from './liquidity.ts';
