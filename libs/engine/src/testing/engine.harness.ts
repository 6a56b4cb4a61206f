import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProtocolVersion } from '@graftlab/db';
import { loadInventory } from '@graftlab/inventory';
import {
  bindPlan,
  canonicalJson,
  compileProtocol,
  parseProtocol,
  sha256,
  storedPlanHash,
  type StationPlan,
} from '@graftlab/protocol';
import { MemoryRunControl } from '../run-control';
import { RunEngine, type RunOutcome } from '../run-engine';
import type { FakeLab } from './fake.lab';
import type { MemoryRepositories } from './memory.repositories';

/** Admitting a shipped protocol into memory repositories and an engine on a fake lab, for the engine's unit tests. */
const ROOT = join(__dirname, '..', '..', '..', '..');
export const INVENTORY = loadInventory(join(ROOT, 'devices', 'virtual-lab.json'));
const NOW = new Date('2026-12-01T08:00:00Z');
export const STATION = 'reactor-2';

export function admit(
  repos: MemoryRepositories,
  file: string,
  options: {
    parameters?: Record<string, unknown>;
    runId?: string;
    samples?: string[];
    forbidSplit?: boolean;
    /** Rewrites the protocol's steps before admission (a variant of a shipped protocol). */
    steps?: (steps: Record<string, unknown>[]) => Record<string, unknown>[];
  } = {},
): { runId: string; plan: StationPlan } {
  const document = JSON.parse(readFileSync(join(ROOT, 'protocols', file), 'utf8')) as Record<string, unknown>;
  if (options.steps) document.steps = options.steps(document.steps as Record<string, unknown>[]);
  if (options.forbidSplit)
    for (const step of document.steps as Record<string, unknown>[])
      if (step.type === 'irradiate') step.splitDoseAllowed = false;
  const protocol = parseProtocol(document);
  const compiled = compileProtocol(protocol, options.parameters ?? {}, INVENTORY, { now: NOW });
  const plan = bindPlan(compiled, INVENTORY, STATION);
  if (!repos.protocolRows.some((p) => p.protocolId === protocol.id))
    // With its content hash, as stored: the engine shares one frozen parse of it between runs (protocolOfVersion).
    repos.protocolRows.push({
      protocolId: protocol.id,
      version: 1,
      document,
      contentHash: sha256(canonicalJson(document)),
    } as ProtocolVersion);
  const runId = options.runId ?? `run-${repos.runRows.size + 1}`;
  repos.addRun(
    {
      id: runId,
      protocolId: protocol.id,
      protocolVersion: 1,
      station: STATION,
      plan: plan as unknown as Record<string, unknown>,
      planHash: storedPlanHash(plan),
      parameterValues: compiled.parameters,
      createdAt: NOW,
    },
    options.samples ?? [`${runId}-film`],
  );
  return { runId, plan };
}

export function engineOn(
  lab: FakeLab,
  repos: MemoryRepositories,
  control = new MemoryRunControl(),
): RunEngine {
  return new RunEngine({
    repositories: repos,
    inventory: lab.inventory,
    devices: lab.hub,
    leases: lab.leases,
    operator: lab.operator,
    control,
    clock: lab.clock,
    workerId: 'worker-test',
    log: () => undefined,
    commandTimeoutMs: 1000,
  });
}

/**
 * Executes a run as its worker would, to its end: a run parked in its soak is executed again at its next visit
 * (the delayed job's wait played on the virtual clock), until it ends or stops for another reason.
 */
export async function runToEnd(engine: RunEngine, lab: FakeLab, runId: string): Promise<RunOutcome> {
  for (;;) {
    const outcome = await engine.execute(runId);
    if (outcome.state !== 'soaking') return outcome;
    lab.clock.advanceTo(outcome.resumeAtLabMs ?? lab.clock.now());
  }
}
