import { randomUUID } from 'node:crypto';
import {
  DoseLedgerRepository,
  ProtocolsRepository,
  RunsRepository,
  SamplesRepository,
  type Db,
  type Run,
} from '@graftlab/db';
import type { Inventory } from '@graftlab/inventory';
import {
  bindPlan,
  canonicalJson,
  checkSafety,
  compileProtocol,
  sha256,
  storedPlanHash,
  type Protocol,
  type StationPlan,
} from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import { materialInputsOf, registerMaterials, type RegisteredMaterials } from './materials.registration';
import { chooseStation } from './station.choice';
import { parseSharedProtocol, protocolOfVersion, runPlanOf } from '@graftlab/engine';
import { SubmissionRefused } from './submission.errors';

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
  /** The plan the run executes, as stored with it. */
  readonly plan: StationPlan;
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

type ProtocolRef = { readonly protocolId: string; readonly version: number };

/** A map that forgets its oldest entries past a size: a process's memory of immutable facts. */
class BoundedMemo<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly size: number) {}
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as K);
  }
}

/** The memo key of a protocol document sent with a run: the hash of its canonical JSON (none if it has none). */
function documentKeyOf(document: unknown): string | undefined {
  if (document === undefined) return undefined;
  try {
    return `protocol:${sha256(canonicalJson(document))}`;
  } catch {
    return undefined; // not JSON-like: parseProtocol says why
  }
}

/** A concurrent submission with the same idempotency key won: this transaction is rolled back. */
class LostRace extends Error {
  constructor(readonly winner: Run) {
    super('lost the race for the idempotency key');
  }
}

/**
 * Admission of a run: the protocol validated and compiled once (the same compiler as `graftlab validate/plan`),
 * the safety envelope checked on the plan, a station with the capabilities chosen by load, the plan bound to it
 * and stored with the run, the materials, samples and run written in one transaction (idempotent by the client's
 * key), and only then the run enqueued. Any refusal changes nothing.
 */
export class RunSubmitter {
  /** Runs being admitted now, per station: concurrent submissions spread over the stations, not onto one. */
  private readonly admitting = new Map<string, number>();
  /**
   * What earlier admissions of this process committed and that never changes: a protocol document's stored
   * version (versions are content-addressed) and a film's and solution's material ids (identity-keyed rows that
   * are never deleted). Written only after a commit, so a rolled-back admission leaves nothing remembered.
   */
  private readonly committed = new BoundedMemo<string, unknown>(256);
  /** Protocol documents parsed and valid, by the hash of their canonical JSON (shared: never mutated). */
  private readonly parsedDocuments = new BoundedMemo<string, Protocol>(64);

  constructor(private readonly deps: SubmitterDeps) {}

  async submit(
    request: SubmitRunRequest,
    options: { actor?: string; mayApproveDose?: boolean } = {},
  ): Promise<SubmitRunResult> {
    const { db, inventory } = this.deps;
    if (request.idempotencyKey) {
      const existing = await new RunsRepository(db).byIdempotencyKey(request.idempotencyKey);
      if (existing) return { run: existing, created: false, plan: await this.planFor(existing) };
    }
    const documentKey = documentKeyOf(request.protocol);
    const { protocol, stored } = await this.protocolOf(request, documentKey);
    const now = this.deps.now?.() ?? new Date();
    const compiled = compileProtocol(protocol, request.parameters ?? {}, inventory, { now });
    // Re-used films bring the dose they hold: the gate would refuse their irradiation after earlier, irreversible
    // steps, so admission refuses it now.
    const ledger = new DoseLedgerRepository(db);
    const held = await Promise.all((request.samples ?? []).map((id) => ledger.deliveredDose(id)));
    const safety = checkSafety(compiled, inventory, { doseHeldGy: Math.max(0, ...held) * 1000 });
    if (safety.length) throw new DocumentError(safety);
    if (compiled.requiresApproval && !options.mayApproveDose) {
      throw new SubmissionRefused(
        403,
        `the dose per sample (${(compiled.dosePerSample.si / 1000).toFixed(1)} kGy) is above the lab's approval limit (${(compiled.safety.approvalDoseGy / 1000).toFixed(1)} kGy): a safety officer must submit or approve it`,
      );
    }
    const station = await chooseStation(
      inventory,
      compiled.steps,
      new RunsRepository(db),
      (await this.deps.liveStations?.()) ?? [],
      this.admitting,
    );
    const plan = bindPlan(compiled, inventory, station);
    let written: { run: Run; created: boolean };
    try {
      const inputs = materialInputsOf(protocol, compiled);
      const materialsKey = `materials:${sha256(canonicalJson(inputs))}`;
      const knownVersion = documentKey
        ? (this.committed.get(documentKey) as ProtocolRef | undefined)
        : undefined;
      const knownMaterials = this.committed.get(materialsKey) as RegisteredMaterials | undefined;
      let version!: ProtocolRef;
      let materials!: RegisteredMaterials;
      written = await db.transaction(async (tx) => {
        version = stored ?? knownVersion ?? (await this.saveVersion(tx, request, protocol, options.actor));
        materials = knownMaterials ?? (await registerMaterials(tx, inputs));
        const { baseMaterialId, recipeId } = materials;
        const sampleIds = await this.samplesOf(tx, request, baseMaterialId, options.actor);
        const result = await new RunsRepository(tx).create({
          protocolId: version.protocolId,
          protocolVersion: version.version,
          protocolHash: compiled.hash,
          parameterValues: compiled.parameters,
          recipeId,
          station,
          priority: request.priority ?? 0,
          idempotencyKey: request.idempotencyKey ?? null,
          campaignId: request.campaignId ?? null,
          suggestionId: request.suggestionId ?? null,
          plan: plan as unknown as Record<string, unknown>,
          planHash: storedPlanHash(plan),
          sampleIds,
          createdAt: now,
        });
        if (!result.created) throw new LostRace(result.run);
        return result;
      });
      if (documentKey) this.committed.set(documentKey, version);
      this.committed.set(materialsKey, materials);
    } catch (e) {
      if (!(e instanceof LostRace)) throw e;
      return { run: e.winner, created: false, plan: await this.planFor(e.winner) };
    } finally {
      this.admitting.set(station, this.admitting.get(station)! - 1);
    }
    await this.deps.enqueue(station, written.run.id, written.run.priority);
    return { run: written.run, created: true, plan };
  }

  /** The plan a run executes: the stored one (runs admitted before plans were stored are compiled as then). */
  async planFor(run: Run): Promise<StationPlan> {
    return (await runPlanOf(new ProtocolsRepository(this.deps.db), this.deps.inventory, run)).plan;
  }

  private async protocolOf(
    request: SubmitRunRequest,
    documentKey: string | undefined,
  ): Promise<{ protocol: Protocol; stored?: ProtocolRef }> {
    if (request.protocol !== undefined) {
      // A document sent again (a lab's scheduler sends the same one with every run) is parsed once.
      const known = documentKey ? (this.parsedDocuments.get(documentKey) as Protocol | undefined) : undefined;
      if (known) return { protocol: known };
      const protocol = parseSharedProtocol(request.protocol); // DocumentError
      if (documentKey) this.parsedDocuments.set(documentKey, protocol);
      return { protocol };
    }
    if (request.protocolId) {
      const stored = await new ProtocolsRepository(this.deps.db).version(request.protocolId);
      if (!stored) throw new SubmissionRefused(404, `protocol ${request.protocolId} not found`);
      return {
        protocol: protocolOfVersion(stored),
        stored: { protocolId: stored.protocolId, version: stored.version },
      };
    }
    throw new DocumentError([{ pointer: '', message: 'expected "protocol" (a document) or "protocolId"' }]);
  }

  /** A document sent with the run becomes a stored version only with the run (it compiled: it is valid). */
  private async saveVersion(
    db: Db,
    request: SubmitRunRequest,
    protocol: Protocol,
    actor?: string,
  ): Promise<ProtocolRef> {
    const saved = await new ProtocolsRepository(db).saveVersion({
      protocolId: protocol.id,
      name: protocol.title,
      document: request.protocol as Record<string, unknown>,
      createdBy: actor,
    });
    return { protocolId: saved.protocolId, version: saved.version };
  }

  private async samplesOf(
    db: Db,
    request: SubmitRunRequest,
    baseMaterialId: string,
    actor?: string,
  ): Promise<string[]> {
    const samples = new SamplesRepository(db);
    if (request.samples?.length) {
      for (const id of request.samples) {
        if (!(await samples.get(id))) throw new SubmissionRefused(404, `sample ${id} not found`);
      }
      return [...request.samples];
    }
    const sample = await samples.register({
      id: `s-${randomUUID().slice(0, 8)}`,
      location: 'rack-a',
      baseMaterialId,
      actor,
    });
    return [sample.id];
  }
}
