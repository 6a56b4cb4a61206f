import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { DocumentError, type Problem } from '@graftlab/validation';
import { canonicalJson, sha256Hex } from '../canonical-json';
import type { Db } from '../db.types';
import { monomerCatalogueEntry, polymerCatalogueEntry } from '../materials/catalogue.descriptors';
import { FORM_WORDS, normalizeForm } from '../materials/material-forms';
import { mergeFields } from '../materials/material-fields.merge';
import {
  baseMaterials,
  basePolymers,
  chemicals,
  monomers,
  reagentLots,
  type Descriptors,
  type MaterialForm,
} from '../schema';

export type BasePolymer = typeof basePolymers.$inferSelect;
export type BaseMaterial = typeof baseMaterials.$inferSelect;
export type Monomer = typeof monomers.$inferSelect;
export type Chemical = typeof chemicals.$inferSelect;
export type ReagentLot = typeof reagentLots.$inferSelect;

export interface NewBasePolymer {
  id?: string;
  name: string;
  polymerClass?: string | null;
  descriptors?: Descriptors;
}

export interface NewMonomer {
  id?: string;
  name: string;
  smiles?: string | null;
  cas?: string | null;
  molarMassGMol?: number | null;
  descriptors?: Descriptors;
}

/** Fill empty values from @graftlab/grafting-model when the name matches (default true). */
export interface CatalogueOption {
  catalogue?: boolean;
  /**
   * Values given here that came from a catalogue (an imported file says so): recorded as catalogue values of `ref`
   * (fields like "crystallinity" or "descriptors.tgC"), not as stated ones. Replaces the grafting-model fill.
   */
  cataloguedAs?: { ref: string; fields: readonly string[] } | null;
}

type Scalar = string | number | null;

/** Splits given values into stated ones and those an import says came from a catalogue. */
function splitCatalogued(
  given: Record<string, Scalar | undefined>,
  givenDescriptors: Descriptors | undefined,
  cataloguedAs: CatalogueOption['cataloguedAs'],
): {
  given: Record<string, Scalar | undefined>;
  givenDescriptors: Descriptors;
  catalogue?: { fields: Record<string, Scalar | undefined>; descriptors: Descriptors };
} {
  if (!cataloguedAs) return { given, givenDescriptors: givenDescriptors ?? {} };
  const listed = new Set(cataloguedAs.fields);
  const pick = <T>(entries: [string, T][], prefix: string, keep: boolean) =>
    Object.fromEntries(entries.filter(([k]) => listed.has(prefix + k) !== keep));
  const g = Object.entries(given);
  const d = Object.entries(givenDescriptors ?? {});
  return {
    given: pick(g, '', true),
    givenDescriptors: pick(d, 'descriptors.', true),
    catalogue: { fields: pick(g, '', false), descriptors: pick(d, 'descriptors.', false) },
  };
}

export interface BasePolymerInput extends CatalogueOption {
  name: string;
  polymerClass?: string | null;
  descriptors?: Descriptors;
}

export interface BaseMaterialInput extends CatalogueOption {
  /** Polymer name (ETFE, PE/PP); created when unknown. */
  polymer: string;
  /**
   * film, nonwoven, fibre, powder or membrane (fabric and fiber are read as nonwoven and fibre). Null only for
   * records that never said (files written before forms were recorded).
   */
  form: string | null;
  thicknessUm?: number | null;
  basisWeightGM2?: number | null;
  supplier?: string | null;
  supplierLot?: string | null;
  crystallinity?: number | null;
  densityGCm3?: number | null;
  name?: string | null;
  descriptors?: Descriptors;
  polymerClass?: string | null;
  polymerDescriptors?: Descriptors;
}

export interface MonomerInput extends CatalogueOption {
  name: string;
  smiles?: string | null;
  cas?: string | null;
  molarMassGMol?: number | null;
  descriptors?: Descriptors;
}

export interface ChemicalInput {
  name: string;
  smiles?: string | null;
  cas?: string | null;
  molarMassGMol?: number | null;
  descriptors?: Descriptors;
}

/** What identifies a base material; its canonical JSON is the identity key and, hashed, the id. */
export function baseMaterialIdentity(input: {
  polymerId: string;
  form: MaterialForm | null;
  thicknessUm?: number | null;
  basisWeightGM2?: number | null;
  supplier?: string | null;
  supplierLot?: string | null;
}): { id: string; identityKey: string } {
  const identityKey = canonicalJson({
    polymerId: input.polymerId,
    form: input.form,
    thicknessUm: input.thicknessUm ?? null,
    basisWeightGM2: input.basisWeightGM2 ?? null,
    supplier: input.supplier ?? null,
    supplierLot: input.supplierLot ?? null,
  });
  return { id: 'bm-' + sha256Hex(identityKey).slice(0, 16), identityKey };
}

const CAS = /^\d{2,7}-\d{2}-\d$/;
const positive = (x: number | null | undefined) =>
  x === undefined || x === null || (Number.isFinite(x) && x > 0);

/** Base polymers, base materials, monomers, chemicals and reagent lots: the material side of every MI row. */
export class MaterialsRepository {
  constructor(private readonly db: Db) {}

  /**
   * The polymer by name, created when unknown; stated values fill or confirm what is stored (a different stated
   * value is refused with a pointer), catalogue descriptors fill the rest. A form is refused as a class.
   */
  async upsertBasePolymer(input: BasePolymerInput, at = ''): Promise<BasePolymer> {
    const name = input.name.trim();
    const problems: Problem[] = [];
    if (!name) problems.push({ pointer: `${at}/name`, message: 'required' });
    if (input.polymerClass && normalizeForm(input.polymerClass)) {
      problems.push({
        pointer: `${at}/polymerClass`,
        message: `"${input.polymerClass}" is a form; the form belongs to the base material`,
      });
    }
    if (problems.length) throw new DocumentError(problems);
    return this.db.transaction(async (tx) => {
      // Created bare first (two admissions of a new polymer at once both get here), then filled under the lock.
      await tx.insert(basePolymers).values({ id: name, name }).onConflictDoNothing();
      const [stored] = await tx.select().from(basePolymers).where(eq(basePolymers.name, name)).for('update');
      const entry = input.cataloguedAs
        ? { ref: input.cataloguedAs.ref }
        : input.catalogue === false
          ? undefined
          : polymerCatalogueEntry(name);
      const split = splitCatalogued(
        { polymerClass: input.polymerClass?.trim() || null },
        input.descriptors,
        input.cataloguedAs,
      );
      const merge = mergeFields({
        stored: { polymerClass: stored?.polymerClass ?? null },
        storedDescriptors: stored?.descriptors ?? {},
        storedCatalogueFields: stored?.catalogueFields ?? [],
        ...split,
        catalogue:
          split.catalogue ??
          (entry && 'descriptors' in entry ? { fields: {}, descriptors: entry.descriptors } : undefined),
        at,
      });
      if (merge.conflicts.length) throw new DocumentError(merge.conflicts);
      const catalogueRef = merge.catalogueFields.length ? (entry?.ref ?? stored?.catalogueRef ?? null) : null;
      if (!stored) {
        const [row] = await tx
          .insert(basePolymers)
          .values({
            id: name,
            name,
            polymerClass: (merge.patch.polymerClass as string | null) ?? null,
            descriptors: merge.descriptors,
            catalogueRef,
            catalogueFields: merge.catalogueFields,
          })
          .returning();
        return row;
      }
      if (!merge.changed) return stored;
      const [row] = await tx
        .update(basePolymers)
        .set({
          ...(merge.patch.polymerClass !== undefined
            ? { polymerClass: merge.patch.polymerClass as string | null }
            : {}),
          descriptors: merge.descriptors,
          catalogueRef,
          catalogueFields: merge.catalogueFields,
        })
        .where(eq(basePolymers.id, stored.id))
        .returning();
      return row;
    });
  }

  /**
   * The base material with this identity (polymer, form, thickness, basis weight, supplier, lot), created with its
   * polymer when unknown. Crystallinity, density, name and descriptors fill or confirm the stored ones; typical
   * crystallinity and density come from the catalogue only when its substrate has the same form.
   */
  async upsertBaseMaterial(input: BaseMaterialInput, at = ''): Promise<BaseMaterial> {
    const problems: Problem[] = [];
    const form = input.form == null ? null : normalizeForm(input.form);
    if (form === undefined)
      problems.push({ pointer: `${at}/form`, message: `"${input.form}" is not a form (${FORM_WORDS})` });
    for (const field of ['thicknessUm', 'basisWeightGM2', 'densityGCm3'] as const) {
      if (!positive(input[field])) problems.push({ pointer: `${at}/${field}`, message: 'must be above 0' });
    }
    const x = input.crystallinity;
    if (x !== undefined && x !== null && !(x >= 0 && x <= 1))
      problems.push({ pointer: `${at}/crystallinity`, message: 'must be a mass fraction from 0 to 1' });
    if (problems.length) throw new DocumentError(problems);
    return this.db.transaction(async (tx) => {
      const polymer = await new MaterialsRepository(tx).upsertBasePolymer(
        {
          name: input.polymer,
          polymerClass: input.polymerClass,
          descriptors: input.polymerDescriptors,
          catalogue: input.catalogue,
        },
        `${at}/polymer`,
      );
      const identity = baseMaterialIdentity({
        polymerId: polymer.id,
        form: form ?? null,
        thicknessUm: input.thicknessUm,
        basisWeightGM2: input.basisWeightGM2,
        supplier: input.supplier?.trim() || null,
        supplierLot: input.supplierLot?.trim() || null,
      });
      await tx
        .insert(baseMaterials)
        .values({
          id: identity.id,
          polymerId: polymer.id,
          identityKey: identity.identityKey,
          form: form ?? null,
          thicknessUm: input.thicknessUm ?? null,
          basisWeightGM2: input.basisWeightGM2 ?? null,
          supplier: input.supplier?.trim() || null,
          supplierLot: input.supplierLot?.trim() || null,
        })
        .onConflictDoNothing({ target: baseMaterials.identityKey });
      const [stored] = await tx
        .select()
        .from(baseMaterials)
        .where(eq(baseMaterials.identityKey, identity.identityKey))
        .for('update');
      const entry =
        input.catalogue === false || input.cataloguedAs || !form
          ? undefined
          : polymerCatalogueEntry(`${input.polymer} ${form}`, input.polymer);
      const split = splitCatalogued(
        {
          crystallinity: input.crystallinity,
          densityGCm3: input.densityGCm3,
          name: input.name?.trim() || null,
        },
        input.descriptors,
        input.cataloguedAs,
      );
      const merge = mergeFields({
        stored: { crystallinity: stored.crystallinity, densityGCm3: stored.densityGCm3, name: stored.name },
        storedDescriptors: stored.descriptors,
        storedCatalogueFields: stored.catalogueFields,
        ...split,
        catalogue:
          split.catalogue ??
          (entry && entry.form === form
            ? {
                fields: { crystallinity: entry.crystallinity, densityGCm3: entry.densityGCm3 },
                descriptors: {},
              }
            : undefined),
        lenient: ['name'],
        at,
      });
      const ref = input.cataloguedAs?.ref ?? entry?.ref ?? stored.catalogueRef;
      if (merge.conflicts.length) throw new DocumentError(merge.conflicts);
      if (!merge.changed && stored.name) return stored;
      const [row] = await tx
        .update(baseMaterials)
        .set({
          ...(merge.patch as Partial<BaseMaterial>),
          name:
            stored.name ?? (merge.patch.name as string | null) ?? defaultMaterialName(polymer.name, input),
          descriptors: merge.descriptors,
          catalogueRef: merge.catalogueFields.length ? ref : null,
          catalogueFields: merge.catalogueFields,
        })
        .where(eq(baseMaterials.id, stored.id))
        .returning();
      return row;
    });
  }

  /** The monomer by name, created when unknown; stated values fill or confirm, the catalogue fills the rest. */
  async upsertMonomer(input: MonomerInput, at = ''): Promise<Monomer> {
    const name = input.name.trim();
    const problems: Problem[] = [];
    if (!name) problems.push({ pointer: `${at}/name`, message: 'required' });
    if (input.cas && !CAS.test(input.cas.trim()))
      problems.push({ pointer: `${at}/cas`, message: `"${input.cas}" is not a CAS number (e.g. 100-42-5)` });
    if (!positive(input.molarMassGMol))
      problems.push({ pointer: `${at}/molarMassGMol`, message: 'must be above 0' });
    if (problems.length) throw new DocumentError(problems);
    return this.db.transaction(async (tx) => {
      await tx.insert(monomers).values({ id: name, name }).onConflictDoNothing();
      const [stored] = await tx.select().from(monomers).where(eq(monomers.name, name)).for('update');
      if (!stored)
        throw new DocumentError([{ pointer: `${at}/name`, message: `monomer id ${name} is taken` }]);
      const entry = input.catalogue === false || input.cataloguedAs ? undefined : monomerCatalogueEntry(name);
      const split = splitCatalogued(
        {
          smiles: input.smiles?.trim() || null,
          cas: input.cas?.trim() || null,
          molarMassGMol: input.molarMassGMol,
        },
        input.descriptors,
        input.cataloguedAs,
      );
      const merge = mergeFields({
        stored: { smiles: stored.smiles, cas: stored.cas, molarMassGMol: stored.molarMassGMol },
        storedDescriptors: stored.descriptors,
        storedCatalogueFields: stored.catalogueFields,
        ...split,
        catalogue:
          split.catalogue ??
          (entry && {
            fields: { smiles: entry.smiles, cas: entry.cas, molarMassGMol: entry.molarMassGMol },
            descriptors: entry.descriptors,
          }),
        lenient: ['smiles'],
        at,
      });
      const ref = input.cataloguedAs?.ref ?? entry?.ref ?? stored.catalogueRef;
      if (merge.conflicts.length) throw new DocumentError(merge.conflicts);
      if (!merge.changed) return stored;
      const [row] = await tx
        .update(monomers)
        .set({
          ...(merge.patch as Partial<Monomer>),
          descriptors: merge.descriptors,
          catalogueRef: merge.catalogueFields.length ? ref : null,
          catalogueFields: merge.catalogueFields,
        })
        .where(eq(monomers.id, stored.id))
        .returning();
      return row;
    });
  }

  /** A solvent, surfactant, inhibitor or additive by name, created when unknown (no catalogue for these). */
  async upsertChemical(input: ChemicalInput, at = ''): Promise<Chemical> {
    const name = input.name.trim();
    const problems: Problem[] = [];
    if (!name) problems.push({ pointer: `${at}/name`, message: 'required' });
    if (input.cas && !CAS.test(input.cas.trim()))
      problems.push({ pointer: `${at}/cas`, message: `"${input.cas}" is not a CAS number (e.g. 108-88-3)` });
    if (!positive(input.molarMassGMol))
      problems.push({ pointer: `${at}/molarMassGMol`, message: 'must be above 0' });
    if (problems.length) throw new DocumentError(problems);
    return this.db.transaction(async (tx) => {
      await tx.insert(chemicals).values({ id: name, name }).onConflictDoNothing();
      const [stored] = await tx.select().from(chemicals).where(eq(chemicals.name, name)).for('update');
      if (!stored)
        throw new DocumentError([{ pointer: `${at}/name`, message: `chemical id ${name} is taken` }]);
      const merge = mergeFields({
        stored: { smiles: stored.smiles, cas: stored.cas, molarMassGMol: stored.molarMassGMol },
        storedDescriptors: stored.descriptors,
        storedCatalogueFields: [],
        given: {
          smiles: input.smiles?.trim() || null,
          cas: input.cas?.trim() || null,
          molarMassGMol: input.molarMassGMol,
        },
        givenDescriptors: input.descriptors,
        lenient: ['smiles'],
        at,
      });
      if (merge.conflicts.length) throw new DocumentError(merge.conflicts);
      if (!merge.changed) return stored;
      const [row] = await tx
        .update(chemicals)
        .set({ ...(merge.patch as Partial<Chemical>), descriptors: merge.descriptors })
        .where(eq(chemicals.id, stored.id))
        .returning();
      return row;
    });
  }

  /**
   * Kept for callers that predate base materials (the run submitter). A form passed as the class (what lab runs did)
   * is not stored there: the form belongs to the base material (upsertBaseMaterial).
   */
  async addBasePolymer(input: NewBasePolymer): Promise<BasePolymer> {
    const polymerClass =
      input.polymerClass && normalizeForm(input.polymerClass) ? null : (input.polymerClass ?? null);
    const [row] = await this.db
      .insert(basePolymers)
      .values({
        id: input.id ?? input.name,
        name: input.name,
        polymerClass,
        descriptors: input.descriptors ?? {},
      })
      .returning();
    return row;
  }

  async addMonomer(input: NewMonomer): Promise<Monomer> {
    const [row] = await this.db
      .insert(monomers)
      .values({ ...input, id: input.id ?? input.name, descriptors: input.descriptors ?? {} })
      .returning();
    return row;
  }

  async basePolymerByName(name: string): Promise<BasePolymer | undefined> {
    const [row] = await this.db.select().from(basePolymers).where(eq(basePolymers.name, name));
    return row;
  }

  async baseMaterial(id: string): Promise<BaseMaterial | undefined> {
    const [row] = await this.db.select().from(baseMaterials).where(eq(baseMaterials.id, id));
    return row;
  }

  async monomerByName(name: string): Promise<Monomer | undefined> {
    const [row] = await this.db.select().from(monomers).where(eq(monomers.name, name));
    return row;
  }

  async addLot(input: Omit<typeof reagentLots.$inferInsert, 'id'> & { id?: string }): Promise<ReagentLot> {
    const [row] = await this.db
      .insert(reagentLots)
      .values({ ...input, id: input.id ?? randomUUID() })
      .returning();
    return row;
  }

  async lot(id: string): Promise<ReagentLot | undefined> {
    const [row] = await this.db.select().from(reagentLots).where(eq(reagentLots.id, id));
    return row;
  }
}

/** "ETFE film 25 µm, lot X" when nobody named the material. */
function defaultMaterialName(polymer: string, input: BaseMaterialInput): string {
  const form = input.form ? (normalizeForm(input.form) ?? input.form) : 'material';
  const size =
    input.thicknessUm != null
      ? ` ${input.thicknessUm} µm`
      : input.basisWeightGM2 != null
        ? ` ${input.basisWeightGM2} g/m²`
        : '';
  return `${polymer} ${form}${size}${input.supplierLot ? `, lot ${input.supplierLot.trim()}` : ''}`;
}
