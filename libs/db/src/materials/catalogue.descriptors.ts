import { findBasePolymer, findMonomer } from '@graftlab/grafting-model';
import type { Descriptors, MaterialForm } from '../schema';

/**
 * Descriptors of the materials the virtual lab knows (@graftlab/grafting-model's BASE_POLYMERS and MONOMERS), for
 * filling what a caller left empty. Matching is findBasePolymer/findMonomer's: id, name or the lab's alias, case
 * ignored. What is filled is recorded (catalogue_ref, catalogue_fields) so an export can tell a typical value from a
 * measured one, and a value someone states later replaces it.
 */
export interface PolymerCatalogueEntry {
  readonly ref: string;
  /** Intrinsic to the polymer. */
  readonly descriptors: Descriptors;
  /** Typical of the catalogue's own substrate: filled into a base material only of the same form. */
  readonly form: MaterialForm;
  readonly crystallinity: number;
  readonly densityGCm3: number;
}

export interface MonomerCatalogueEntry {
  readonly ref: string;
  readonly smiles: string | null;
  readonly cas: string | null;
  readonly molarMassGMol: number;
  readonly descriptors: Descriptors;
}

export function polymerCatalogueEntry(...names: string[]): PolymerCatalogueEntry | undefined {
  for (const name of names) {
    const p = findBasePolymer(name);
    if (!p) continue;
    return {
      ref: `grafting-model:${p.id}`,
      descriptors: {
        tgC: p.tgC,
        radicalYield: p.radicalYield,
        radiationResponse: p.radiationResponse,
        fluorinated: p.fluorinated,
        solubilityParameter: p.solubilityParameter,
      },
      form: p.form,
      crystallinity: p.crystallinity,
      densityGCm3: p.densityGPerCm3,
    };
  }
  return undefined;
}

export function monomerCatalogueEntry(name: string): MonomerCatalogueEntry | undefined {
  const m = findMonomer(name);
  if (!m) return undefined;
  return {
    ref: `grafting-model:${m.id}`,
    smiles: m.smiles ?? null,
    cas: m.cas ?? null,
    molarMassGMol: m.molarMass,
    descriptors: {
      functionalizedMolarMass: m.functionalizedMolarMass,
      logP: m.logP,
      q: m.q,
      e: m.e,
      kpRelative: m.kpRelative,
      polarizabilityA3: m.polarizabilityA3,
    },
  };
}
