// Medians and the one figure format every benchmark reports.
export interface Figure {
  name: string;
  unit: string;
  classlab: number;
  baseline: number;
  ratio: number;
  runs: number;
  target: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** ClassLab's median against the baseline's median, measured in the same run. */
export function figure(name: string, unit: string, ours: number[], theirs: number[], target: string): Figure {
  return fromValues(name, unit, median(ours), median(theirs), ours.length, target);
}

export function fromValues(name: string, unit: string, classlab: number, baseline: number, runs: number, target: string): Figure {
  return { name, unit, classlab: round(classlab, 2), baseline: round(baseline, 2), ratio: round(classlab / baseline, 3), runs, target };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
