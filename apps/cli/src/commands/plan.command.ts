import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '@graftlab/config';
import {
  compileProtocol,
  loadProtocolFile,
  type ExecutionPlan,
  type PlannedStep,
  type ResolvedArg,
  type ResolvedQuantity,
} from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import { EXIT, processOutput, type CliOutput } from '../cli-output';
import { loadInventoryOrReport, problemLine } from './validate.command';

export interface PlanOptions {
  readonly params?: readonly string[];
  readonly inventory?: string;
  readonly json?: boolean;
  /** Plan date YYYY-MM-DD (decay correction); today when omitted. */
  readonly date?: string;
}

function hms(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

const isQuantity = (a: ResolvedArg): a is ResolvedQuantity =>
  typeof a === 'object' && a !== null && 'si' in a && typeof a.si === 'number';
const show = (qv: { value: number; unit: string }) =>
  `${Number(qv.value.toPrecision(4))}${qv.unit ? ' ' + qv.unit : ''}`;

function showArgs(args: Readonly<Record<string, ResolvedArg>>): string {
  return Object.entries(args)
    .map(([k, v]) => {
      if (isQuantity(v)) return `${k}=${show(v)}`;
      if (typeof v === 'object') return `${k}={${showArgs(v as Record<string, ResolvedArg>)}}`;
      return `${k}=${String(v)}`;
    })
    .join(' ');
}

function timelineLines(steps: readonly PlannedStep[], depth = 0): string[] {
  return steps.flatMap((s) => {
    const extra = s.dose
      ? ` → ${show(s.dose)} at ${show(s.doseRate!)} (exposure ${hms(s.exposureS ?? 0)})`
      : '';
    const line =
      `  ${hms(s.startOffsetS).padStart(9)}  ${hms(s.estimatedDurationS).padStart(9)}  ` +
      `${('  '.repeat(depth) + s.key).padEnd(22)} ${s.type.padEnd(15)} ${(s.role ?? '-').padEnd(22)} ${showArgs(s.args)}${extra}`;
    return [line, ...timelineLines(s.children ?? [], depth + 1)];
  });
}

/** The plan as a readable timeline. */
export function formatPlan(plan: ExecutionPlan): string[] {
  const env = plan.safety;
  const lines = [
    `${plan.protocol.id} ${plan.protocol.version}: ${plan.protocol.title} (${plan.protocol.method})`,
    `inventory ${plan.inventoryId}, plan date ${plan.planDate}, hash ${plan.hash}`,
    `parameters: ${
      Object.entries(plan.parameters)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ') || 'none'
    }`,
    '',
    `  ${'start'.padStart(9)}  ${'duration'.padStart(9)}  ${'step'.padEnd(22)} ${'type'.padEnd(15)} ${'device role'.padEnd(22)} values`,
    ...timelineLines(plan.steps),
    '',
    `total estimated duration ${hms(plan.totalDurationS)}`,
    `dose per sample ${show(plan.dosePerSample)}, per run ${show(plan.dosePerRun)} (${plan.sampleCount} sample${plan.sampleCount > 1 ? 's' : ''})` +
      (plan.requiresApproval ? ' — needs safety-officer approval' : ''),
  ];
  if (plan.timeWindows.length) {
    lines.push('time windows:');
    for (const w of plan.timeWindows) {
      const bounds = [
        w.minS !== undefined ? `≥ ${hms(w.minS)}` : '',
        w.maxS !== undefined ? `≤ ${hms(w.maxS)}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      const exempt =
        w.exemptIfStoredAtOrBelowK !== undefined
          ? `, unless stored ≤ ${(w.exemptIfStoredAtOrBelowK - 273.15).toFixed(0)} °C`
          : '';
      lines.push(
        `  ${w.from.step}.${w.from.event} → ${w.to.step}.${w.to.event} ${bounds}${exempt} (planned ${hms(w.plannedGapS)}; else ${w.onViolation})`,
      );
    }
  }
  lines.push(
    `consumables: ${
      plan.consumables
        .map(
          (c) =>
            `${c.reagent} ${[c.volume, c.mass]
              .filter((x) => x)
              .map((x) => show(x!))
              .join(' + ')}`,
        )
        .join(', ') || 'none'
    }`,
  );
  for (const c of plan.calibrations) {
    lines.push(
      `calibration ${c.device}/${c.position}: ${c.doseRateKGyPerH} kGy/h on ${c.calibratedAt} (${c.calibrationId}, ${c.nuclide}) → ${c.doseRateAtPlanKGyPerH.toFixed(3)} kGy/h on ${plan.planDate}`,
    );
  }
  lines.push(
    `safety: dose ≤ ${env.maxDosePerSampleGy / 1000} kGy/sample, ≤ ${env.maxDosePerRunGy / 1000} kGy/run; O₂ ≤ ${Number((env.o2MaxFraction * 1e6).toPrecision(4))} ppm; purge ≥ ${hms(env.minPurgeS)}; door closed` +
      (env.flashPointLimitK !== null
        ? `; heating ≤ ${(env.flashPointLimitK - 273.15).toFixed(1)} °C${env.inertAboveFlashPoint ? ' unless inerted' : ''}`
        : ''),
  );
  return lines;
}

function parseParams(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`expected --param name=value, found "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** Compiles one protocol and prints its plan; EXIT.invalid with one line per problem when refused. */
export async function planFile(file: string, opts: PlanOptions, out: CliOutput): Promise<number> {
  await Promise.resolve();
  let params: Record<string, string>;
  let now: Date | undefined;
  try {
    params = parseParams(opts.params ?? []);
    if (opts.date !== undefined) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date) || Number.isNaN(Date.parse(`${opts.date}T00:00:00Z`))) {
        throw new InvalidArgumentError(`expected --date YYYY-MM-DD, found "${opts.date}"`);
      }
      now = new Date(`${opts.date}T00:00:00Z`);
    }
  } catch (e) {
    out.err(`graftlab plan: ${(e as Error).message}`);
    return EXIT.usage;
  }
  const inventory = loadInventoryOrReport(opts.inventory ?? loadConfig().lab.inventoryPath, out);
  if (!inventory) return EXIT.invalid;
  let plan: ExecutionPlan;
  try {
    plan = compileProtocol(loadProtocolFile(file), params, inventory, now ? { now } : {});
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    for (const p of e.problems) out.err(problemLine(file, p));
    return EXIT.invalid;
  }
  if (opts.json) out.out(JSON.stringify(plan, null, 2));
  else formatPlan(plan).forEach((l) => out.out(l));
  return EXIT.ok;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'compile a protocol into an execution plan: timeline, doses, time windows, consumables, hash',
    )
    .argument('<file>', 'protocol JSON file')
    .option(
      '--param <name=value>',
      'parameter value (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--inventory <path>', 'lab inventory (default: LAB_INVENTORY or devices/virtual-lab.json)')
    .option('--date <YYYY-MM-DD>', 'plan date for source-decay correction (default: today, UTC)')
    .option('--json', 'print the plan as JSON (with its hash)')
    .action(
      async (file: string, opts: { param: string[]; inventory?: string; json?: boolean; date?: string }) => {
        process.exitCode = await planFile(
          file,
          { params: opts.param, inventory: opts.inventory, json: opts.json, date: opts.date },
          processOutput,
        );
      },
    );
}
