import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db.types';
import { basePolymers, monomers, reagentLots, type Descriptors } from '../schema';

export type BasePolymer = typeof basePolymers.$inferSelect;
export type Monomer = typeof monomers.$inferSelect;
export type ReagentLot = typeof reagentLots.$inferSelect;

export interface NewBasePolymer {
  id?: string;
  name: string;
  polymerClass?: string | null;
  thicknessUm?: number | null;
  crystallinity?: number | null;
  densityGCm3?: number | null;
  descriptors?: Descriptors;
}

export interface NewMonomer {
  id?: string;
  name: string;
  smiles?: string | null;
  molarMassGMol?: number | null;
  descriptors?: Descriptors;
}

/** Base polymers, monomers and reagent lots: the material side of every MI row. */
export class MaterialsRepository {
  constructor(private readonly db: Db) {}

  async addBasePolymer(input: NewBasePolymer): Promise<BasePolymer> {
    const [row] = await this.db
      .insert(basePolymers)
      .values({ ...input, id: input.id ?? input.name, descriptors: input.descriptors ?? {} })
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
