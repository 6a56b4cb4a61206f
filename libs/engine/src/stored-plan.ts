import type { ProtocolsRepository, Run } from '@graftlab/db';
import type { Inventory } from '@graftlab/inventory';
import {
  bindPlan,
  compileProtocol,
  parseProtocol,
  verifyStoredPlan,
  type Protocol,
  type StationPlan,
} from '@graftlab/protocol';

/**
 * The plan a run executes and its protocol (the engine reads materials and outputs from it). The plan is the one
 * admission stored, checked against its hash and the lab's inventory (`StoredPlanRejected` with the reason
 * otherwise); a run admitted before plans were stored is compiled as it was then (same date) and bound to its
 * station. Nothing else compiles a run's plan.
 */
export async function runPlanOf(
  protocols: Pick<ProtocolsRepository, 'version'>,
  inventory: Inventory,
  run: Run,
): Promise<{ protocol: Protocol; plan: StationPlan }> {
  const version = await protocols.version(run.protocolId, run.protocolVersion);
  if (!version)
    throw new Error(`protocol ${run.protocolId} v${run.protocolVersion} of run ${run.id} is missing`);
  const protocol = parseProtocol(version.document);
  if (run.plan) return { protocol, plan: verifyStoredPlan(run, inventory) };
  const compiled = compileProtocol(protocol, run.parameterValues, inventory, { now: run.createdAt });
  const station = run.station ?? inventory.stations[0].id;
  return { protocol, plan: bindPlan(compiled, inventory, station) };
}
