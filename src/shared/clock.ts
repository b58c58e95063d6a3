import type { Clock } from '../ports/clock.ts';

/** Wall-clock time. */
export const systemClock: Clock = { now: () => Date.now() };

/** Demo time: starts at `startMs` and runs `speed` times faster than `base` (speed 60 → one real second is a minute). */
export class ScaledClock implements Clock {
  readonly speed: number;
  private readonly startMs: number;
  private readonly base: Clock;
  private readonly realStart: number;

  constructor(speed: number, startMs: number = Date.now(), base: Clock = systemClock) {
    if (!(speed >= 1)) throw new RangeError(`speed must be ≥ 1, got ${speed}`);
    this.speed = speed;
    this.startMs = startMs;
    this.base = base;
    this.realStart = base.now();
  }

  now(): number {
    return this.startMs + Math.floor((this.base.now() - this.realStart) * this.speed);
  }
}

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
