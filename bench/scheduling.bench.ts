/**
 * 6. Scheduling quality.
 *
 * Method: the default virtual lab (devices/virtual-lab.json: four reactor stations, one Co-60 irradiator with its
 * shutter, one balance, one robot; the serial twins on ports the OS picks, so nothing collides) runs 24 runs
 * (6 with --quick) of protocols/pe-gma-emulsion.json through the whole stack (API, one worker, private Redis,
 * mosquitto and database), clock ×1,000 (below). The parameters vary a little from run to run (dose 28–32 kGy,
 * 39–41 °C, 1.75–2.25 h, 4.5–5.5 wt%), so each run has realistic lab durations: ~15 min ampoule purge, ~2.7 h of
 * irradiation at the decay-corrected 12 kGy/h, 30 min cold storage, 2 h grafting, 45 min wash, ~3 h drying, ~10 h
 * in all. The runs are submitted one after another through `POST /api/runs`; graftlab chooses each run's station.
 *
 * graftlab's makespan, in lab hours, is read from the journal's lab-clock stamps: from the first run's first
 * `request.labStart` to the last run's last `readBack.labEnd` (the run records' wall-clock startedAt/finishedAt ×
 * the clock speed, in the progress log, agree within a few tenths of an hour). Floors, from the same runs:
 *  - Lower bound = the busiest instrument's total work: for each shared instrument, the sum over runs of the planned
 *    durations (`compileProtocol` with each run's parameters and creation date, `estimatedDurationS`) of the steps
 *    whose roles it serves; the reactor stations are four parallel machines, so theirs is the total work of the
 *    steps on station devices (dispense, N₂ purge, heat, graft) ÷ 4. No schedule can beat it; it ignores the ~7 h
 *    a run still needs after its irradiation, so even a perfect schedule of 8 runs sits well above it.
 *  - FCFS = a discrete-event simulation (bench/lib/scheduling-model.ts) of a first-come-first-served lab with no
 *    software overhead, with the planned durations (row 2) and with the step durations graftlab's journal measured
 *    (row 3, which leaves only the dispatching between steps to compare). Here FCFS means:
 *     1. Stations: each run uses the station graftlab assigned it at submission and holds it as one block from its
 *        first step to its last; a station's runs start in submission order, each as soon as the previous one ends.
 *     2. Steps run in plan order, each for its duration, back to back unless an instrument is waited for.
 *     3. Shared instruments are taken as whole blocks, never interleaved: a step holds the instruments of its roles,
 *        the one whose position it moves the sample into, and the one whose position the sample already lies at.
 *        So one run holds the irradiator (and its shutter) from its transfer in, through the N₂ ampoule purge and
 *        the exposure, to its transfer out, and no other run's step touches the irradiator in between; the balance
 *        likewise from the transfer onto the pan to the transfer off; the robot per transfer. (The engine also
 *        weighs on the balance during "dry until constant mass", a step whose plan names no role; not modelled.)
 *     4. A run that needs instruments asks for them and waits; requests are served strictly in the order they were
 *        made (ties: submission order), all of a step's instruments at once, non-preemptively. A request that
 *        cannot be served yet does not block a later one that needs only free instruments (the robot would
 *        otherwise deadlock behind a run waiting for the irradiator while holding the balance).
 *    graftlab's own dispatching is of this kind (leases on shared instruments, polled every 100 ms of real time,
 *    held while the sample is in the instrument; stations fixed at submission), so the FCFS rows show what the real
 *    stack loses to a zero-overhead FCFS lab: the engine's time between steps and lease polling, real-time costs
 *    that the virtual clock multiplies by its speed, and (row 2 only) twin durations that differ from the plan's
 *    estimates. A ratio below 1× against the planned FCFS means the twins finished steps sooner than planned (the
 *    virtual operator answers the operator-performed ampoule purge in 30 lab-seconds, planned as its 15 min minimum).
 *
 * Clock speed: ×1,000, not the ×20,000–36,000 one might hope for. Every real millisecond the stack spends (engine
 * work per step, lease polling every 100 ms, poll floors of 50–200 ms in the heat/hold/dry loops) costs `speed`
 * lab milliseconds, so above a few thousand the figure measures the software's real-time overhead, not the
 * schedule. Measured with 8 runs (2 cores): ×1,000 makespan 29.8 lab h, steps 1.02× their planned lab time, 0
 * samples invalidated; ×2,000 33.4 h, 1.12×; ×5,000 39.6 h, 1.31×; ×20,000 72.7 h, 1.95×, and 5 of 8 samples
 * invalidated by the protocol's 30-minute time windows. At ×1,000 the full 24 runs take about 5 minutes of
 * real time and the quick 6 under 2.
 * The progress log also gives the tighter bounds (instrument held while the sample is in it; whole runs ÷ 4
 * stations), the steps that ran furthest from their planned durations, and samples invalidated by a time window.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalRepository, RunsRepository, SamplesRepository, type JournalEntry } from '@graftlab/db';
import { loadInventory } from '@graftlab/inventory';
import { compileProtocol, parseProtocol } from '@graftlab/protocol';
import type { BenchOptions } from './lib/options';
import { lowerBound, modelRun, simulateFcfs, type ModelRun } from './lib/scheduling-model';
import { startServices } from './lib/services';
import { startBenchStack } from './lib/stack';
import { progress, row, sleep, type BenchRow } from './lib/stats';

/** Lab ms per real ms: one lab hour takes 3.6 s. See the file header for why not 20,000 or more. */
export const CLOCK_SPEED = 1000;
const PROTOCOL_PATH = join(__dirname, '../protocols/pe-gma-emulsion.json');
const TERMINAL = ['completed', 'failed', 'aborted', 'waiting-operator', 'paused'];
const H = 3600;

/** Run i's parameter values: near the protocol's defaults, deterministic, a little different for each run. */
export function parametersOf(i: number): Record<string, number> {
  return {
    dose: 30 + (((i * 7) % 5) - 2),
    graftTemperature: 40 + (((i * 3) % 5) - 2) * 0.5,
    graftTime: 2 + ((i % 3) - 1) * 0.25,
    monomerConcentration: 5 + ((i % 5) - 2) * 0.25,
  };
}

/** Lab-clock start and end (ms) of each planned step, from the journal rows of its key (and its sub-keys). */
function stepSpans(plan: { steps: readonly { key: string }[] }, rows: readonly JournalEntry[]) {
  const spans = new Map<string, { start: number; end: number }>();
  for (const step of plan.steps) {
    let start = Infinity;
    let end = -Infinity;
    for (const r of rows) {
      if (r.stepKey !== step.key && !r.stepKey.startsWith(`${step.key}/`)) continue;
      const s = (r.request as { labStart?: number } | null)?.labStart;
      const e = (r.readBack as { labEnd?: number } | null)?.labEnd;
      if (s !== undefined) start = Math.min(start, s);
      if (e !== undefined) end = Math.max(end, e);
    }
    if (Number.isFinite(start) && Number.isFinite(end)) spans.set(step.key, { start, end });
  }
  return spans;
}

const hours = (s: number) => (s / H).toFixed(2);

export async function schedulingBench(options: BenchOptions): Promise<BenchRow[]> {
  const n = options.quick ? 6 : 24;
  const document = JSON.parse(readFileSync(PROTOCOL_PATH, 'utf8')) as { id: string };
  const protocol = parseProtocol(document);
  const services = await startServices();
  const inventory = loadInventory(join(__dirname, '../devices/virtual-lab.json'));
  const s = await startBenchStack({ services, inventory, clockSpeed: CLOCK_SPEED });
  try {
    await s.api('POST', '/api/protocols', document).catch(() => undefined);
    const t0 = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { id } = await s.api<{ id: string }>('POST', '/api/runs', {
        protocolId: document.id,
        parameters: parametersOf(i),
      });
      ids.push(id);
    }
    const submitS = ((performance.now() - t0) / 1000) * CLOCK_SPEED;
    progress(`scheduling: ${n} runs submitted in ${(submitS / 60).toFixed(1)} lab min`);

    // Planned: the same compilation the engine makes (each run's parameters and creation date).
    const runsRepo = new RunsRepository(services.db);
    const runs = await Promise.all(ids.map((id) => runsRepo.get(id).then((r) => r!)));
    const plans = runs.map((r) =>
      compileProtocol(protocol, r.parameterValues as Record<string, unknown>, s.lab.inventory, {
        now: r.createdAt,
      }),
    );
    const planned = runs.map((r, i) => modelRun(r.id, r.station!, plans[i], s.lab.inventory));
    const bound = lowerBound(planned, s.lab.inventory.stations.length);
    const fcfs = simulateFcfs(planned);
    const expectedS = fcfs.makespanS;

    // Wait for every run (real time: the FCFS makespan at this clock speed, 3× and a minute of slack).
    const deadline = performance.now() + ((3 * expectedS) / CLOCK_SPEED) * 1000 + 60_000;
    for (;;) {
      const states = await Promise.all(ids.map((id) => runsRepo.get(id).then((r) => r!)));
      if (states.every((r) => TERMINAL.includes(r.state))) {
        const bad = states.filter((r) => r.state !== 'completed');
        if (bad.length)
          throw new Error(
            `scheduling: ${bad.length} run(s) did not complete: ${bad
              .slice(0, 3)
              .map((r) => `${r.id} ${r.state} (${r.stateReason ?? ''})`)
              .join('; ')}`,
          );
        break;
      }
      if (performance.now() > deadline)
        throw new Error(
          `scheduling: runs not finished after ${((performance.now() - t0) / 1000).toFixed(0)} s (${states.filter((r) => r.state === 'completed').length}/${n} completed)`,
        );
      await sleep(250);
    }
    const wallS = (performance.now() - t0) / 1000;

    // graftlab's makespan from the journal's lab-clock stamps.
    const journal = new JournalRepository(services.db);
    const rows = await Promise.all(ids.map((id) => journal.forRun(id)));
    const spans = plans.map((plan, i) => stepSpans(plan, rows[i]));
    const starts = spans.flatMap((m) => [...m.values()].map((x) => x.start));
    const ends = spans.flatMap((m) => [...m.values()].map((x) => x.end));
    const makespanS = (Math.max(...ends) - Math.min(...starts)) / 1000;

    // Diagnostics: the run records' wall-clock span, FCFS replayed with the measured step durations, windows.
    const done = await Promise.all(ids.map((id) => runsRepo.get(id).then((r) => r!)));
    const first = Math.min(...done.map((r) => r.startedAt?.getTime() ?? Infinity));
    const last = Math.max(...done.map((r) => r.finishedAt?.getTime() ?? -Infinity));
    const recordS = ((last - first) / 1000) * CLOCK_SPEED;
    const measured: ModelRun[] = runs.map((r, i) =>
      modelRun(
        r.id,
        r.station!,
        plans[i],
        s.lab.inventory,
        new Map([...spans[i]].map(([k, v]) => [k, (v.end - v.start) / 1000])),
      ),
    );
    const replay = simulateFcfs(measured);
    const plannedWork = planned.flatMap((r) => r.steps).reduce((a, x) => a + x.durationS, 0);
    const measuredWork = measured.flatMap((r) => r.steps).reduce((a, x) => a + x.durationS, 0);
    const excess = new Map<string, number>();
    planned.forEach((r, i) =>
      r.steps.forEach((st, k) =>
        excess.set(st.key, (excess.get(st.key) ?? 0) + (measured[i].steps[k].durationS - st.durationS) / n),
      ),
    );
    const worst = [...excess]
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, 4)
      .map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${(v / 60).toFixed(1)} min`)
      .join(', ');
    const samples = new SamplesRepository(services.db);
    let invalidated = 0;
    for (const id of ids)
      for (const sid of await runsRepo.sampleIds(id))
        if ((await samples.get(sid))?.status === 'invalidated') invalidated++;
    const fmt = (w: Readonly<Record<string, number>>) =>
      Object.entries(w)
        .map(([k, v]) => `${k} ${hours(v)} h`)
        .join(', ');
    progress(
      `scheduling: ${n} runs in ${wallS.toFixed(0)} s real at ×${CLOCK_SPEED}; graftlab makespan ${hours(makespanS)} lab h (run records: ${hours(recordS)} h); FCFS ${hours(fcfs.makespanS)} h; lower bound ${hours(bound.boundS)} h (${bound.busiest})`,
    );
    progress(
      `scheduling: work by role: ${fmt(bound.workS)}; held while the sample is in it: ${fmt(bound.heldS)}`,
    );
    progress(
      `scheduling: whole runs ÷ ${s.lab.inventory.stations.length} stations ${hours(bound.stationHeldS)} h; step time measured/planned ${(measuredWork / plannedWork).toFixed(3)} (mean per run: ${worst}); FCFS with measured step durations ${hours(replay.makespanS)} h; ${invalidated} sample(s) invalidated`,
    );
    return [
      row(
        `6. makespan, ${n} GMA runs, vs lower bound (busiest instrument's planned work)`,
        'lab h',
        makespanS / H,
        bound.boundS / H,
      ),
      row(
        `6. makespan, ${n} GMA runs, vs FCFS with planned durations`,
        'lab h',
        makespanS / H,
        fcfs.makespanS / H,
      ),
      row(
        `6. makespan, ${n} GMA runs, vs FCFS with the measured step durations`,
        'lab h',
        makespanS / H,
        replay.makespanS / H,
      ),
    ];
  } finally {
    await s.stop();
    await services.stop();
  }
}
