/**
 * Seeded pseudo-random numbers for the virtual lab and benchmarks. Written here because the model
 * needs only a small, fast, reproducible generator (mulberry32) and a normal deviate (Box-Muller);
 * no installed dependency offers a seedable generator.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  normal(mean?: number, sd?: number): number;
  uniform(min: number, max: number): number;
  /** A child generator whose stream depends only on this seed and the label. */
  fork(label: string): Rng;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function createRng(seed: number | string): Rng {
  let state = (typeof seed === 'string' ? hashString(seed) : seed >>> 0) || 0x9e3779b9;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    normal(mean = 0, sd = 1) {
      const u = Math.max(next(), 1e-12);
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    uniform: (min, max) => min + (max - min) * next(),
    fork: (label) => createRng(hashString(`${state}:${label}`)),
  };
  return rng;
}
