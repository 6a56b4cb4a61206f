/**
 * `npm run bench [-- --quick] [--json <file>] [--update-readme] [--save-baseline] [--only 1,3]`: every benchmark
 * of issues #9 and #15 in one run (`npm run bench:mi`: the MI ones, 9–11), each figure next to its floor measured
 * in the same run, as one table; ratios that worsened ≥ 2× against bench/baseline.json are flagged. --update-readme (full runs) rewrites the README's
 * performance section and the baseline; --save-baseline writes only the baseline.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { closedLoopBench } from './lib/closed-loop-rows';
import { engineOverheadBench } from './engine-overhead.bench';
import { exposureAccuracyBench } from './exposure-accuracy.bench';
import { miParetoBench } from './mi-pareto.bench';
import { miRankingBench } from './mi-ranking.bench';
import { miWarmStartBench } from './mi-warm-start.bench';
import {
  formatTable,
  jsonRows,
  parseArgs,
  readmeBody,
  regressions,
  rewriteReadmeSection,
} from './lib/harness';
import type { BenchOptions } from './lib/options';
import { progress, type BenchRow } from './lib/stats';
import { roundTripsBench } from './round-trips.bench';
import { schedulingBench } from './scheduling.bench';
import { submitLatencyBench } from './submit-latency.bench';
import { telemetryBench } from './telemetry.bench';
import { throughputBench } from './throughput.bench';

interface Benchmark {
  readonly id: string;
  readonly name: string;
  readonly method: string;
  readonly run: (options: BenchOptions) => Promise<BenchRow[]>;
}

const BENCHMARKS: readonly Benchmark[] = [
  {
    id: '1',
    name: 'engine-overhead',
    method:
      '**1. Engine overhead per step**: whole stack, one station, a load prompt and 50 instantaneous pump steps (1 µL on the NE-1000 twin); time per step from the journal minus the same driver calls made without the engine. Floors: BullMQ add → processor entered p50 and the raw `net` NE-1000 round trip p50.',
    run: engineOverheadBench,
  },
  {
    id: '2',
    name: 'submit-latency',
    method:
      "**2. Submit → first device command**: `POST /api/runs` of a one-step heat run to the first command bytes received by the circulator twin (timestamped in the twin, same process clock), one run at a time, each after the circulator stood idle for its 250 ms OUT gap (the JULABO wire rule, which would otherwise time the previous run's last commands), p50/p99 over 200 runs. Floor: BullMQ add → processor entered.",
    run: submitLatencyBench,
  },
  {
    id: '3',
    name: 'round-trips',
    method:
      "**3. Command round trips**: NE-1000 `VER` through graftlab's driver vs raw `net` (TCP) and raw `serialport` (socat pty); MQTT 5 command → accept through a private mosquitto with `set_tcp_nodelay true` (bench/mqtt-roundtrip.bench.ts) vs raw mqtt.js with TCP_NODELAY and with its defaults. Issue #4 asks for graftlab's MQTT p50 < 2 ms.",
    run: roundTripsBench,
  },
  {
    id: '4',
    name: 'exposure-accuracy',
    method:
      "**4. Exposure accuracy**: 100 exposures of 1–60 s at clock speed 1 on SC10 twins, device-timed (graftlab: the controller's timer, read back) and host-timed (open, setTimeout, close); |delivered − requested| and as dose error %. Floor: bare setTimeout overshoot for the same durations. In the twin the controller timer is modelled (fixed 1.2 ms blade transit), so device-timed shows what the driver preserves, not hardware jitter.",
    run: exposureAccuracyBench,
  },
  {
    id: '5',
    name: 'throughput',
    method:
      '**5. Throughput and memory**: 20 generated stations (one pump twin each), two workers, 1,000 runs of 10 instantaneous steps; steps/s (floor: BullMQ no-op processing, concurrency 50) and CPU per step over every process (floor: CPU per no-op job); then 10,000 runs queued: POST latency and API memory, last vs first tenth ("flat" ≈ 1×). Peak memory per process is in the log below the table.',
    run: throughputBench,
  },
  {
    id: '6',
    name: 'scheduling',
    method:
      "**6. Scheduling quality**: 24 runs (6 with `--quick`) of `protocols/pe-gma-emulsion.json` (parameters varied a little; ~10 lab-hours each, ~2.7 h of it in the irradiator) on the default virtual lab (four reactor stations, one irradiator, one balance, one robot), whole stack, virtual clock ×1,000 (faster clocks turn the stack's real-time costs into lab hours); makespan in lab hours from the journal's lab-clock stamps. Floors: the lower bound (the busiest instrument's planned work from the compiled plans; the reactors' work ÷ 4) and a first-come-first-served simulation (each run on its assigned station; the irradiator, balance and robot taken FCFS as whole blocks, never interleaved; exact rules in `bench/scheduling.bench.ts`) with the planned step durations and with the step durations the journal measured.",
    run: schedulingBench,
  },
  {
    id: '7',
    name: 'telemetry',
    method:
      '**7. Telemetry**: an instrument publishes telemetry on the broker (`graftlab/<lab>/<device>/telemetry/<name>`, QoS 0) at 100 … 20,000 msg/s; one SSE client of `/api/events` receives it through the API; the highest rate with every message delivered and p99 < 100 ms (capped by the highest rate tried). Floor: a raw mqtt.js subscriber on the topic.',
    run: telemetryBench,
  },
  {
    id: '8',
    name: 'closed-loop',
    method:
      '**8. Closed loop**: bench/closed-loop.bench.ts (issue #7): experiments to reach the top 1 % with the Bayesian optimizer vs random search and a space-filling design (ratio = 1 ÷ acceleration factor).',
    run: closedLoopBench,
  },
  {
    id: '9',
    name: 'mi-ranking',
    method:
      "**9. MI ranking** (bench/mi-ranking.bench.ts, issue #15): per seed a ground truth (`groundTruth(seed)`, hidden per-system effects) and two held-out monomers (a different pair of the eight that graft per seed, with any co-monomer containing one); a database of 500 films spread over every other system grafting > 20 %, at uniform conditions, observed with the virtual lab's noise (DG, IEC, water uptake, σ at 80 °C, σ retained after 500 h in 1 M KOH where the film carries a mobile ion; each with its uncertainty, conditions, catalogue descriptors and source). `MiModel` with descriptors (leave-systems-out calibration) and with one-hot system ids (one likelihood start, 200-record subsets, 200 inducing points). On the held-out systems at 20 uniform conditions each, against the noise-free truth: coverage of the 90 % intervals (pooled over properties; target 80–95 %) and the pooled error (RMSE in model scale ÷ training sd), descriptors ÷ one-hot (target < 1). `rankForTargets` over all 100 catalogue polymer × monomer systems (one ranking per medium, merged by probability) for two specs met by a minority of systems in the truth (a 6-level grid of each system's conditions): durable (IEC ≥ 2 mmol/g, σ ≥ 20 mS/cm, retained ≥ 0.8) and conductive with limited swelling (σ ≥ 100 mS/cm, water uptake ≤ 80 %); top-10 recall vs a random ranking's 10 ÷ 100 (ratio = random ÷ model; issue: model ÷ random ≥ 2). Medians over 20 seeds (3 with `--quick`) of per-seed figures.",
    run: miRankingBench,
  },
  {
    id: '10',
    name: 'mi-warm-start',
    method:
      "**10. MI warm start** (bench/mi-warm-start.bench.ts): per seed a ground truth and a target system (random among those that can graft 150 %); the database of 500 films over every other system (leave one system out), its DG fitted by `MiModel`. Objective as in 8 (DG 100 % with the least dose, score = −|DG − 100| − 0.1·dose) on a 6-level grid of the system's conditions (1,296 settings); experiments until the first film in the top 1 % of the grid's noise-free scores, right-censored at 40. Sequential campaigns, same acquisition for every arm (closed-form EI of the score over the best posterior-mean score, × a kernel vote of failed films as in the built-in optimizer), only the model differing: cold = a GP on the campaign's own films after 5 random settings; warm = `TransferModel` on the database's GP from the first experiment; shuffled = warm with the database's DG values dealt out at random. 3 runs per arm and seed, 20 seeds (3 × 1 with `--quick`); ratios per seed, then medians (issue: warm ≤ 0.7 × cold; shuffled ≤ 1.10 × cold).",
    run: miWarmStartBench,
  },
  {
    id: '11',
    name: 'mi-pareto',
    method:
      "**11. MI Pareto** (bench/mi-pareto.bench.ts): per seed a ground truth and a membrane system (random among those reaching 30 mS/cm where a fifth to four fifths of the working films meet the constraint); maximize σ at 80 °C, minimize water uptake, minimize dose, with water uptake ≤ 80 %. Every arm asks the product's `suggest()` (as `graftlab suggest` and campaigns do) on a space of the four conditions (dose, time and concentration on a log scale): 10 films from the random strategy (shared by the arms of a run), then 6 batches of 5 from the bayesian strategy (qNEHVI with `pareto: true`, the constrained weighted sum without) or the random strategy. Figure: hypervolume of the noise-free truths of the measured settings that work and meet the constraint, against the least a membrane campaign accepts (30 mS/cm, the usefulness threshold that also selects the system; 80 %, the constraint; 100 kGy, the top of the dose range), which the qNEHVI campaign states to the optimizer as objective thresholds, as a share of the 5-level grid's (625 settings); the same runs also against the earlier reference (0 mS/cm, 80 %, 100 kGy); an oracle per reference (the design, then the grid settings adding the most true hypervolume) bounds what any method can show; ratios floor ÷ qNEHVI (issue: qNEHVI ÷ random ≥ 1.5, ÷ weighted sum ≥ 1); and the share of proposals after experiment 10 whose true uptake exceeds 80 % (target ≤ 20 %). 2 runs per acquisition and 10 random per seed, 20 seeds (3 with `--quick`).",
    run: miParetoBench,
  },
];

/** Benchmarks of issue #9 not implemented yet; listed in the output so their absence is visible. */
const MISSING: readonly string[] = [];

function machine() {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown CPU',
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const root = join(__dirname, '..');
  const baselinePath = join(__dirname, 'baseline.json');
  const baseline = existsSync(baselinePath)
    ? (JSON.parse(readFileSync(baselinePath, 'utf8')) as BenchRow[])
    : [];
  const selected = BENCHMARKS.filter(
    (b) => !args.only || args.only.includes(b.id) || args.only.includes(b.name),
  );
  const started = performance.now();
  const rows: BenchRow[] = [];
  const failures: string[] = [];
  for (const b of selected) {
    const t0 = performance.now();
    progress(`${b.id}. ${b.name} …`);
    try {
      rows.push(...(await b.run({ quick: args.quick })));
    } catch (e) {
      failures.push(`${b.id}. ${b.name}: ${(e as Error).message}`);
      progress(`${b.id}. ${b.name} FAILED: ${(e as Error).stack ?? String(e)}`);
    }
    progress(`${b.id}. ${b.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const seconds = (performance.now() - started) / 1000;
  const m = machine();
  process.stdout.write(
    `\ngraftlab benchmarks (${args.quick ? 'quick' : 'full'}), ${m.cores} cores, ${m.cpu}, Node ${m.node}, ${m.date}, ${seconds.toFixed(0)} s\n\n`,
  );
  process.stdout.write(formatTable(rows, baseline) + '\n');
  const regressed = regressions(rows, baseline);
  if (regressed.size)
    process.stdout.write(`\n${regressed.size} figure(s) regressed ≥ 2× against bench/baseline.json\n`);
  for (const line of [...MISSING, ...failures]) process.stdout.write(`\n- ${line}`);
  process.stdout.write('\n');
  if (args.json) writeFileSync(args.json, jsonRows(rows));
  if (args.updateReadme || args.saveBaseline) {
    if (failures.length) {
      process.stderr.write('not updating the README or the baseline: some benchmarks failed\n');
      return 1;
    }
    writeFileSync(baselinePath, jsonRows(rows));
  }
  if (args.updateReadme) {
    const readmePath = join(root, 'README.md');
    const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
    const methods = [...selected.map((b) => b.method), ...MISSING];
    const text = rewriteReadmeSection(
      readme,
      readmeBody(rows, baseline, m, { quick: args.quick, seconds }, methods),
    );
    // Formatted as `npm run lint` (prettier --check) expects, so a regenerated README passes it.
    const style = (await resolveConfig(readmePath)) ?? {};
    writeFileSync(readmePath, await format(text, { ...style, filepath: readmePath }));
    progress('README performance section and bench/baseline.json updated');
  }
  return failures.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
