import type { JournalEntry } from '@graftlab/db';
import { visitTimesS, type PlannedStep } from '@graftlab/protocol';
import { journaled } from '../journaled';
import { KELVIN, requiredSi, stringArg } from '../quantities';
import type { RunContext, SampleState } from '../run-context';
import { validSamples } from '../run-context';
import { ensureAt } from '../sample-moves';
import { RunParked } from '../soak-parking';
import { measureConductivity, measureIec, recordedMass, type Measured } from './instrument-measurement';

const MS_PER_H = 3_600_000;
/** A visit due within this much real time is waited for in place rather than parked for. */
const WAIT_IN_PLACE_REAL_MS = 2000;

const hours = (ms: number) => Number((ms / MS_PER_H).toFixed(4));
const done = (row: JournalEntry | undefined) =>
  row?.state === 'confirmed' ||
  (row?.state === 'settled' && (row.readBack as { resolution?: string } | null)?.resolution === 'done');

/**
 * soak: a chemical durability test (issue #14), e.g. 500 h in 1 M KOH at 80 °C with conductivity and IEC measured
 * at 0, 100, 250 and 500 h. The films park in the inventory's soak bath and the start is journaled; each visit
 * takes each film out to the instruments and back (journaled like any measurement, filed with its time on test).
 * Between visits the run does not wait on its station: it parks (RunParked → state `soaking`), its job ends and the
 * station serves other runs; the worker enqueues it again for the next visit and the engine replays the journal
 * up to here, so every visit and every move happens exactly once (docs/soak.md).
 */
export async function soakStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const location = stringArg(step, 'location') ?? 'soak-bath-1';
  const medium = stringArg(step, 'medium') ?? '';
  const temperatureC = Number((requiredSi(step, 'temperature') - KELVIN).toFixed(2));
  const visits = visitTimesS(step.args).map((s) => s * 1000);
  const measures = Object.values((step.args.measure ?? {}) as Record<string, string>);
  const mode = stringArg(step, 'mode') === 'through-plane' ? 'through-plane' : 'in-plane';
  const massName = stringArg(step, 'mass');
  const samples = validSamples(ctx);

  // Parked once: after the start, a film is in the bath or at a visit's instrument, and the visit moves it.
  if (!done(ctx.journalRows.get(`${step.key}/start`)))
    for (const sample of samples) await ensureAt(ctx, sample, location, step.key);
  const { startLab } = await journaled(
    ctx,
    `${step.key}/start`,
    { settlement: 'retry-safe', request: { location, medium, temperatureC } },
    () => Promise.resolve({ startLab: ctx.clock.now() }),
  );
  const start = Number(startLab);
  const first = new Map<string, Measured>();

  for (const [i, offset] of visits.entries()) {
    const visitKey = `${step.key}/visit-${i + 1}`;
    const keyOf = (what: string, sample: SampleState) => `${visitKey}/${what}/${sample.id}`;
    const finished = samples.every((s) => measures.every((m) => done(ctx.journalRows.get(keyOf(m, s)))));
    const due = start + offset;
    const ahead = due - ctx.clock.now();
    if (!finished && ahead > 0) {
      if (ctx.clock.toRealMs(ahead) > WAIT_IN_PLACE_REAL_MS)
        throw new RunParked(
          due,
          `soaking in ${location} (${medium}, ${temperatureC} °C) until visit ${i + 1} of ${visits.length} at ${hours(offset)} h on test (${new Date(due).toISOString()})`,
        );
      await ctx.clock.sleep(ahead, ctx.signal);
    }
    for (const sample of samples) {
      // Time on test when the film was taken out: the journal's intent time on a replay, now otherwise.
      const takenOut = (key: string) =>
        (ctx.journalRows.get(key)?.request as { labStart?: number } | null)?.labStart ?? ctx.clock.now();
      const visit = (what: string) => ({
        key: keyOf(what, sample),
        stepKey: visitKey,
        sample,
        returnTo: location,
        timeOnTestH: hours(takenOut(keyOf(what, sample)) - start),
        conditions: { medium, temperatureC, visit: `${hours(offset)} h` },
      });
      if (measures.includes('conductivity')) {
        const analyserId = ctx.devices.deviceIdFor(ctx.station, 'impedance-analyser');
        if (!analyserId) throw new Error('no impedance analyser in the inventory');
        const v = visit('conductivity');
        const sigma = await withLease(ctx, analyserId, () => measureConductivity(ctx, v, analyserId, mode));
        if (i === 0) first.set(sample.id, sigma);
        const sigma0 = first.get(sample.id);
        if (sigma0 && sigma0.value > 0) await fileRetained(ctx, v, sigma, sigma0);
      }
      if (measures.includes('ion-exchange-capacity')) {
        const titratorId = ctx.devices.deviceIdFor(ctx.station, 'titrator');
        if (!titratorId) throw new Error('no titrator in the inventory');
        const mass = recordedMass(ctx, sample, massName ?? 'W_g', step.key);
        await withLease(ctx, titratorId, () =>
          measureIec(ctx, visit('ion-exchange-capacity'), titratorId, 'IEC-NAOH', mass),
        );
      }
    }
  }
}

/** A soak step holds no instrument; each visit leases the one it measures with, and gives it back. */
async function withLease<T>(ctx: RunContext, deviceId: string, work: () => Promise<T>): Promise<T> {
  const taken = await ctx.leases.acquire([deviceId], ctx.holder, ctx.runId, ctx.signal);
  try {
    return await work();
  } finally {
    await ctx.leases.release(taken, ctx.holder);
  }
}

/**
 * σ(t)/σ(0 h), the durability figure the export and the MI model read. The uncertainty combines both readings'
 * relative uncertainties; their shared geometry error in fact cancels, so this is conservative.
 */
async function fileRetained(
  ctx: RunContext,
  visit: {
    stepKey: string;
    sample: SampleState;
    timeOnTestH: number;
    conditions: Record<string, string | number>;
  },
  sigma: Measured,
  sigma0: Measured,
): Promise<void> {
  const r = sigma.value / sigma0.value;
  await ctx.mi.measurements.record({
    runId: ctx.runId,
    stepKey: visit.stepKey,
    sampleId: visit.sample.id,
    property: 'conductivity_retained',
    value: r,
    unit: '1',
    uncertainty: r * Math.hypot(sigma.uncertainty / sigma.value, sigma0.uncertainty / sigma0.value),
    method: 'σ(t)/σ(0 h) of the same film in the same cell',
    instrument: null,
    timeOnTestH: visit.timeOnTestH,
    conditions: visit.conditions,
  });
}
