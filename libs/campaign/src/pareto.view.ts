import { paretoFrontIndices } from '@graftlab/mi-model';
import type { Constraint } from '@graftlab/optimizer';
import type { CampaignSettings } from './campaign.schema';

/** One measured experiment of a multi-objective campaign, on or off the front. */
export interface ParetoPoint {
  readonly suggestionId: string;
  readonly experiment: number | null;
  /** The objectives' values: outputs, and the parameters costs name. */
  readonly values: Readonly<Record<string, number>>;
  /** On the Pareto front of the experiments that meet every constraint. */
  readonly onFront: boolean;
  /** Constrained outputs outside their bounds. */
  readonly violates: readonly string[];
}

export interface ParetoView {
  readonly objectives: readonly {
    readonly name: string;
    readonly direction: 'max' | 'min';
    readonly kind: 'output' | 'parameter';
  }[];
  readonly constraints: readonly Constraint[];
  readonly points: readonly ParetoPoint[];
}

interface Measured {
  readonly id: string;
  readonly experiment: number | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly result: { readonly outputs: Readonly<Record<string, number>> } | null;
}

/**
 * The Pareto front of a campaign with Pareto objectives or outcome constraints: every measured experiment with its
 * objective values, whether it is on the front of the feasible ones, and which constraints it breaks. Null for a
 * single weighted-sum objective without constraints.
 */
export function paretoView(settings: CampaignSettings, suggestions: readonly Measured[]): ParetoView | null {
  const o = settings.objective;
  if (!o.pareto && !o.constraints?.length) return null;
  const objectives = [
    ...o.targets
      .filter((t) => t.mode !== 'match')
      .map((t) => ({ name: t.name, direction: t.mode as 'max' | 'min', kind: 'output' as const })),
    ...(o.pareto
      ? (o.costs ?? []).map((c) => ({
          name: c.parameter,
          direction: 'min' as const,
          kind: 'parameter' as const,
        }))
      : []),
  ];
  const constraints = o.constraints ?? [];
  const measured = suggestions.filter((s) => s.result);
  const points = measured.map((s) => {
    const values: Record<string, number> = {};
    for (const ob of objectives) {
      const v = ob.kind === 'output' ? s.result!.outputs[ob.name] : s.params[ob.name];
      if (typeof v === 'number') values[ob.name] = v;
    }
    const violates = constraints
      .filter((c) => {
        const v = s.result!.outputs[c.name];
        return v === undefined || (c.min !== undefined && v < c.min) || (c.max !== undefined && v > c.max);
      })
      .map((c) => c.name);
    return { suggestionId: s.id, experiment: s.experiment, values, violates };
  });
  const feasible = points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.violates.length === 0 && objectives.every((ob) => ob.name in p.values));
  const front = new Set(
    paretoFrontIndices(
      feasible.map(({ p }) => objectives.map((ob) => (ob.direction === 'max' ? 1 : -1) * p.values[ob.name])),
    ).map((k) => feasible[k].i),
  );
  return { objectives, constraints, points: points.map((p, i) => ({ ...p, onFront: front.has(i) })) };
}
