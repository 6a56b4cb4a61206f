import type { CampaignSettings } from './campaign.schema';
import { paretoView } from './pareto.view';

const settings = (objective: CampaignSettings['objective']) => ({ objective }) as CampaignSettings;
const measured = (id: string, conductivity: number, waterUptake: number, dose: number) => ({
  id,
  experiment: Number(id.slice(1)),
  params: { dose },
  result: { outputs: { conductivity, waterUptake } },
});

describe('paretoView', () => {
  const suggestions = [
    measured('s1', 100, 50, 20),
    measured('s2', 120, 90, 20), // breaks water uptake ≤ 80
    measured('s3', 80, 30, 20),
    measured('s4', 70, 40, 20), // dominated by s3
    measured('s5', 100, 50, 10), // dominates s1 on dose
    { id: 's6', experiment: null, params: { dose: 5 }, result: null },
  ];

  it('marks the front of the experiments meeting every constraint, and those breaking one', () => {
    const view = paretoView(
      settings({
        pareto: true,
        targets: [
          { name: 'conductivity', mode: 'max' },
          { name: 'waterUptake', mode: 'min' },
        ],
        costs: [{ parameter: 'dose', weight: 1 }],
        constraints: [{ name: 'waterUptake', max: 80 }],
      }),
      suggestions,
    )!;
    expect(view.objectives).toEqual([
      { name: 'conductivity', direction: 'max', kind: 'output' },
      { name: 'waterUptake', direction: 'min', kind: 'output' },
      { name: 'dose', direction: 'min', kind: 'parameter' },
    ]);
    expect(view.points.map((p) => [p.suggestionId, p.onFront, p.violates])).toEqual([
      ['s1', false, []],
      ['s2', false, ['waterUptake']],
      ['s3', true, []],
      ['s4', false, []],
      ['s5', true, []],
    ]);
    expect(view.points[4].values).toEqual({ conductivity: 100, waterUptake: 50, dose: 10 });
  });

  it('is null for a single weighted-sum objective without constraints', () => {
    expect(
      paretoView(settings({ targets: [{ name: 'conductivity', mode: 'max' }] }), suggestions),
    ).toBeNull();
  });
});
