import type { DeviceRole, InventoryDevice } from '@graftlab/inventory';
import type { Compilation } from './compilation.context';
import type { PlannedStep, ResolvedArg } from './plan.types';
import { siOf } from './resolved-arg.access';
import { flattenSteps } from './step.catalog';
import type { StepOf } from './steps.schema';

type Need = (role: DeviceRole, at?: string) => InventoryDevice | undefined;

/** Whitespace and case aside, two ways of writing one medium ("1 M KOH", "1 m koh"). */
export function sameMedium(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
}

/** The soak's visit times, s, in the order written (resolved quantities keyed by their index). */
export function visitTimesS(args: Readonly<Record<string, ResolvedArg>>): number[] {
  const visits = args.visits as Record<string, ResolvedArg> | undefined;
  if (!visits || typeof visits !== 'object') return [];
  return Object.keys(visits)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => siOf(visits, k) ?? NaN);
}

/** A measuring instrument needs its cell in the inventory: the film is put there to be measured. */
function requireCell(c: Compilation, device: InventoryDevice | undefined, pointer: string): void {
  if (!device) return;
  if (!c.inventory.locations.some((l) => l.kind === 'measurement' && l.device === device.id))
    c.problems.push({ pointer, message: `"${device.id}" has no measurement cell in the inventory` });
}

/** The IEC is per dry mass: a weigh step must record the mass the step names. */
function requireMassRecord(c: Compilation, mass: string | undefined, pointer: string): void {
  if (mass === undefined) {
    c.problems.push({ pointer, message: "an IEC needs the dry mass it is per: name a weigh step's record" });
    return;
  }
  const weighed = flattenSteps(c.protocol.steps).some(
    ({ step }) => step.type === 'weigh' && step.record === mass,
  );
  if (!weighed) c.problems.push({ pointer, message: `no weigh step records "${mass}"` });
}

/** The geometry the cell needs for σ: probe spacing and width in-plane, electrode area through-plane. */
function requireGeometry(c: Compilation, device: InventoryDevice | undefined, mode: string, pointer: string) {
  if (!device) return;
  const needs = mode === 'in-plane' ? ['probeSpacingCm', 'sampleWidthCm'] : ['electrodeAreaCm2'];
  const missing = needs.filter((k) => device.limits[k] === undefined);
  if (missing.length)
    c.problems.push({
      pointer,
      message: `"${device.id}" declares no ${missing.join(', ')} for ${mode === 'in-plane' ? 'an' : 'a'} ${mode} measurement`,
    });
}

/**
 * Plans the post-grafting steps (issue #14): functionalization in a fume-hood flask, IEC on the titrator,
 * conductivity in the impedance cell, and a soak in a bath of an ageing medium with its measurement visits.
 */
export function planCharacterization(
  c: Compilation,
  step: StepOf<'functionalize' | 'titrate' | 'impedance' | 'soak'>,
  pointer: string,
  args: Readonly<Record<string, ResolvedArg>>,
  need: Need,
): void {
  switch (step.type) {
    case 'functionalize': {
      const loc = c.location(step.vessel, `${pointer}/vessel`);
      if (loc && loc.kind !== 'fume-hood')
        c.problems.push({
          pointer: `${pointer}/vessel`,
          message: `"${loc.id}" is a ${loc.kind} location; functionalization is done in a fume-hood flask`,
        });
      return;
    }
    case 'titrate':
      requireCell(c, need('titrator'), pointer);
      requireMassRecord(c, step.mass, `${pointer}/mass`);
      return;
    case 'impedance': {
      const analyser = need('impedance-analyser');
      requireCell(c, analyser, pointer);
      requireGeometry(c, analyser, step.mode, `${pointer}/mode`);
      return;
    }
    case 'soak': {
      const loc = c.location(step.location, `${pointer}/location`);
      if (loc && loc.kind !== 'soak')
        c.problems.push({ pointer: `${pointer}/location`, message: `"${loc.id}" is not a soak bath` });
      if (loc?.kind === 'soak') {
        if (!loc.medium || !sameMedium(loc.medium, step.medium))
          c.problems.push({
            pointer: `${pointer}/medium`,
            message: `soak bath "${loc.id}" holds ${loc.medium ?? 'no declared medium'}, not ${step.medium}`,
          });
        const k = siOf(args, 'temperature');
        if (
          k !== undefined &&
          (loc.temperatureC === undefined || Math.abs(loc.temperatureC + 273.15 - k) > 0.5)
        )
          c.problems.push({
            pointer: `${pointer}/temperature`,
            message: `soak bath "${loc.id}" is kept at ${loc.temperatureC ?? 'ambient'} °C, not ${step.temperature}`,
          });
      }
      visitTimesS(args).forEach((t, i, all) => {
        if (i > 0 && !(t > all[i - 1]))
          c.problems.push({
            pointer: `${pointer}/visits/${i}`,
            message: 'each visit must come after the one before',
          });
      });
      if (new Set(step.measure).size !== step.measure.length)
        c.problems.push({ pointer: `${pointer}/measure`, message: 'name each property once' });
      if (step.measure.includes('conductivity')) {
        const analyser = need('impedance-analyser');
        requireCell(c, analyser, `${pointer}/measure`);
        requireGeometry(c, analyser, step.mode, `${pointer}/mode`);
      }
      if (step.measure.includes('ion-exchange-capacity')) {
        requireCell(c, need('titrator'), `${pointer}/measure`);
        requireMassRecord(c, step.mass, `${pointer}/mass`);
      }
      return;
    }
  }
}

/**
 * A soak parks the film for weeks and the run gives its station back meanwhile (docs/soak.md), so it must be a
 * top-level step and nothing after it may use the station's own devices or vessel: the station serves other runs.
 */
export function checkSoakPlacement(c: Compilation, steps: readonly PlannedStep[]): void {
  const first = steps.findIndex((s) => s.type === 'soak');
  steps.forEach((s) => {
    if ((s.children ?? []).some((child) => child.type === 'soak'))
      c.problems.push({ pointer: s.pointer, message: 'a soak cannot be part of a parallel block' });
  });
  if (first < 0) return;
  const ownDevices = new Set(c.inventory.stations.flatMap((st) => st.devices));
  for (const s of steps.slice(first + 1)) {
    if (s.station !== null || s.devices.some((d) => ownDevices.has(d)))
      c.problems.push({
        pointer: s.pointer,
        message: `"${s.key}" uses a reactor station after the soak "${steps[first].key}"; the station is given back during a soak`,
      });
  }
}
