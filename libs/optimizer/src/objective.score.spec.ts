import { scoreOf } from './objective.score';
import type { Objective } from './space.schema';

describe('scoreOf', () => {
  const params = { dose: 20, basePolymer: 'PE' };

  it.each([
    ['max', undefined, 97, 97],
    ['min', undefined, 97, -97],
    ['match', 100, 97, -3],
    ['match', 100, 104, -4],
  ] as const)('%s (value %p) of y = %p is %p', (mode, value, y, expected) => {
    const objective: Objective = {
      targets: [{ name: 'dg', mode, ...(value === undefined ? {} : { value }) }],
    };
    expect(scoreOf(objective, { dg: y }, params)).toBeCloseTo(expected, 12);
  });

  it('weights targets and subtracts the known costs of numeric parameters', () => {
    const objective: Objective = {
      targets: [
        { name: 'dg', mode: 'match', value: 100, weight: 2 },
        { name: 'iec', mode: 'max', weight: 10 },
      ],
      costs: [{ parameter: 'dose', weight: 0.1 }],
    };
    // 2·(−|90 − 100|) + 10·1.5 − 0.1·20 = −20 + 15 − 2
    expect(scoreOf(objective, { dg: 90, iec: 1.5 }, params)).toBeCloseTo(-7, 12);
  });

  it('refuses to score without a target output', () => {
    expect(() => scoreOf({ targets: [{ name: 'dg', mode: 'max' }] }, { other: 1 }, params)).toThrow(
      /"dg" is missing/,
    );
  });
});
