import { parameterScope, quantitySpec, resolveQuantity } from '@graftlab/protocol';
import type { RunContext } from './run-context';

export interface MaterialFacts {
  readonly basePolymer: string;
  readonly thicknessUm: number;
  /** A typical film coupon for the virtual operator to load, g. */
  readonly nominalMassG: number;
  readonly monomer: string;
  readonly concentrationWtPct: number;
  /** water-emulsion, toluene, bulk, ... (the virtual lab's medium names). */
  readonly medium: string;
}

function tryQuantity(
  ctx: RunContext,
  text: string | undefined,
  kind: Parameters<typeof quantitySpec>[0],
): number | undefined {
  if (!text) return undefined;
  try {
    const scope = parameterScope(ctx.protocol.parameters, ctx.plan.parameters).values;
    return resolveQuantity(text, quantitySpec(kind), scope).si;
  } catch {
    return undefined;
  }
}

/** The materials of the run as the lab sees them, with parameter references resolved. */
export function materialFacts(ctx: RunContext): MaterialFacts {
  const m = ctx.protocol.materials;
  const thicknessM = tryQuantity(ctx, m.base.thickness, 'length') ?? 50e-6;
  const fraction = tryQuantity(ctx, m.monomer.concentration, 'massFraction');
  const solvent = m.solvent.name.toLowerCase();
  const medium =
    m.surfactant && /water/.test(solvent)
      ? 'water-emulsion'
      : /toluene/.test(solvent)
        ? 'toluene'
        : /none|bulk|neat/.test(solvent)
          ? 'bulk'
          : solvent;
  return {
    basePolymer: m.base.polymer,
    thicknessUm: thicknessM * 1e6,
    nominalMassG: 0.05,
    monomer: m.monomer.abbreviation ?? m.monomer.name,
    concentrationWtPct: fraction === undefined ? 100 : fraction * 100,
    medium,
  };
}
