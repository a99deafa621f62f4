/** Median, min and max of repeated measurements, and percentiles of samples. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentileOfSorted(sorted, 50), min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** The median alone (NaN for no values). */
export function median(values: readonly number[]): number {
  return summarize(values).median;
}

/** Linear-interpolated percentile of an ascending array. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function percentiles(samples: ArrayLike<number>, ps: readonly number[]): number[] {
  const sorted = Float64Array.from(samples).sort();
  return ps.map((p) => percentileOfSorted(sorted, p));
}

/** The median of per-run ratios a[i]/b[i] (runs taken side by side), with min and max. */
export function ratioSummary(a: readonly number[], b: readonly number[]): Summary {
  return summarize(a.map((value, i) => value / b[i]));
}

/** "12.3 (11.9–13.0)": median with min–max, to `digits` decimals. */
export function fmt(summary: Summary, digits = 1): string {
  return `${summary.median.toFixed(digits)} (${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)})`;
}
