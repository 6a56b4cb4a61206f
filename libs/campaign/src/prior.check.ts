import { CampaignsRepository, readMiMaterials, type Db } from '@graftlab/db';
import { toPointer, type Problem } from '@graftlab/validation';
import type { CampaignDefinition } from './campaign.schema';

/**
 * A prior from a list names tasks that exist: every campaign is stored, and every material system's base polymer
 * and monomer are in the MI database's material tables (the pointer names the entry and the value).
 */
export async function priorProblems(db: Db, def: CampaignDefinition): Promise<Problem[]> {
  const prior = def.prior;
  if (prior === undefined || typeof prior === 'string') return [];
  const problems: Problem[] = [];
  const campaigns = new CampaignsRepository(db);
  for (const [i, id] of (prior.campaigns ?? []).entries())
    if (!(await campaigns.get(id)))
      problems.push({ pointer: toPointer(['prior', 'campaigns', i]), message: `no campaign "${id}"` });
  if (prior.systems?.length) {
    const materials = await readMiMaterials(db);
    const known = (list: readonly { id: string; name: string }[], name: string) =>
      list.some((m) => [m.id, m.name].some((n) => n.toLowerCase() === name.trim().toLowerCase()));
    prior.systems.forEach((s, i) => {
      if (!known(materials.basePolymers, s.basePolymer))
        problems.push({
          pointer: toPointer(['prior', 'systems', i, 'basePolymer']),
          message: `base polymer "${s.basePolymer}" is not in the MI database (base_polymers)`,
        });
      if (!known(materials.monomers, s.monomer))
        problems.push({
          pointer: toPointer(['prior', 'systems', i, 'monomer']),
          message: `monomer "${s.monomer}" is not in the MI database (monomers)`,
        });
    });
  }
  return problems;
}
