import { CholeskyDecomposition, Matrix, inverse } from 'ml-matrix';
import { createRng } from '@graftlab/grafting-model';
import { LowerTriangular, pivotedCholesky } from './dense.linalg';

function randomSpd(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  const a = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
  return a.map((_, i) => a.map((_, j) => a[i].reduce((s, v, k) => s + v * a[j][k], 0) + (i === j ? n : 0)));
}

describe('LowerTriangular (checked against ml-matrix)', () => {
  const a = randomSpd(12, 1);
  const { factor } = LowerTriangular.cholesky(a);
  const reference = new CholeskyDecomposition(new Matrix(a)).lowerTriangularMatrix;

  it('factors like ml-matrix and solves both triangular systems', () => {
    factor.rows.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(reference.get(i, j), 10)));
    const b = a.map((_, i) => Math.sin(i));
    const x = factor.solveTransposed(factor.solve(b));
    const ax = a.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
    ax.forEach((v, i) => expect(v).toBeCloseTo(b[i], 10));
  });

  it('inverts L·Lᵀ like ml-matrix', () => {
    const inv = factor.inverseOfProduct();
    const ref = inverse(new Matrix(a));
    inv.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(ref.get(i, j), 10)));
  });

  it('extends by a row and updates by rank one to the factors of the grown and updated matrices', () => {
    const big = randomSpd(13, 2);
    const grown = LowerTriangular.cholesky(big.slice(0, 12).map((r) => r.slice(0, 12))).factor;
    expect(grown.extend(big[12].slice(0, 12), big[12][12])).toBe(true);
    const direct = LowerTriangular.cholesky(big).factor;
    grown.rows.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(direct.rows[i][j], 10)));

    const w = a.map((_, i) => Math.cos(3 * i));
    const updated = factor.clone();
    updated.rank1Update(w);
    const target = LowerTriangular.cholesky(a.map((row, i) => row.map((v, j) => v + w[i] * w[j]))).factor;
    updated.rows.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(target.rows[i][j], 10)));
  });

  it('adds jitter to a singular matrix rather than failing', () => {
    const singular = [
      [1, 1],
      [1, 1],
    ];
    const { jitter } = LowerTriangular.cholesky(singular);
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(1e-6);
  });
});

describe('pivotedCholesky', () => {
  it('reproduces a full-rank matrix exactly and stops early on a low-rank one', () => {
    const a = randomSpd(8, 3);
    const full = pivotedCholesky(
      a.map((r, i) => r[i]),
      (j) => a[j],
      8,
      1e-12,
    );
    expect(full.pivots).toHaveLength(8);
    a.forEach((row, i) =>
      row.forEach((v, j) => expect(full.rows.reduce((s, r) => s + r[i] * r[j], 0)).toBeCloseTo(v, 8)),
    );
    // Rank 2: outer products of two vectors.
    const u = [1, 2, 3, 4, 5];
    const v = [1, -1, 1, -1, 0.5];
    const low = u.map((_, i) => u.map((_, j) => u[i] * u[j] + v[i] * v[j]));
    const partial = pivotedCholesky(
      low.map((r, i) => r[i]),
      (j) => low[j],
      5,
      1e-9,
    );
    expect(partial.pivots).toHaveLength(2);
    partial.residual.forEach((r) => expect(Math.abs(r)).toBeLessThan(1e-9));
  });
});
