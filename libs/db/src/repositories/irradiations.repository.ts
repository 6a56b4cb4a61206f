import { asc, eq } from 'drizzle-orm';
import { DocumentError, type Problem } from '@graftlab/validation';
import { canonicalJson, sha256Hex } from '../canonical-json';
import type { Db } from '../db.types';
import { mergeFields } from '../materials/material-fields.merge';
import {
  IRRADIATION_ATMOSPHERES,
  IRRADIATION_METHODS,
  irradiations,
  RADIATION_SOURCES,
  type IrradiationAtmosphere,
  type IrradiationMethod,
  type RadiationSource,
} from '../schema';

export type Irradiation = typeof irradiations.$inferSelect;

export interface IrradiationInput {
  sampleId: string;
  runId?: string | null;
  method?: IrradiationMethod | null;
  sourceKind?: RadiationSource | null;
  source?: string | null;
  facility?: string | null;
  atmosphere?: IrradiationAtmosphere | null;
  temperatureC?: number | null;
  irradiatedAt?: Date | null;
  storageTimeH?: number | null;
  storageTemperatureC?: number | null;
}

/** The id of a sample's irradiation record for a run (null: irradiated outside any run). */
export function irradiationIdFor(sampleId: string, runId: string | null | undefined): string {
  return 'irr-' + sha256Hex(canonicalJson([sampleId, runId ?? null])).slice(0, 24);
}

export function checkIrradiation(input: Omit<IrradiationInput, 'sampleId'>, at = ''): Problem[] {
  const problems: Problem[] = [];
  const oneOf = (field: string, value: string | null | undefined, allowed: readonly string[]) => {
    if (value != null && !allowed.includes(value))
      problems.push({ pointer: `${at}/${field}`, message: `"${value}" is not one of ${allowed.join(', ')}` });
  };
  oneOf('method', input.method, IRRADIATION_METHODS);
  oneOf('sourceKind', input.sourceKind, RADIATION_SOURCES);
  oneOf('atmosphere', input.atmosphere, IRRADIATION_ATMOSPHERES);
  if (input.storageTimeH != null && !(input.storageTimeH >= 0))
    problems.push({ pointer: `${at}/storageTimeH`, message: 'must be 0 or more' });
  for (const f of ['temperatureC', 'storageTemperatureC'] as const) {
    const t = input[f];
    if (t != null && !(t >= -273.15 && t < 1000))
      problems.push({ pointer: `${at}/${f}`, message: `${t} °C is not a temperature` });
  }
  return problems;
}

/**
 * Irradiation records, one per (sample, run). Written in parts (what the irradiation step knows, then the storage
 * time and temperature at monomer contact): each call fills what is empty, repeats are harmless, and a value that
 * differs from the one recorded is refused.
 */
export class IrradiationsRepository {
  constructor(private readonly db: Db) {}

  async record(input: IrradiationInput, at = ''): Promise<Irradiation> {
    const problems = checkIrradiation(input, at);
    if (problems.length) throw new DocumentError(problems);
    const id = irradiationIdFor(input.sampleId, input.runId);
    return this.db.transaction(async (tx) => {
      await tx
        .insert(irradiations)
        .values({ id, sampleId: input.sampleId, runId: input.runId ?? null })
        .onConflictDoNothing();
      const [stored] = await tx.select().from(irradiations).where(eq(irradiations.id, id)).for('update');
      const fields = [
        'method',
        'sourceKind',
        'source',
        'facility',
        'atmosphere',
        'temperatureC',
        'storageTimeH',
        'storageTemperatureC',
      ] as const;
      const merge = mergeFields({
        stored: {
          ...Object.fromEntries(fields.map((f) => [f, stored[f]])),
          irradiatedAt: stored.irradiatedAt?.toISOString() ?? null,
        },
        storedDescriptors: {},
        storedCatalogueFields: [],
        given: {
          ...Object.fromEntries(fields.map((f) => [f, input[f]])),
          irradiatedAt: input.irradiatedAt?.toISOString() ?? null,
        },
        at,
      });
      if (merge.conflicts.length) throw new DocumentError(merge.conflicts);
      if (!merge.changed) return stored;
      const { irradiatedAt, ...rest } = merge.patch;
      const [row] = await tx
        .update(irradiations)
        .set({
          ...(rest as Partial<Irradiation>),
          ...(irradiatedAt ? { irradiatedAt: new Date(irradiatedAt as string) } : {}),
        })
        .where(eq(irradiations.id, id))
        .returning();
      return row;
    });
  }

  async forSample(sampleId: string): Promise<Irradiation[]> {
    return this.db
      .select()
      .from(irradiations)
      .where(eq(irradiations.sampleId, sampleId))
      .orderBy(asc(irradiations.createdAt), asc(irradiations.id));
  }
}
