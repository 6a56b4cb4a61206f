import { DeviceError, type CellGeometry } from '@graftlab/devices';
import { OperatorNeededError } from '../engine.errors';
import { journaled } from '../journaled';
import { materialFacts } from '../materials';
import type { RunContext, SampleState } from '../run-context';
import { ensureAt } from '../sample-moves';

/** One measurement of one film on a driven instrument: for a titrate or impedance step, or a soak's visit. */
export interface InstrumentVisit {
  /** Journal key of the measurement; the film's moves are journaled under it, per attempt. */
  readonly key: string;
  /** The step (or soak visit) the measurement is filed under: unique per visit, so replays write it once. */
  readonly stepKey: string;
  readonly sample: SampleState;
  /** Where the film goes back to once measured (it never stays in a shared instrument's cell). */
  readonly returnTo: string;
  /** Record name the outputs read (IEC, sigma, ...), if any. */
  readonly record?: string;
  readonly timeOnTestH?: number;
  readonly conditions?: Record<string, string | number | boolean>;
}

/** A value with its standard uncertainty, as recorded. */
export interface Measured {
  readonly value: number;
  readonly uncertainty: number;
}

/** The measuring cell of an instrument (its inventory location of kind measurement). */
export function cellOf(ctx: RunContext, deviceId: string): string {
  const cell = ctx.inventory.locations.find((l) => l.kind === 'measurement' && l.device === deviceId);
  if (!cell) throw new Error(`${deviceId} has no measurement cell in the inventory`);
  return cell.id;
}

function instrumentName(ctx: RunContext, deviceId: string): string {
  const d = ctx.inventory.devices.find((x) => x.id === deviceId);
  return d?.title ? `${deviceId}: ${d.title}` : deviceId;
}

/** The moves of one attempt have keys of their own: a redone measurement moves the film afresh. */
const attemptKey = (key: string, commandId: string) => `${key}/${commandId.slice(4, 12)}`;

/** Files the value as a measurement (idempotent by run, visit, sample and property), and for the outputs. */
async function file(
  ctx: RunContext,
  visit: InstrumentVisit,
  entry: { property: string; unit: string; method: string; deviceId: string; at?: number } & Measured,
): Promise<void> {
  await ctx.mi.measurements.record({
    runId: ctx.runId,
    stepKey: visit.stepKey,
    sampleId: visit.sample.id,
    property: entry.property,
    value: entry.value,
    unit: entry.unit,
    uncertainty: entry.uncertainty,
    method: entry.method,
    instrument: instrumentName(ctx, entry.deviceId),
    operator: entry.deviceId,
    timeOnTestH: visit.timeOnTestH ?? null,
    conditions: visit.conditions ?? null,
    measuredAt: entry.at !== undefined ? new Date(entry.at) : null,
  });
  await ctx.readings.append({
    deviceId: entry.deviceId,
    runId: ctx.runId,
    stepKey: visit.stepKey,
    sampleId: visit.sample.id,
    name: visit.record ?? entry.property,
    value: entry.value,
    unit: entry.unit,
  });
  if (visit.record) {
    const recorded = ctx.recorded.get(visit.sample.id) ?? {};
    recorded[visit.record] = {
      value: entry.value,
      uncertainty: entry.uncertainty,
      replicates: [entry.value],
    };
    ctx.recorded.set(visit.sample.id, recorded);
  }
}

/** Relative standard uncertainty of the titrant's concentration (standardised against KHP) [A]. */
const TITRANT_REL_U = 0.002;
/** Endpoint reproducibility of the burette, mL (the instrument's specification) [A]. */
const ENDPOINT_U_ML = 0.01;
/** Repeatability of the exchange itself, mmol/g (the lab's method validation; §2.6 property noise). */
const EXCHANGE_U_MMOL_PER_G = 0.05;
/** Below this equivalence volume the titrator finds no inflection, mL: the detection limit. */
const MIN_ENDPOINT_ML = 0.1;

/**
 * IEC on the titrator (issue #14): the film into the titrator's cell, exchange and titration by the stored
 * method, IEC = c·V/m on the dry mass the protocol weighed, back out. GUM: titrant concentration, endpoint volume,
 * mass and the exchange's repeatability, in quadrature. No endpoint ("NV") means an IEC below the detection limit:
 * recorded as 0 with that limit as its uncertainty, not as a fault.
 */
export async function measureIec(
  ctx: RunContext,
  visit: InstrumentVisit,
  titratorId: string,
  method: string,
  mass: Measured,
): Promise<Measured> {
  const device = ctx.inventory.devices.find((d) => d.id === titratorId);
  const titrant = device?.reagent ?? 'NaOH';
  const molPerL = device?.limits.titrantMolPerL ?? 0.01;
  const cell = cellOf(ctx, titratorId);
  const out = await journaled(
    ctx,
    visit.key,
    {
      deviceId: titratorId,
      sampleId: visit.sample.id,
      settlement: 'retry-safe',
      request: { method, sampleMassG: mass.value, titrant, titrantMolPerL: molPerL, cell },
    },
    async (commandId) => {
      const titrator = await ctx.devices.use(titratorId, 'titrator', ctx.commandTimeoutMs);
      try {
        const moves = attemptKey(visit.key, commandId);
        await ensureAt(ctx, visit.sample, cell, moves);
        let result: { iec: number; equivalenceMl: number; at: number; belowDetection: boolean };
        try {
          const r = await titrator.titrateIec(
            { commandId, methodId: method, sampleMassG: mass.value, titrant, titrantMolPerL: molPerL },
            { signal: ctx.signal, timeoutMs: ctx.commandTimeoutMs },
          );
          result = { iec: r.iecMmolPerG, equivalenceMl: r.equivalenceMl, at: r.at, belowDetection: false };
        } catch (e) {
          if (!(e instanceof DeviceError && e.kind === 'device' && e.code === 'NV')) throw e;
          result = { iec: 0, equivalenceMl: 0, at: ctx.clock.now(), belowDetection: true };
        }
        await ensureAt(ctx, visit.sample, visit.returnTo, moves);
        return result;
      } finally {
        await ctx.devices.releaseShared(titratorId);
      }
    },
  );
  const iec = Number(out.iec);
  const m = mass.value;
  const uncertainty = out.belowDetection
    ? (molPerL * MIN_ENDPOINT_ML) / m
    : Math.hypot(
        iec * TITRANT_REL_U,
        (molPerL * ENDPOINT_U_ML) / m,
        iec * (mass.uncertainty / m),
        EXCHANGE_U_MMOL_PER_G,
      );
  await file(ctx, visit, {
    property: 'ion_exchange_capacity',
    unit: 'mmol/g',
    value: iec,
    uncertainty,
    method: `${method}: ion exchange, then titration with ${molPerL} M ${titrant} to the equivalence point${out.belowDetection ? ' (no endpoint: below the detection limit)' : ''}`,
    deviceId: titratorId,
    at: Number(out.at),
  });
  return { value: iec, uncertainty };
}

/** Thickness by micrometer, probe spacing and strip width by the cell's drawing: standard uncertainties [A]. */
const THICKNESS_U_UM = 1;
const SPACING_U_CM = 0.005;
const WIDTH_U_CM = 0.01;
/** The intercept's own uncertainty: a fitted arc, an extrapolation, or the nearest point. */
const FIT_REL_U = { arc: 0.02, extrapolated: 0.04, nearest: 0.08 } as const;

/**
 * Conductivity in the impedance cell (issue #14): the film into the cell, one sweep, σ from the high-frequency
 * intercept and the cell's geometry (in-plane: probe spacing, strip width and film thickness; through-plane:
 * thickness and electrode area), back out. GUM: the geometry's and the fit's relative uncertainties in quadrature.
 */
export async function measureConductivity(
  ctx: RunContext,
  visit: InstrumentVisit,
  analyserId: string,
  mode: 'in-plane' | 'through-plane',
): Promise<Measured> {
  const device = ctx.inventory.devices.find((d) => d.id === analyserId);
  const limits = device?.limits ?? {};
  const thicknessUm = materialFacts(ctx).thicknessUm;
  const geometry: CellGeometry =
    mode === 'in-plane'
      ? {
          mode,
          probeSpacingCm: limits.probeSpacingCm ?? 0.425,
          widthCm: limits.sampleWidthCm ?? 1,
          thicknessUm,
        }
      : { mode, thicknessUm, areaCm2: limits.electrodeAreaCm2 ?? 1 };
  const cell = cellOf(ctx, analyserId);
  const temperatureC = ctx.inventory.locations.find((l) => l.id === cell)?.temperatureC;
  const out = await journaled(
    ctx,
    visit.key,
    {
      deviceId: analyserId,
      sampleId: visit.sample.id,
      settlement: 'retry-safe',
      request: { geometry, cell, ...(temperatureC !== undefined ? { temperatureC } : {}) },
    },
    async (commandId) => {
      const analyser = await ctx.devices.use(analyserId, 'impedance-analyser', ctx.commandTimeoutMs);
      try {
        const moves = attemptKey(visit.key, commandId);
        await ensureAt(ctx, visit.sample, cell, moves);
        let result: { msPerCm: number; resistanceOhm: number; fit: string; at: number };
        try {
          const r = await analyser.measureConductivity(
            { commandId, geometry, ...(temperatureC !== undefined ? { temperatureC } : {}) },
            { signal: ctx.signal, timeoutMs: ctx.commandTimeoutMs },
          );
          result = { msPerCm: r.conductivityMsPerCm, resistanceOhm: r.resistanceOhm, fit: r.fit, at: r.at };
        } catch (e) {
          // The robot confirmed the film in the cell: no resistive intercept means an insulating film.
          if (!(e instanceof DeviceError && e.kind === 'device' && e.code === 'open-circuit')) throw e;
          result = { msPerCm: 0, resistanceOhm: Infinity, fit: 'open', at: ctx.clock.now() };
        }
        await ensureAt(ctx, visit.sample, visit.returnTo, moves);
        return {
          ...result,
          resistanceOhm: Number.isFinite(result.resistanceOhm) ? result.resistanceOhm : null,
        };
      } finally {
        await ctx.devices.releaseShared(analyserId);
      }
    },
  );
  const sigma = Number(out.msPerCm);
  if (out.fit === 'open') {
    // Below the detection limit: σ recorded as 0 with the smallest σ the cell resolves as its uncertainty.
    const openOhm = limits.openCircuitOhm ?? 1e8;
    const dCm = thicknessUm * 1e-4;
    const minMsPerCm =
      1000 *
      (geometry.mode === 'in-plane'
        ? geometry.probeSpacingCm / (openOhm * geometry.widthCm * dCm)
        : dCm / (openOhm * geometry.areaCm2));
    await file(ctx, visit, {
      property: 'conductivity',
      unit: 'mS/cm',
      value: 0,
      uncertainty: minMsPerCm,
      method: `${mode} EIS: no resistive intercept (an insulating film), below the detection limit`,
      deviceId: analyserId,
      at: Number(out.at),
    });
    return { value: 0, uncertainty: minMsPerCm };
  }
  const rel = Math.hypot(
    THICKNESS_U_UM / thicknessUm,
    FIT_REL_U[out.fit as keyof typeof FIT_REL_U] ?? FIT_REL_U.nearest,
    ...(geometry.mode === 'in-plane'
      ? [SPACING_U_CM / geometry.probeSpacingCm, WIDTH_U_CM / geometry.widthCm]
      : []),
  );
  await file(ctx, visit, {
    property: 'conductivity',
    unit: 'mS/cm',
    value: sigma,
    uncertainty: sigma * rel,
    method: `${mode} EIS, high-frequency intercept (${String(out.fit)} fit), R = ${Number(out.resistanceOhm).toPrecision(4)} Ω${temperatureC !== undefined ? `, ${temperatureC} °C` : ''}`,
    deviceId: analyserId,
    at: Number(out.at),
  });
  return { value: sigma, uncertainty: sigma * rel };
}

/** The dry mass an IEC is per, as a weigh step of this run recorded it. */
export function recordedMass(ctx: RunContext, sample: SampleState, name: string, stepKey: string): Measured {
  const m = ctx.recorded.get(sample.id)?.[name];
  if (!m || !(m.value > 0))
    throw new OperatorNeededError(
      `${stepKey}: sample ${sample.id} has no recorded dry mass ${name} to compute its IEC from; weigh it first`,
    );
  return { value: m.value, uncertainty: m.uncertainty };
}
