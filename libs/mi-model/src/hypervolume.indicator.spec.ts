import fc from 'fast-check';
import {
  dominates,
  hypervolume,
  hypervolumeImprovement,
  paretoFront,
  paretoFrontIndices,
  referencePoint,
} from './hypervolume.indicator';

/**
 * Brute force: every cell of the grid the points' coordinates (and the reference) cut space into is dominated
 * or not, by its upper corner; the hypervolume is the dominated cells' total volume.
 */
function bruteForce(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const k = ref.length;
  const axes = Array.from({ length: k }, (_, j) =>
    [...new Set([ref[j], ...points.map((p) => p[j]).filter((v) => v > ref[j])])].sort((a, b) => a - b),
  );
  let volume = 0;
  const visit = (j: number, upper: number[], size: number) => {
    if (j === k) {
      if (points.some((p) => p.every((v, m) => v >= upper[m]))) volume += size;
      return;
    }
    for (let c = 1; c < axes[j].length; c++)
      visit(j + 1, [...upper, axes[j][c]], size * (axes[j][c] - axes[j][c - 1]));
  };
  visit(0, [], 1);
  return volume;
}

// Integers from a small range: ties and duplicates happen often, as they must for a fair test.
const pointSet = (k: number) =>
  fc.array(fc.array(fc.integer({ min: -5, max: 10 }), { minLength: k, maxLength: k }), {
    minLength: 0,
    maxLength: 9,
  });

describe('hypervolume', () => {
  it('is exact in 2-D (sweep) against brute force', () => {
    fc.assert(
      fc.property(pointSet(2), (points) => {
        expect(hypervolume(points, [-2, -3])).toBeCloseTo(bruteForce(points, [-2, -3]), 9);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('is exact in 3-D (slicing) against brute force', () => {
    fc.assert(
      fc.property(pointSet(3), (points) => {
        expect(hypervolume(points, [-1, -2, 0])).toBeCloseTo(bruteForce(points, [-1, -2, 0]), 9);
      }),
      { seed: 2, numRuns: 300 },
    );
  });

  it('is exact in 4-D too, on small sets', () => {
    fc.assert(
      fc.property(pointSet(4), (points) => {
        expect(hypervolume(points, [0, 0, 0, 0])).toBeCloseTo(bruteForce(points, [0, 0, 0, 0]), 9);
      }),
      { seed: 3, numRuns: 100 },
    );
  });

  it('has the hand-computed value of a 2-D staircase', () => {
    // Boxes to (0,0): (3,1) and (1,3) overlap in (1,1): 3 + 3 − 1 = 5.
    expect(
      hypervolume(
        [
          [3, 1],
          [1, 3],
          [0.5, 0.5],
        ],
        [0, 0],
      ),
    ).toBe(5);
  });

  it('adds for a new point exactly the difference of the hypervolumes', () => {
    fc.assert(
      fc.property(
        pointSet(3),
        fc.array(fc.integer({ min: -5, max: 10 }), { minLength: 3, maxLength: 3 }),
        (points, p) => {
          const ref = [-1, -2, 0];
          const front = paretoFront(points);
          expect(hypervolumeImprovement(p, front, ref)).toBeCloseTo(
            hypervolume([...points, p], ref) - hypervolume(points, ref),
            9,
          );
        },
      ),
      { seed: 4, numRuns: 200 },
    );
  });
});

describe('Pareto front', () => {
  it('keeps exactly the non-dominated points, once each', () => {
    fc.assert(
      fc.property(pointSet(3), (points) => {
        const front = paretoFrontIndices(points);
        for (let i = 0; i < points.length; i++) {
          const dominated = points.some((q) => dominates(q, points[i]));
          const kept = front.includes(i);
          if (dominated) expect(kept).toBe(false);
          if (kept) expect(front.filter((j) => points[j].every((v, k) => v === points[i][k]))).toEqual([i]);
        }
        // Every non-dominated value is represented.
        points
          .filter((p) => !points.some((q) => dominates(q, p)))
          .forEach((p) => expect(front.some((j) => points[j].every((v, k) => v === p[k]))).toBe(true));
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it('sets the reference 10 % of the range below the nadir', () => {
    expect(
      referencePoint([
        [10, 0],
        [0, 20],
      ]),
    ).toEqual([-1, -2]);
    expect(referencePoint([[5, -10]])).toEqual([4.5, -11]);
  });
});
