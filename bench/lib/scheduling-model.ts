/**
 * Figure 6's pure logic (tested in test/bench/scheduling-model.spec.ts): what each planned step of a run holds,
 * the lower bound on the makespan (the busiest instrument's work) and the first-come-first-served simulation.
 *
 * What a step holds mirrors the engine (libs/engine/src/step-runner.ts): the shared instruments that serve its
 * roles, the shared instrument whose position it puts the sample into (`to`, `position`, `location`), and the
 * shared instrument whose position the sample lies at before the step (a film in the irradiator is dosed by
 * whoever opens the shutter, so the irradiator stays taken from the transfer in to the transfer out).
 */
import type { Inventory } from '@graftlab/inventory';
import type { ExecutionPlan, PlannedStep } from '@graftlab/protocol';

export interface ModelStep {
  readonly key: string;
  readonly durationS: number;
  /** Shared instruments serving the step's roles (what the lower bound counts). */
  readonly roleInstruments: readonly string[];
  /** Shared instruments the step holds: its roles, the one it moves the sample into, the one the sample is in. */
  readonly holds: readonly string[];
  /** The step uses its station's own devices (pump, circulator, gas controller, O₂ sensor). */
  readonly usesStation: boolean;
}

export interface ModelRun {
  readonly id: string;
  readonly station: string;
  readonly steps: readonly ModelStep[];
}

const str = (step: PlannedStep, name: string): string | undefined => {
  const v = step.args[name];
  return typeof v === 'string' ? v : undefined;
};

function devicesOf(step: PlannedStep): string[] {
  return [...step.devices, ...(step.children ?? []).flatMap(devicesOf)];
}

/**
 * The run's steps as the simulation and the bound see them. `durationS` overrides the plan's estimate per step
 * key (e.g. with the durations measured in the journal); the plan's `estimatedDurationS` otherwise.
 */
export function modelRun(
  id: string,
  station: string,
  plan: ExecutionPlan,
  inventory: Inventory,
  durationS: ReadonlyMap<string, number> = new Map(),
): ModelRun {
  const shared = new Set(inventory.shared);
  const instrumentAt = (location: string | undefined) => {
    const device = location ? inventory.locations.find((l) => l.id === location)?.device : undefined;
    return device && shared.has(device) ? device : undefined;
  };
  let at: string | undefined = 'rack-a';
  const steps = plan.steps.map((step): ModelStep => {
    const devices = devicesOf(step);
    const roleInstruments = [...new Set(devices.filter((d) => shared.has(d)))];
    const entering = instrumentAt(str(step, 'to') ?? str(step, 'position') ?? str(step, 'location'));
    const occupied = instrumentAt(at);
    const holds = [...new Set([...roleInstruments, entering, occupied])].filter((d): d is string => !!d);
    const action = step.args.action as { kind?: string; location?: string } | undefined;
    if (step.type === 'transfer') at = str(step, 'to');
    else if (step.type === 'prompt' && action?.kind === 'load-sample') at = action.location ?? at;
    return {
      key: step.key,
      durationS: durationS.get(step.key) ?? step.estimatedDurationS,
      roleInstruments,
      holds: holds.sort(),
      usesStation: devices.some((d) => !shared.has(d)),
    };
  });
  return { id, station, steps };
}

export interface LowerBound {
  /** The makespan no schedule can beat, s. */
  readonly boundS: number;
  /** The instrument (or "reactors") that sets it. */
  readonly busiest: string;
  /** Work per shared instrument by the steps' roles, s; "reactors" is the stations' total work ÷ their number. */
  readonly workS: Readonly<Record<string, number>>;
  /** The same with the time a run's sample occupies the instrument (tighter, not the definition). */
  readonly heldS: Readonly<Record<string, number>>;
  /** Sum of whole-run durations ÷ stations (a run keeps its station from its first step to its last). */
  readonly stationHeldS: number;
}

/**
 * The lower bound: the busiest instrument's total work, summing the planned durations of the steps whose
 * roles use it; the reactors are `stations` parallel machines, so their bound is their total work ÷ `stations`.
 */
export function lowerBound(runs: readonly ModelRun[], stations: number): LowerBound {
  const work: Record<string, number> = {};
  const held: Record<string, number> = {};
  let reactor = 0;
  let whole = 0;
  for (const run of runs) {
    for (const step of run.steps) {
      for (const d of step.roleInstruments) work[d] = (work[d] ?? 0) + step.durationS;
      for (const d of step.holds) held[d] = (held[d] ?? 0) + step.durationS;
      if (step.usesStation) reactor += step.durationS;
      whole += step.durationS;
    }
  }
  work.reactors = reactor / stations;
  held.reactors = reactor / stations;
  const [busiest, boundS] = Object.entries(work).reduce((a, b) => (b[1] > a[1] ? b : a), ['none', 0]);
  return { boundS, busiest, workS: work, heldS: held, stationHeldS: whole / stations };
}

export interface FcfsResult {
  readonly makespanS: number;
  /** Start and end of each run, s from time 0, in submission order. */
  readonly runs: readonly { readonly id: string; readonly startS: number; readonly endS: number }[];
  /** When each step of each run started, s, in submission order (the schedule the simulation made). */
  readonly stepStartsS: readonly (readonly number[])[];
}

/**
 * First-come-first-served, as a discrete-event simulation of the runs in submission order (see the header of
 * bench/scheduling.bench.ts for the exact rules). Deterministic: ties go to the earlier-submitted run.
 */
export function simulateFcfs(runs: readonly ModelRun[]): FcfsResult {
  const n = runs.length;
  const holder = new Map<string, number>(); // instrument → run index
  const stationBusy = new Map<string, number>(); // station → run index
  const nextOnStation = new Map<string, number[]>();
  runs.forEach((r, i) => nextOnStation.set(r.station, [...(nextOnStation.get(r.station) ?? []), i]));
  const stepOf = new Array<number>(n).fill(-1);
  const start = new Array<number>(n).fill(Number.NaN);
  const end = new Array<number>(n).fill(Number.NaN);
  const stepStarts = runs.map(() => [] as number[]);
  /** Waiting requests for the next step, in the order they were made (ties: submission order). */
  let waiting: { run: number; at: number }[] = [];
  /** Steps in progress: [finish time, run]. */
  const running: [number, number][] = [];
  let now = 0;

  const request = (run: number, at: number) => {
    waiting.push({ run, at });
    waiting.sort((a, b) => a.at - b.at || a.run - b.run);
  };
  const startNextOnStation = (station: string, at: number) => {
    if (stationBusy.has(station)) return;
    const queue = nextOnStation.get(station)!;
    const next = queue.shift();
    if (next === undefined) return;
    stationBusy.set(station, next);
    start[next] = at;
    stepOf[next] = 0;
    request(next, at);
  };
  const dispatch = () => {
    const still: typeof waiting = [];
    for (const w of waiting) {
      const step = runs[w.run].steps[stepOf[w.run]];
      const free = step.holds.every((d) => !holder.has(d) || holder.get(d) === w.run);
      if (!free) {
        still.push(w);
        continue;
      }
      for (const d of step.holds) holder.set(d, w.run);
      stepStarts[w.run].push(now);
      running.push([now + step.durationS, w.run]);
    }
    waiting = still;
  };

  for (const station of nextOnStation.keys()) startNextOnStation(station, 0);
  dispatch();
  while (running.length) {
    running.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const [t, run] = running.shift()!;
    now = t;
    const steps = runs[run].steps;
    const done = steps[stepOf[run]];
    const next = steps[stepOf[run] + 1];
    for (const d of done.holds) if (!next?.holds.includes(d)) holder.delete(d);
    if (next) {
      stepOf[run]++;
      request(run, now);
    } else {
      end[run] = now;
      stationBusy.delete(runs[run].station);
      startNextOnStation(runs[run].station, now);
    }
    // Everything that finishes at this instant is released before anyone is served.
    if (running.some(([t2]) => t2 === now)) continue;
    dispatch();
  }
  if (waiting.length || end.some((e) => Number.isNaN(e)))
    throw new Error('FCFS simulation ended with runs still waiting (a deadlock in the model)');
  return {
    makespanS: Math.max(...end) - Math.min(...start),
    runs: runs.map((r, i) => ({ id: r.id, startS: start[i], endS: end[i] })),
    stepStartsS: stepStarts,
  };
}
