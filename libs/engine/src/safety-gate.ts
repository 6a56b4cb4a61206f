import {
  allSteps,
  judgeStep,
  timeline,
  type ExecutionPlan,
  type LabState,
  type LiveReadings,
  type PlannedStep,
} from '@graftlab/protocol';
import type { Inventory } from '@graftlab/inventory';
import { SafetyRefusal } from './engine.errors';
import { M3_PER_ML } from './quantities';
import type { RunContext } from './run-context';
import { validSamples } from './run-context';

/** What the gate needs of a journal row. */
export interface GateJournalRow {
  readonly state: string;
  readonly request: unknown;
  readonly readBack: unknown;
}

/** What the dose ledger holds for one of the step's samples. */
export interface GateDoseRecord {
  readonly sampleId: string;
  readonly runId: string | null;
  readonly stepKey: string;
  readonly deliveredKGy: number;
}

export interface GateFacts {
  /** Latest journal row per journal key of the run. */
  readonly journalRows: ReadonlyMap<string, GateJournalRow>;
  readonly runId: string;
  /** The samples the step acts on. */
  readonly sampleIds: readonly string[];
  /** Their dose ledger records (every run's). */
  readonly doses: readonly GateDoseRecord[];
  readonly live?: LiveReadings;
}

function rowDone(row: GateJournalRow): boolean {
  if (row.state === 'confirmed' || row.state === 'skipped') return true;
  return row.state === 'settled' && (row.readBack as { resolution?: string } | null)?.resolution === 'done';
}

/** What the gate derives from a plan alone, once per plan (a run's plan never changes while it executes). */
interface PlanFacts {
  /** Every step key, parallel children included. */
  readonly keys: ReadonlySet<string>;
  /** The steps in time order (planned-state's timeline). */
  readonly timeline: readonly PlannedStep[];
}
const planFacts = new WeakMap<ExecutionPlan, PlanFacts>();

function factsOf(plan: ExecutionPlan): PlanFacts {
  let facts = planFacts.get(plan);
  if (!facts) {
    facts = { keys: new Set(allSteps(plan.steps).map((s) => s.key)), timeline: timeline(plan.steps) };
    planFacts.set(plan, facts);
  }
  return facts;
}

/** A plan step is complete when it has journal rows (its own key or its per-sample keys) and all are done. */
function completedSteps(plan: ExecutionPlan, rows: ReadonlyMap<string, GateJournalRow>): Set<string> {
  const byStep = new Map<string, boolean>();
  const { keys } = factsOf(plan);
  for (const [key, row] of rows) {
    const stepKey = keys.has(key) ? key : key.split('/')[0];
    if (!keys.has(stepKey)) continue;
    byStep.set(stepKey, (byStep.get(stepKey) ?? true) && rowDone(row));
  }
  return new Set([...byStep].filter(([, done]) => done).map(([key]) => key));
}

/**
 * The lab as it is before `step`, from the run's own records: steps the journal shows done, the dose the ledger
 * shows each sample holds from other irradiations (any run's), and what each vessel holds by the pumps' read-backs
 * since its last drain. Pure, so the conformance test drives it exactly as the engine does.
 */
export function labStateOf(plan: ExecutionPlan, step: PlannedStep, facts: GateFacts): LabState {
  const completed = completedSteps(plan, facts.journalRows);
  // A sample's limit counts every dose it holds (a film re-used from an earlier run too); the run's limit only
  // what this run delivered.
  const perSample = new Map<string, number>(facts.sampleIds.map((id) => [id, 0]));
  let runDoseGy = 0;
  for (const r of facts.doses) {
    if (!perSample.has(r.sampleId) || (r.runId === facts.runId && r.stepKey === step.key)) continue;
    perSample.set(r.sampleId, perSample.get(r.sampleId)! + r.deliveredKGy * 1000);
    if (r.runId === facts.runId) runDoseGy += r.deliveredKGy * 1000;
  }
  const volume: Record<string, number> = {};
  for (const s of factsOf(plan).timeline) {
    const vessel = typeof s.args.vessel === 'string' ? s.args.vessel : undefined;
    if (!vessel || !completed.has(s.key)) continue;
    if (s.type === 'drain') volume[vessel] = 0;
    if (s.type !== 'dispense') continue;
    const row = facts.journalRows.get(s.key);
    const delivered = (row?.readBack as { deliveredMl?: number } | null)?.deliveredMl;
    const requested = (row?.request as { volumeMl?: number } | null)?.volumeMl;
    volume[vessel] = (volume[vessel] ?? 0) + (delivered ?? requested ?? 0) * M3_PER_ML;
  }
  const doses = [...perSample.values()];
  return {
    completed,
    priorDosePerSampleGy: doses.length ? Math.max(...doses) : 0,
    priorDosePerRunGy: runDoseGy,
    sampleCount: facts.sampleIds.length,
    vesselVolumeM3: volume,
    live: facts.live ?? {},
  };
}

/** The gate's verdict as the refusal a run pauses with; says when a live reading, not the plan, refused it. */
export function refusalOf(
  plan: ExecutionPlan,
  inventory: Inventory,
  step: PlannedStep,
  facts: GateFacts,
): SafetyRefusal | undefined {
  const verdicts = judgeStep({ plan, inventory, step, state: labStateOf(plan, step, facts) });
  if (!verdicts.length) return undefined;
  const what = step.type === 'irradiate' ? 'irradiation' : step.type;
  const reasons = verdicts.map((v) => (v.live ? `live reading: ${v.message}` : v.message)).join('; ');
  return new SafetyRefusal(`${what} ${step.key} refused: ${reasons}`);
}

/**
 * The driver gate: judges the step with the safety rules on the lab as the run's records show it, plus the live
 * readings the step just took. Throws the refusal (the run pauses with it) before anything is sent.
 */
export async function gateStep(ctx: RunContext, step: PlannedStep, live?: LiveReadings): Promise<void> {
  const samples = validSamples(ctx).map((s) => s.id);
  const doses =
    step.type === 'irradiate'
      ? (await Promise.all(samples.map((id) => ctx.ledger.forSample(id)))).flat()
      : [];
  const refusal = refusalOf(ctx.plan, ctx.inventory, step, {
    journalRows: ctx.journalRows,
    runId: ctx.runId,
    sampleIds: samples,
    doses,
    live,
  });
  if (refusal) throw refusal;
}
