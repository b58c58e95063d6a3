/** Time as the application sees it: real, scaled (demo) or manual (tests). */
export interface Clock {
  /** Epoch ms. */
  now(): number;
}
