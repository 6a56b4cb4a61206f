import { randomUUID } from 'node:crypto';
import { and, inArray, sql } from 'drizzle-orm';
import {
  DoseLedgerRepository,
  MaterialsRepository,
  ProtocolsRepository,
  RunsRepository,
  SamplesRepository,
  runs as runsTable,
  type Db,
  type Run,
} from '@graftlab/db';
import { capabilitiesOf, type DeviceRole, type Inventory } from '@graftlab/inventory';
import {
  checkSafety,
  compileProtocol,
  parseProtocol,
  type ExecutionPlan,
  type PlannedStep,
  type Protocol,
} from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';

export interface SubmitRunRequest {
  /** A protocol document (stored as a new version when its content is new) … */
  readonly protocol?: unknown;
  /** … or the id of a stored protocol (its latest version). */
  readonly protocolId?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Existing sample ids; without them one new sample is registered. */
  readonly samples?: readonly string[];
  readonly priority?: number;
  readonly idempotencyKey?: string;
  readonly campaignId?: string;
  readonly suggestionId?: string;
}

export interface SubmitRunResult {
  readonly run: Run;
  readonly created: boolean;
  readonly plan: ExecutionPlan;
}

export class SubmissionRefused extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'SubmissionRefused';
  }
}

export interface SubmitterDeps {
  readonly db: Db;
  readonly inventory: Inventory;
  /** Puts the run's job on its station's queue (idempotent by job id). */
  readonly enqueue: (stationId: string, runId: string, priority: number) => Promise<void>;
  /** Stations a live worker serves right now (preferred when choosing). */
  readonly liveStations?: () => Promise<readonly string[]>;
  readonly now?: () => Date;
}

function rolesOfPlan(steps: readonly PlannedStep[]): Set<DeviceRole> {
  const out = new Set<DeviceRole>();
  for (const s of steps) {
    for (const r of s.roles) out.add(r);
    if (s.children) for (const r of rolesOfPlan(s.children)) out.add(r);
  }
  return out;
}

/**
 * Submitting a run: the same validator and compiler as `graftlab validate/plan`, the safety envelope checked on
 * the plan, a station with the capabilities chosen by load, samples registered, the run written (idempotent by the
 * client's key) and only then enqueued. Any refusal changes nothing.
 */
export class RunSubmitter {
  constructor(private readonly deps: SubmitterDeps) {}

  async submit(
    request: SubmitRunRequest,
    options: { actor?: string; mayApproveDose?: boolean } = {},
  ): Promise<SubmitRunResult> {
    const { db, inventory } = this.deps;
    const runs = new RunsRepository(db);
    if (request.idempotencyKey) {
      const existing = await runs.byIdempotencyKey(request.idempotencyKey);
      if (existing) {
        const plan = await this.planFor(existing);
        return { run: existing, created: false, plan };
      }
    }
    const protocols = new ProtocolsRepository(db);
    let protocol: Protocol;
    let version: { protocolId: string; version: number };
    if (request.protocol !== undefined) {
      protocol = parseProtocol(request.protocol); // DocumentError with JSON pointers
      const saved = await this.saveAfterCompile(protocols, protocol, request, options.actor);
      version = saved;
    } else if (request.protocolId) {
      const stored = await protocols.version(request.protocolId);
      if (!stored) throw new SubmissionRefused(404, `protocol ${request.protocolId} not found`);
      protocol = parseProtocol(stored.document);
      version = { protocolId: stored.protocolId, version: stored.version };
    } else {
      throw new DocumentError([{ pointer: '', message: 'expected "protocol" (a document) or "protocolId"' }]);
    }
    const now = this.deps.now?.() ?? new Date();
    const plan = compileProtocol(protocol, request.parameters ?? {}, inventory, { now });
    // Re-used films bring the dose they hold: the gate would refuse their irradiation after earlier, irreversible
    // steps, so admission refuses it now.
    const ledger = new DoseLedgerRepository(db);
    const held = await Promise.all((request.samples ?? []).map((id) => ledger.deliveredDose(id)));
    const safety = checkSafety(plan, inventory, { doseHeldGy: Math.max(0, ...held) * 1000 });
    if (safety.length) throw new DocumentError(safety);
    if (plan.requiresApproval && !options.mayApproveDose) {
      throw new SubmissionRefused(
        403,
        `the dose per sample (${(plan.dosePerSample.si / 1000).toFixed(1)} kGy) is above the lab's approval limit (${(plan.safety.approvalDoseGy / 1000).toFixed(1)} kGy): a safety officer must submit or approve it`,
      );
    }
    const station = await this.chooseStation(plan);
    const { basePolymerId, monomerId } = await this.materials(protocol);
    const samplesRepo = new SamplesRepository(db);
    const sampleIds: string[] = [];
    if (request.samples?.length) {
      for (const id of request.samples) {
        if (!(await samplesRepo.get(id))) throw new SubmissionRefused(404, `sample ${id} not found`);
        sampleIds.push(id);
      }
    } else {
      const sample = await samplesRepo.register({
        id: `s-${randomUUID().slice(0, 8)}`,
        location: 'rack-a',
        basePolymerId,
        actor: options.actor,
      });
      sampleIds.push(sample.id);
    }
    const { run, created } = await runs.create({
      protocolId: version.protocolId,
      protocolVersion: version.version,
      protocolHash: plan.hash,
      parameterValues: plan.parameters,
      monomerId,
      station,
      priority: request.priority ?? 0,
      idempotencyKey: request.idempotencyKey ?? null,
      campaignId: request.campaignId ?? null,
      suggestionId: request.suggestionId ?? null,
      sampleIds,
      createdAt: now,
    });
    if (created) await this.deps.enqueue(station, run.id, run.priority);
    return { run, created, plan };
  }

  /** Compiles once before storing, so an invalid document or parameter set never becomes a stored version. */
  private async saveAfterCompile(
    protocols: ProtocolsRepository,
    protocol: Protocol,
    request: SubmitRunRequest,
    actor?: string,
  ): Promise<{ protocolId: string; version: number }> {
    compileProtocol(protocol, request.parameters ?? {}, this.deps.inventory, {
      now: this.deps.now?.() ?? new Date(),
    });
    const saved = await protocols.saveVersion({
      protocolId: protocol.id,
      name: protocol.title,
      document: request.protocol as Record<string, unknown>,
      createdBy: actor,
    });
    return { protocolId: saved.protocolId, version: saved.version };
  }

  /** The protocol's base polymer and monomer as MI-database materials (created on first use), for every row to cite. */
  private async materials(protocol: Protocol): Promise<{ basePolymerId: string; monomerId: string }> {
    const repo = new MaterialsRepository(this.deps.db);
    const m = protocol.materials;
    const polymerName = m.base.polymer;
    const monomerName = m.monomer.abbreviation ?? m.monomer.name;
    const base =
      (await repo.basePolymerByName(polymerName)) ??
      (await repo
        .addBasePolymer({ name: polymerName, polymerClass: m.base.form })
        .catch(() => repo.basePolymerByName(polymerName)));
    const monomer =
      (await repo.monomerByName(monomerName)) ??
      (await repo
        .addMonomer({ name: monomerName, smiles: m.monomer.smiles })
        .catch(() => repo.monomerByName(monomerName)));
    if (!base || !monomer) throw new Error('could not register the materials of the protocol');
    return { basePolymerId: base.id, monomerId: monomer.id };
  }

  async planFor(run: Run): Promise<ExecutionPlan> {
    const stored = await new ProtocolsRepository(this.deps.db).version(run.protocolId, run.protocolVersion);
    if (!stored)
      throw new SubmissionRefused(404, `protocol ${run.protocolId} v${run.protocolVersion} not found`);
    return compileProtocol(
      parseProtocol(stored.document),
      run.parameterValues as Record<string, unknown>,
      this.deps.inventory,
      { now: run.createdAt },
    );
  }

  /** The least busy station with every capability the plan needs, preferring stations a live worker serves. */
  private async chooseStation(plan: ExecutionPlan): Promise<string> {
    const needed = rolesOfPlan(plan.steps);
    const able = this.deps.inventory.stations.filter((s) => {
      const caps = capabilitiesOf(this.deps.inventory, s);
      return [...needed].every((r) => caps.has(r));
    });
    if (!able.length)
      throw new SubmissionRefused(
        422,
        `no station has every capability the protocol needs (${[...needed].join(', ')})`,
      );
    const live = new Set((await this.deps.liveStations?.()) ?? []);
    const candidates =
      live.size && able.some((s) => live.has(s.id)) ? able.filter((s) => live.has(s.id)) : able;
    const counts = await this.deps.db
      .select({ station: runsTable.station, n: sql<number>`count(*)::int` })
      .from(runsTable)
      .where(
        and(
          inArray(runsTable.state, ['queued', 'running', 'paused', 'waiting-operator']),
          inArray(
            runsTable.station,
            candidates.map((s) => s.id),
          ),
        ),
      )
      .groupBy(runsTable.station);
    const load = new Map(counts.map((c) => [c.station ?? '', Number(c.n)]));
    return [...candidates].sort(
      (a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.id.localeCompare(b.id),
    )[0].id;
  }
}
