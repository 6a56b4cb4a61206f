import type { Command } from 'commander';
import { hoursOf } from '@graftlab/db';
import { ApiClient, ApiError } from '../api-client';
import { EXIT, processOutput, type CliOutput } from '../cli-output';
import { parseParams, reportFailure } from './run.command';

export interface MeasureAddOptions {
  readonly property: string;
  readonly value?: string;
  readonly unit: string;
  readonly uncertainty?: string;
  readonly coverageFactor?: string;
  readonly replicate: string[];
  readonly resolution?: string;
  readonly timeOnTest?: string;
  readonly conditions: string[];
  readonly method?: string;
  readonly instrument?: string;
  readonly measuredAt?: string;
  readonly operator?: string;
  readonly json: boolean;
}

interface MeasurementView {
  id: string;
  property: string;
  value: number;
  unit: string;
  uncertainty: number | null;
  uncertaintyBasis: string;
  originalValue: number;
  originalUnit: string;
  timeOnTestH: number | null;
}

/** A number option, or the usage message naming it. */
function numberOption(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag} "${text}" is not a number`);
  return v;
}

class UsageError extends Error {}

/** Hours on test: a bare number is hours; "500 h", "3 d" and "90 min" are converted. */
function timeOnTestHours(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const bare = Number(text);
  const hours = text.trim() !== '' && Number.isFinite(bare) ? bare : hoursOf(text);
  if (hours === undefined)
    throw new UsageError(`--time-on-test "${text}" is not a duration (500, 500 h, 3 d)`);
  return hours;
}

/** The significant digits of an uncertainty (two) and of its value to match. */
function formatMeasurement(m: MeasurementView): string {
  const digits = m.uncertainty ? Math.max(0, 1 - Math.floor(Math.log10(m.uncertainty))) : 6;
  const fixed = (x: number) => x.toFixed(Math.min(digits, 12));
  const u = m.uncertainty === null ? '' : ` ± ${fixed(m.uncertainty)}`;
  const t = m.timeOnTestH === null ? '' : ` at ${m.timeOnTestH} h on test`;
  const entered = m.originalUnit === m.unit ? '' : ` (entered ${m.originalValue} ${m.originalUnit})`;
  return `${m.property} = ${fixed(m.value)}${u} ${m.unit}${t}${entered}; u from ${m.uncertaintyBasis}; ${m.id}`;
}

/**
 * `graftlab measure add <sample>`: records a measured value through the API (POST /api/samples/:id/measurements),
 * which converts the unit, settles the uncertainty and audits the entry. Exit 0 recorded, 1 refused (each problem
 * with its pointer) or unknown sample, 2 wrong usage, 3 API unreachable.
 */
export async function runMeasureAdd(
  sampleId: string,
  options: MeasureAddOptions,
  out: CliOutput = processOutput,
  api = new ApiClient(),
): Promise<number> {
  let body: Record<string, unknown>;
  try {
    const replicates = options.replicate.map((r) => numberOption('--replicate', r)!);
    body = {
      property: options.property,
      unit: options.unit,
      value: numberOption('--value', options.value),
      uncertainty: numberOption('--uncertainty', options.uncertainty),
      coverageFactor: numberOption('--coverage-factor', options.coverageFactor),
      replicates: replicates.length ? replicates : undefined,
      resolution: numberOption('--resolution', options.resolution),
      timeOnTestH: timeOnTestHours(options.timeOnTest),
      conditions: options.conditions.length ? parseParams(options.conditions, '--conditions') : undefined,
      method: options.method,
      instrument: options.instrument,
      measuredAt: options.measuredAt,
      operator: options.operator,
    };
  } catch (e) {
    out.err(`graftlab measure add: ${(e as Error).message}`);
    return EXIT.usage;
  }
  try {
    const m = await api.post<MeasurementView>(
      `/api/samples/${encodeURIComponent(sampleId)}/measurements`,
      body,
    );
    out.out(options.json ? JSON.stringify(m) : `${sampleId}: ${formatMeasurement(m)}`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      out.err(`graftlab measure add: sample ${sampleId} not found`);
      return EXIT.invalid;
    }
    return reportFailure(e, out);
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerMeasureCommand(program: Command): void {
  const measure = program.command('measure').description('measurements of samples in the MI database');
  measure
    .command('add')
    .description(
      "record a measured value of a sample (converted to the property's unit, uncertainty stated or derived, audited)",
    )
    .argument('<sample>', 'sample id')
    .requiredOption(
      '--property <name>',
      'ion_exchange_capacity, conductivity, conductivity_retained, water_uptake, ...',
    )
    .option('--value <number>', 'the value (optional with --replicate: their mean)')
    .requiredOption('--unit <unit>', "any unit of the property's dimension (S/cm, meq/g, %, ...)")
    .option('--uncertainty <number>', 'standard uncertainty (k = 1) in --unit')
    .option('--coverage-factor <k>', 'k when --uncertainty is an expanded uncertainty')
    .option(
      '--replicate <number>',
      'a replicate value (repeatable; the uncertainty is then s/√n)',
      collect,
      [],
    )
    .option('--resolution <number>', 'instrument resolution in --unit (uncertainty r/√12)')
    .option('--time-on-test <duration>', 'hours on test for a time series (500, 500 h, 3 d)')
    .option(
      '--conditions <name=value>',
      'a test condition (repeatable): medium="1 M KOH", temperatureC=80',
      collect,
      [],
    )
    .option('--method <text>', 'how it was measured')
    .option('--instrument <text>', 'with what')
    .option('--measured-at <date-time>', 'when (ISO 8601)')
    .option('--operator <name>', 'who or which device measured (default: the token holder)')
    .option('--json', 'print the recorded measurement as JSON', false)
    .action(async (sample: string, opts: MeasureAddOptions) => {
      process.exitCode = await runMeasureAdd(sample, opts);
    });
}
