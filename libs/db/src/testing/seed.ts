import type { Db } from '../db.types';
import { MaterialsRepository } from '../repositories/materials.repository';
import { ProtocolsRepository, type ProtocolVersion } from '../repositories/protocols.repository';
import { RunsRepository, type NewRun, type Run } from '../repositories/runs.repository';
import { SamplesRepository, type Sample } from '../repositories/samples.repository';

/** A minimal consistent world for tests: one base polymer, one monomer, one protocol version. */
export async function seedBasics(db: Db): Promise<{ protocol: ProtocolVersion }> {
  const materials = new MaterialsRepository(db);
  await materials.addBasePolymer({
    name: 'ETFE',
    polymerClass: 'fluoropolymer',
    thicknessUm: 50,
    crystallinity: 0.4,
    densityGCm3: 1.7,
    descriptors: { radicalYield: 1.2 },
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
  return { protocol };
}

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
      await samplesRepo.register({ basePolymerId: 'ETFE', location: 'rack-A', initialMassG: 0.1 }),
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
