/** Bands and rows per band of an LSH index over MinHash signatures: `bands * rows <= numPerm` values are used. */
export interface LshParams {
  readonly bands: number;
  readonly rows: number;
}

/** Simpson's rule over [from, to] with an even number of steps. */
function integrate(f: (x: number) => number, from: number, to: number, steps = 64): number {
  const width = (to - from) / steps;
  let sum = f(from) + f(to);
  for (let i = 1; i < steps; i += 1) sum += f(from + i * width) * (i % 2 === 1 ? 4 : 2);
  return (sum * width) / 3;
}

/**
 * The bands and rows that minimise the weighted areas of false positives (pairs below `threshold` that share a band)
 * and false negatives (pairs above it that share none), as datasketch's `_optimal_param` does with weights 0.5 / 0.5.
 * A pair of similarity s shares a band with probability 1 - (1 - s^rows)^bands.
 */
export function optimalLshParams(threshold: number, numPerm: number, falsePositiveWeight = 0.5, falseNegativeWeight = 0.5): LshParams {
  if (!(threshold > 0 && threshold < 1)) throw new Error(`threshold must be in (0, 1), got ${threshold}`);
  let best: LshParams = { bands: 1, rows: 1 };
  let bestError = Infinity;
  for (let bands = 1; bands <= numPerm; bands += 1) {
    for (let rows = 1; rows <= Math.floor(numPerm / bands); rows += 1) {
      const collide = (s: number) => 1 - (1 - s ** rows) ** bands;
      const falsePositive = integrate(collide, 0, threshold);
      const falseNegative = integrate((s) => 1 - collide(s), threshold, 1);
      const error = falsePositive * falsePositiveWeight + falseNegative * falseNegativeWeight;
      if (error < bestError) {
        bestError = error;
        best = { bands, rows };
      }
    }
  }
  return best;
}
