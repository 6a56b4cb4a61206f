import type { Db } from '../db.types';
import { baseMaterialIdentity, MaterialsRepository } from '../repositories/materials.repository';
import { ProtocolsRepository, type ProtocolVersion } from '../repositories/protocols.repository';
import { RunsRepository, type NewRun, type Run } from '../repositories/runs.repository';
import { SamplesRepository, type Sample } from '../repositories/samples.repository';

/** A minimal consistent world for tests: one base polymer and material, one monomer, one protocol version. */
export async function seedBasics(db: Db): Promise<{ protocol: ProtocolVersion; baseMaterialId: string }> {
  const materials = new MaterialsRepository(db);
  await materials.addBasePolymer({
    name: 'ETFE',
    polymerClass: 'fluoropolymer',
    descriptors: { radicalYield: 1.2 },
  });
  const material = await materials.upsertBaseMaterial({
    polymer: 'ETFE',
    form: 'film',
    thicknessUm: 50,
    crystallinity: 0.4,
    densityGCm3: 1.7,
    supplierLot: 'ETFE-50-A',
    catalogue: false,
  });
  await materials.addMonomer({
    name: 'styrene',
    smiles: 'C=Cc1ccccc1',
    molarMassGMol: 104.15,
    descriptors: { polarizability: 14.4 },
  });
  const protocol = await new ProtocolsRepository(db).saveVersion({
    protocolId: 'graft-basic',
    document: { steps: ['irradiate', 'graft', 'wash', 'weigh'] },
  });
  return { protocol, baseMaterialId: material.id };
}

/** The base material seedBasics records (its id is derived from its identity). */
export const SEEDED_MATERIAL = baseMaterialIdentity({
  polymerId: 'ETFE',
  form: 'film',
  thicknessUm: 50,
  supplierLot: 'ETFE-50-A',
});

/** A run on the seeded protocol with fresh samples. */
export async function seedRun(
  db: Db,
  protocol: ProtocolVersion,
  overrides: Partial<NewRun> & { samples?: number } = {},
): Promise<{ run: Run; samples: Sample[] }> {
  const samplesRepo = new SamplesRepository(db);
  const samples: Sample[] = [];
  for (let i = 0; i < (overrides.samples ?? 1); i++) {
    samples.push(
      await samplesRepo.register({
        basePolymerId: 'ETFE',
        baseMaterialId: SEEDED_MATERIAL.id,
        location: 'rack-A',
        initialMassG: 0.1,
      }),
    );
  }
  const { run } = await new RunsRepository(db).create({
    protocolId: protocol.protocolId,
    protocolVersion: protocol.version,
    protocolHash: protocol.contentHash,
    parameterValues: { doseKGy: 20, temperatureC: 60 },
    monomerId: 'styrene',
    sampleIds: samples.map((s) => s.id),
    ...overrides,
  });
  return { run, samples };
}
