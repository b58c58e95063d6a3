import type { Clock } from '../ports/clock.ts';

/** Wall-clock time. */
export const systemClock: Clock = { now: () => Date.now() };

/** Time that moves only when told (tests). */
export class ManualClock implements Clock {
  private t: number;

  constructor(t = Date.UTC(2026, 0, 1)) {
    this.t = t;
  }

  now(): number {
    return this.t;
  }

  advance(ms: number): void {
    this.t += ms;
  }

  set(ms: number): void {
    this.t = ms;
  }
}
