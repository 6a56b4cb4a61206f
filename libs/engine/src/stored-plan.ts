import type { ProtocolVersion, ProtocolsRepository, Run } from '@graftlab/db';
import type { Inventory } from '@graftlab/inventory';
import {
  bindPlan,
  compileProtocol,
  parseProtocol,
  verifyStoredPlan,
  type Protocol,
  type StationPlan,
} from '@graftlab/protocol';

/** Parsed protocol versions of this process, most recently used last; at most PARSED_MAX of them. */
const parsed = new Map<string, Protocol>();
const PARSED_MAX = 64;

/**
 * A stored protocol version, parsed and validated — once per process: versions are content-addressed and never
 * change (ProtocolsRepository), so the version's id, number and content hash name what was parsed. The protocol is
 * shared by every run of that version and must not be mutated. A row without its content hash is parsed each time.
 */
export function protocolOfVersion(
  version: Pick<ProtocolVersion, 'protocolId' | 'version' | 'contentHash' | 'document'>,
): Protocol {
  if (!version.contentHash) return parseProtocol(version.document);
  const key = `${version.protocolId}\u0000${version.version}\u0000${version.contentHash}`;
  let protocol = parsed.get(key);
  if (protocol) parsed.delete(key);
  else protocol = parseSharedProtocol(version.document);
  parsed.set(key, protocol);
  if (parsed.size > PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
  return protocol;
}

/**
 * A protocol parsed to be shared (remembered and handed to every run or admission that names the same content):
 * frozen, so that code mutating it fails loudly instead of changing what other runs see.
 */
export function parseSharedProtocol(document: unknown): Protocol {
  return deepFreeze(parseProtocol(document));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

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
  const protocol = protocolOfVersion(version);
  if (run.plan) return { protocol, plan: verifyStoredPlan(run, inventory) };
  const compiled = compileProtocol(protocol, run.parameterValues, inventory, { now: run.createdAt });
  const station = run.station ?? inventory.stations[0].id;
  return { protocol, plan: bindPlan(compiled, inventory, station) };
}
