import { modelFeatures } from './model.features';
import { encodingOf } from './space.encoding';
import type { SearchSpace } from './space.schema';
import { suggest } from './suggest.api';
import type { Observation } from './observation.schema';

const objective: SearchSpace['objective'] = { targets: [{ name: 'dg', mode: 'max' }] };

describe('modelFeatures', () => {
  it('sees a material through its descriptors, scaled over the choices, and keeps other categoricals one-hot', () => {
    const enc = encodingOf({
      parameters: [
        { name: 'dose', type: 'number', min: 5, max: 100, scale: 'log' },
        {
          name: 'basePolymer',
          type: 'categorical',
          choices: ['ETFE', 'PE', 'PVDF'],
          descriptors: {
            ETFE: { tgC: 110, radicalYield: 0.5, same: 1 },
            PE: { tgC: -120, radicalYield: 3, same: 1 },
            PVDF: { tgC: -35, radicalYield: 1, same: 1 },
          },
        },
        { name: 'solvent', type: 'categorical', choices: ['water', 'toluene'] },
      ],
      objective,
    });
    const f = modelFeatures(enc);
    expect(f.descriptors).toBe(true);
    // dose, radicalYield, tgC (a constant descriptor is dropped), solvent index.
    expect(f.cardinality).toEqual([0, 0, 0, 2]);
    expect(f.map([0.5, 0, 1])).toEqual([0.5, 0, 1, 1]);
    expect(f.map([0.5, 1, 0])).toEqual([0.5, 1, 0, 0]);
    const pvdf = f.map([0, 2, 0]);
    expect(pvdf[1]).toBeCloseTo(0.2, 10);
    expect(pvdf[2]).toBeCloseTo(85 / 230, 10);
  });

  it('is the point itself without descriptors', () => {
    const enc = encodingOf({
      parameters: [
        { name: 'x', type: 'number', min: 0, max: 1 },
        { name: 'c', type: 'categorical', choices: ['a', 'b'] },
      ],
      objective,
    });
    const f = modelFeatures(enc);
    expect(f.descriptors).toBe(false);
    expect(f.cardinality).toEqual([0, 2]);
    expect(f.map([0.3, 1])).toEqual([0.3, 1]);
  });
});

describe('suggest with material descriptors', () => {
  // DG rises with the polymer's radical yield: a material never tried but with the highest yield is the best bet.
  const space: SearchSpace = {
    parameters: [
      { name: 'dose', type: 'number', min: 5, max: 100 },
      {
        name: 'basePolymer',
        type: 'categorical',
        choices: ['PTFE', 'ETFE', 'PVDF', 'PE'],
        descriptors: {
          PTFE: { radicalYield: 0.2 },
          ETFE: { radicalYield: 0.9 },
          PVDF: { radicalYield: 1.6 },
          PE: { radicalYield: 3 },
        },
      },
    ],
    objective: { targets: [{ name: 'dg', mode: 'max' }], costs: [{ parameter: 'dose', weight: 0.05 }] },
  };
  const yieldOf: Record<string, number> = { PTFE: 0.2, ETFE: 0.9, PVDF: 1.6, PE: 3 };
  const observations: Observation[] = ['PTFE', 'ETFE', 'PVDF'].flatMap((polymer) =>
    [10, 40, 80].map((dose) => ({
      params: { dose, basePolymer: polymer },
      outputs: { dg: 30 * yieldOf[polymer] * Math.log(dose) },
      uncertainty: { dg: 1 },
      status: 'completed' as const,
    })),
  );

  it('proposes the untried material whose descriptors promise most, and names it', () => {
    const res = suggest({ space, observations, batchSize: 2, seed: 1 });
    expect(res.strategy).toBe('bayesian');
    expect(res.candidates[0].params.basePolymer).toBe('PE');
    // One-hot, PE is a category never seen: the batch stays with the best material measured.
    const { descriptors: _d, ...oneHot } = space.parameters[1] as { descriptors?: unknown };
    const plain = suggest({
      space: { ...space, parameters: [space.parameters[0], oneHot as SearchSpace['parameters'][number]] },
      observations,
      batchSize: 2,
      seed: 1,
    });
    expect(plain.candidates.map((c) => c.params.basePolymer)).toEqual(['PVDF', 'PVDF']);
  });

  it('refuses descriptors that miss a choice, name an unknown one or differ in names', () => {
    const bad: SearchSpace = {
      ...space,
      parameters: [
        space.parameters[0],
        {
          name: 'basePolymer',
          type: 'categorical',
          choices: ['ETFE', 'PE'],
          descriptors: { ETFE: { radicalYield: 0.9 }, PTFE: { radicalYield: 0.2 } },
        },
      ],
    };
    let pointers: string[] = [];
    try {
      suggest({ space: bad, observations: [], batchSize: 1 });
    } catch (e) {
      pointers = (e as { problems: { pointer: string }[] }).problems.map((p) => p.pointer);
    }
    expect(pointers).toEqual(['/space/parameters/1/descriptors/PTFE', '/space/parameters/1/descriptors']);
  });
});

describe('protocols/examples/space.materials.example.json', () => {
  it('is a valid space for graftlab suggest (log-scale conditions, a base polymer by its descriptors)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const space = require('../../../protocols/examples/space.materials.example.json') as SearchSpace;
    const res = suggest({ space, observations: [], batchSize: 3, seed: 1 });
    expect(res.candidates).toHaveLength(3);
    for (const c of res.candidates) expect(['ETFE', 'PVDF', 'FEP']).toContain(c.params.basePolymer);
  });
});
