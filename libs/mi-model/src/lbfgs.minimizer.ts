/**
 * Limited-memory BFGS with a backtracking (Armijo) line search. The likelihood has an analytic gradient and one
 * hyperparameter per feature (15–30 with descriptors), where a derivative-free simplex needs thousands of
 * evaluations; L-BFGS converges in tens. No installed dependency offers a minimizer.
 */
export interface MinimizeResult {
  readonly x: number[];
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
}

export interface LbfgsOptions {
  readonly maxIterations?: number;
  /** Stop when the largest gradient component falls below this. */
  readonly gradientTolerance?: number;
  /** Stop when an iteration improves the value by less than this, relative. */
  readonly relativeTolerance?: number;
  readonly memory?: number;
}

export type ValueAndGradient = (x: readonly number[]) => { value: number; gradient: number[] };

export function lbfgs(
  f: ValueAndGradient,
  start: readonly number[],
  options: LbfgsOptions = {},
): MinimizeResult {
  const maxIterations = options.maxIterations ?? 100;
  const gradientTolerance = options.gradientTolerance ?? 1e-5;
  const relativeTolerance = options.relativeTolerance ?? 1e-9;
  const memory = options.memory ?? 8;
  let evaluations = 0;
  const evaluate = (x: readonly number[]) => {
    evaluations++;
    const r = f(x);
    return Number.isFinite(r.value) && r.gradient.every(Number.isFinite)
      ? r
      : { value: Number.POSITIVE_INFINITY, gradient: r.gradient };
  };
  let x = [...start];
  let current = evaluate(x);
  if (!Number.isFinite(current.value)) return { x, value: current.value, iterations: 0, evaluations };
  const s: number[][] = [];
  const y: number[][] = [];
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const g = current.gradient;
    if (Math.max(...g.map(Math.abs)) < gradientTolerance) break;
    // Two-loop recursion: d = −H·g.
    const q = [...g];
    const alphas: number[] = [];
    for (let i = s.length - 1; i >= 0; i--) {
      const rho = 1 / dot(y[i], s[i]);
      const a = rho * dot(s[i], q);
      alphas[i] = a;
      for (let k = 0; k < q.length; k++) q[k] -= a * y[i][k];
    }
    const gamma =
      s.length > 0 ? dot(s[s.length - 1], y[y.length - 1]) / dot(y[y.length - 1], y[y.length - 1]) : 1;
    const scale0 = s.length > 0 ? gamma : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let k = 0; k < q.length; k++) q[k] *= scale0;
    for (let i = 0; i < s.length; i++) {
      const rho = 1 / dot(y[i], s[i]);
      const b = rho * dot(y[i], q);
      for (let k = 0; k < q.length; k++) q[k] += s[i][k] * (alphas[i] - b);
    }
    let direction = q.map((v) => -v);
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      const norm = Math.max(1, Math.sqrt(dot(g, g)));
      direction = g.map((v) => -v / norm);
      slope = dot(direction, g);
    }
    let step = 1;
    let next: { value: number; gradient: number[] } | undefined;
    let xNext: number[] = x;
    for (let tries = 0; tries < 30; tries++) {
      xNext = x.map((v, k) => v + step * direction[k]);
      const trial = evaluate(xNext);
      if (trial.value <= current.value + 1e-4 * step * slope) {
        next = trial;
        break;
      }
      step *= 0.5;
    }
    if (!next) break;
    const sk = xNext.map((v, k) => v - x[k]);
    const yk = next.gradient.map((v, k) => v - g[k]);
    if (dot(sk, yk) > 1e-12) {
      s.push(sk);
      y.push(yk);
      if (s.length > memory) {
        s.shift();
        y.shift();
      }
    }
    const improvement = current.value - next.value;
    x = xNext;
    current = next;
    if (improvement <= relativeTolerance * (Math.abs(current.value) + 1e-12)) {
      iterations++;
      break;
    }
  }
  return { x, value: current.value, iterations, evaluations };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i] * b[i];
  return t;
}
