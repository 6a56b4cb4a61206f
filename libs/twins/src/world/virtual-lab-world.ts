import type { LabClock } from '@graftlab/clock';
import { createRng, DEFAULT_NOISE, type NoiseModel, type Rng } from '@graftlab/grafting-model';
import {
  deviceForRole,
  stationOf,
  type Inventory,
  type InventoryLocation,
  type InventoryStation,
} from '@graftlab/inventory';
import { ageingTestOf } from './ageing-medium';
import { dryStep, graftStep, startContact } from './grafting-integration';
import { IrradiationLedger } from './irradiation-ledger';
import type {
  FunctionalizationTreatment,
  InstrumentCell,
  LabWorld,
  ReagentCharge,
  SampleSpec,
  WorldSample,
} from './lab-world';
import { loadPhysicalSample, type PhysicalSample } from './physical-sample';
import { combine, reactionCompleteness } from './post-grafting.chemistry';
import { addLiquid, drain, emptyVessel, relaxO2, type Vessel } from './reactor-vessel';
import { PROPERTY_TRUTH, type SampleTruth } from './sample-truth';
import { advanceBath, idleBath, type Bath } from './thermal-bath';
import { MS_PER_H, WORLD_CONSTANTS } from './world.constants';

/** A film's sealed ampoule of monomer solution (simultaneous grafting), by the film's id. */
const AMPOULE_PREFIX = 'ampoule:';
const ampouleOf = (sampleId: string) => `${AMPOULE_PREFIX}${sampleId}`;
/** Solution in an ampoule, mL, and the O₂ left after the operator's purge, ppm [A]. */
const AMPOULE_ML = 20;
const AMPOULE_O2_PPM = 20;

// Public from here since before the world was split into modules.
export { WORLD_CONSTANTS } from './world.constants';

/**
 * The physical world of the virtual lab (issue #4): samples with masses and locations, dose from the
 * decay-corrected dose rate while the source is exposed and the shutter open, radical decay in storage,
 * reagents, a first-order bath, an O₂ purge, and the grafting reaction of the domain reference §2.6,
 * integrated lazily on the lab clock. Random draws depend only on the seed and sample ids (deterministic).
 */
export class VirtualLabWorld implements LabWorld {
  readonly clock: LabClock;
  readonly rng: Rng;
  truth: SampleTruth;
  private readonly seed: number;
  private readonly noise: NoiseModel;
  private readonly samples = new Map<string, PhysicalSample>();
  private readonly locations: Map<string, InventoryLocation>;
  private readonly vessels = new Map<string, Vessel>();
  private readonly charges = new Map<string, ReagentCharge>();
  private readonly baths = new Map<string, Bath>();
  private readonly flows = new Map<string, number>();
  private readonly doors = new Map<string, boolean>();
  private readonly irradiation: IrradiationLedger;
  private last: number;

  constructor(
    readonly inventory: Inventory,
    options: {
      clock: LabClock;
      seed: number;
      /** Replicate scatter and handling failures (§2.6); default DEFAULT_NOISE. */
      noise?: NoiseModel;
      /** Lot radical-yield factor and dose scatter of each exposure (default true). */
      lotNoise?: boolean;
      /** Property physics for the characterisation twins (default PROPERTY_TRUTH). */
      truth?: SampleTruth;
    },
  ) {
    this.clock = options.clock;
    this.truth = options.truth ?? PROPERTY_TRUTH;
    this.seed = options.seed;
    this.noise = options.noise ?? DEFAULT_NOISE;
    this.rng = createRng(options.seed);
    this.locations = new Map(inventory.locations.map((l) => [l.id, l]));
    this.irradiation = new IrradiationLedger(inventory, this.locations, this.samples, {
      seed: options.seed,
      lotNoise: options.lotNoise ?? true,
    });
    for (const s of inventory.stations) this.vessels.set(s.vessel, emptyVessel());
    for (const d of inventory.devices) {
      if (d.role === 'temperature-controller') this.baths.set(d.id, idleBath());
      if (d.role === 'gas-controller') this.flows.set(d.id, 0);
      if (d.role === 'irradiator') this.doors.set(d.id, true);
    }
    this.last = this.clock.now();
  }

  // ---- samples and locations ----

  sample(id: string): WorldSample | undefined {
    this.advance();
    return this.samples.get(id);
  }

  /** Whether a location id is known to the inventory. */
  hasLocation(id: string): boolean {
    return this.locations.has(id);
  }

  loadSample(spec: SampleSpec): WorldSample {
    this.advance();
    if (this.samples.has(spec.id)) throw new Error(`sample ${spec.id} already exists`);
    this.requireLocation(spec.location);
    const s = loadPhysicalSample(spec, this.seed, this.noise, this.clock.now());
    this.samples.set(s.id, s);
    return s;
  }

  moveSample(id: string, to: string): void {
    this.advance();
    const s = this.samples.get(id);
    if (!s) throw new Error(`unknown sample ${id}`);
    const dest = this.requireLocation(to);
    const from = s.location;
    if (from === to) return;
    if (s.grafting && s.grafting.vessel === from) s.endContact();
    else if (s.ampoule && dest.kind === 'wash') this.openAmpoule(s);
    else if (this.soaking(from)) s.leaveLiquid();
    s.location = to;
    s.history.push({ location: to, since: this.clock.now() });
    if (dest.kind === 'wash') s.wash();
    this.wet(s);
  }

  samplesAt(location: string): WorldSample[] {
    this.advance();
    return [...this.samples.values()].filter((s) => s.location === location);
  }

  /** Noise-free degree of grafting of a sample, % (for tests and diagnostics). */
  trueDgPct(id: string): number {
    this.advance();
    return this.samples.get(id)?.dgTruePct ?? 0;
  }

  private requireLocation(id: string): InventoryLocation {
    const l = this.locations.get(id);
    if (!l) throw new Error(`unknown location ${id}`);
    return l;
  }

  // ---- balance ----

  massOnBalance(balanceDeviceId: string): number {
    this.advance();
    let grams = 0;
    for (const s of this.samples.values()) {
      const l = this.locations.get(s.location);
      if (l?.kind === 'balance' && l.device === balanceDeviceId) grams += s.totalMassG();
    }
    return grams;
  }

  /** The ampoule is opened and the film taken out of its solution: the reaction stops. */
  private openAmpoule(s: PhysicalSample): void {
    this.vessels.delete(ampouleOf(s.id));
    s.ampoule = undefined;
    if (s.grafting) s.endContact();
    else s.leaveLiquid();
  }

  // ---- characterisation instruments ----

  instrumentCell(deviceId: string): InstrumentCell | undefined {
    this.advance();
    const l = this.inventory.locations.find((x) => x.device === deviceId && x.kind === 'measurement');
    if (!l) return undefined;
    return {
      location: l.id,
      samples: [...this.samples.values()].filter((s) => s.location === l.id),
      temperatureC: l.temperatureC ?? WORLD_CONSTANTS.ambientC,
    };
  }

  // ---- irradiation ----

  setSourceExposed(irradiatorDeviceId: string, exposed: boolean): void {
    this.advance();
    this.irradiation.setExposed(irradiatorDeviceId, exposed, this.clock.now());
  }

  sourceExposed(irradiatorDeviceId: string): boolean {
    return this.irradiation.exposed(irradiatorDeviceId);
  }

  recordExposure(_shutterDeviceId: string, openMs: number): void {
    this.advance();
    this.irradiation.recordShutterOpening(openMs, this.clock.now());
    // Simultaneous grafting: a film dosed in its ampoule of monomer starts grafting with the radicals the dose
    // makes; later exposures add radicals to the same reaction.
    for (const s of this.samples.values()) {
      if (!s.ampoule || s.doseKGy <= 0) continue;
      if (!s.contacted) {
        startContact(s, s.ampoule, this.clock.now(), (l) => this.locationTemperature(l));
        if (s.grafting) s.grafting = { ...s.grafting, vessel: ampouleOf(s.id) };
      } else if (s.grafting) s.grafting = { ...s.grafting, base: { ...s.grafting.base, doseKGy: s.doseKGy } };
    }
  }

  doorClosed(irradiatorDeviceId: string): boolean {
    return this.doors.get(irradiatorDeviceId) ?? true;
  }

  setDoorClosed(irradiatorDeviceId: string, closed: boolean): void {
    this.doors.set(irradiatorDeviceId, closed);
  }

  // ---- reactor stations ----

  chargeReagent(dispenserDeviceId: string, charge: ReagentCharge): void {
    this.charges.set(dispenserDeviceId, charge);
  }

  immerseSample(sampleId: string, charge: ReagentCharge): void {
    this.advance();
    const s = this.samples.get(sampleId);
    if (!s) throw new Error(`unknown sample ${sampleId}`);
    const ampoule = emptyVessel();
    addLiquid(ampoule, charge, AMPOULE_ML);
    // The operator purges and seals the ampoule before it goes to the irradiator.
    ampoule.o2Ppm = AMPOULE_O2_PPM;
    s.ampoule = ampoule;
    this.vessels.set(ampouleOf(s.id), ampoule);
    s.soak();
  }

  recordDispense(dispenserDeviceId: string, volumeMl: number): void {
    this.advance();
    const station = stationOf(this.inventory, dispenserDeviceId);
    const v = station && this.vessels.get(station.vessel);
    if (!station || !v) return;
    addLiquid(v, this.charges.get(dispenserDeviceId), volumeMl);
    // Films already in the vessel soak up the liquid (and meet the monomer); an emptied vessel wets nothing.
    for (const s of this.samples.values()) if (s.location === station.vessel) this.wet(s);
  }

  /** Volume and composition of a station's vessel (tests, diagnostics). */
  vessel(location: string): Readonly<Vessel> | undefined {
    this.advance();
    return this.vessels.get(location);
  }

  setBathSetpoint(bathDeviceId: string, celsius: number): void {
    this.advance();
    this.bath(bathDeviceId).setpoint = celsius;
  }

  setBathRunning(bathDeviceId: string, running: boolean): void {
    this.advance();
    this.bath(bathDeviceId).running = running;
  }

  bathTemperature(bathDeviceId: string): number {
    this.advance();
    return this.bath(bathDeviceId).temperature;
  }

  bathSetpoint(bathDeviceId: string): number {
    return this.bath(bathDeviceId).setpoint;
  }

  private bath(id: string): Bath {
    let b = this.baths.get(id);
    if (!b) this.baths.set(id, (b = idleBath()));
    return b;
  }

  setGasFlow(mfcDeviceId: string, sccm: number): void {
    this.advance();
    this.flows.set(mfcDeviceId, Math.max(0, sccm));
  }

  gasFlow(mfcDeviceId: string): number {
    return this.flows.get(mfcDeviceId) ?? 0;
  }

  o2Ppm(o2SensorDeviceId: string): number {
    this.advance();
    const station = stationOf(this.inventory, o2SensorDeviceId);
    return (station && this.vessels.get(station.vessel)?.o2Ppm) ?? WORLD_CONSTANTS.airO2Ppm;
  }

  drainVessel(location: string): void {
    this.advance();
    const v = this.vessels.get(location);
    if (!v) return;
    drain(v);
    for (const s of this.samples.values()) {
      if (s.location !== location) continue;
      if (s.grafting) s.endContact();
      else s.leaveLiquid();
    }
  }

  // ---- post-grafting chemistry ----

  /**
   * The operator treats a film in the fume hood: the reaction converts as far as its time and temperature take
   * it. Only the right reaction for the graft gives it exchange groups (the sample truth judges that).
   */
  functionalizeSample(sampleId: string, treatment: FunctionalizationTreatment): void {
    this.advance();
    const s = this.samples.get(sampleId);
    if (!s) throw new Error(`unknown sample ${sampleId}`);
    combine(s.functionalizations, {
      reaction: treatment.reaction,
      completeness: reactionCompleteness(treatment.reaction, treatment.temperatureC, treatment.timeH),
    });
    // Out of the reagent, rinsed: it holds water like any washed film.
    s.wash();
  }

  /** A film lying in a soak bath ages in its medium at its temperature (hours scaled by the film's scatter). */
  private age(s: PhysicalSample, dtMs: number): void {
    const l = this.locations.get(s.location);
    if (l?.kind !== 'soak' || !l.medium) return;
    const test = ageingTestOf(l.medium, l.temperatureC ?? WORLD_CONSTANTS.ambientC);
    if (!test) return;
    const hours = dtMs / MS_PER_H / s.noise.durability;
    const same = s.ageing.find((a) => JSON.stringify(a.test) === JSON.stringify(test));
    if (same) same.hours += hours;
    else s.ageing.push({ test, hours });
  }

  // ---- the reaction and the passage of time ----

  private stationOfVessel(location: string): InventoryStation | undefined {
    return this.inventory.stations.find((s) => s.vessel === location);
  }

  private vesselBath(location: string): string | undefined {
    const st = this.stationOfVessel(location);
    return st && deviceForRole(this.inventory, st, 'temperature-controller')?.id;
  }

  private soaking(location: string): boolean {
    return (this.vessels.get(location)?.volumeMl ?? 0) > 0;
  }

  /** A film in liquid soaks it up; a film meeting monomer solution for the first time starts grafting. */
  private wet(s: PhysicalSample): void {
    const v = this.vessels.get(s.location);
    if (!v || v.volumeMl <= 0) return;
    s.soak();
    if (!s.contacted && v.monomer) startContact(s, v, this.clock.now(), (l) => this.locationTemperature(l));
  }

  private locationTemperature(location: string): number {
    const bath = this.vesselBath(location);
    if (bath) return this.bath(bath).temperature;
    return this.locations.get(location)?.temperatureC ?? WORLD_CONSTANTS.ambientC;
  }

  /** Integrates the world from the last update to now on the lab clock. */
  private advance(): void {
    const now = this.clock.now();
    while (this.last < now) {
      const dt = Math.min(WORLD_CONSTANTS.stepMs, now - this.last);
      this.step(dt);
      this.last += dt;
    }
  }

  private step(dtMs: number): void {
    const meanTemp = new Map<string, number>();
    for (const [id, b] of this.baths) meanTemp.set(id, advanceBath(b, dtMs));
    for (const s of this.samples.values()) {
      if (s.grafting) {
        const bath = this.vesselBath(s.grafting.vessel);
        graftStep(
          s,
          s.grafting,
          dtMs / MS_PER_H,
          (bath ? meanTemp.get(bath) : undefined) ?? WORLD_CONSTANTS.ambientC,
          Math.min(
            1,
            (this.vessels.get(s.grafting.vessel)?.o2Ppm ?? WORLD_CONSTANTS.airO2Ppm) /
              WORLD_CONSTANTS.airO2Ppm,
          ),
        );
      }
      dryStep(s, this.locations.get(s.location)?.kind, this.soaking(s.location) || !!s.ampoule, dtMs);
      this.age(s, dtMs);
    }
    for (const [location, v] of this.vessels) {
      if (location.startsWith(AMPOULE_PREFIX)) continue; // sealed: no gas in or out
      const st = this.stationOfVessel(location);
      const mfc = st && deviceForRole(this.inventory, st, 'gas-controller');
      relaxO2(v, mfc ? this.gasFlow(mfc.id) : 0, dtMs);
    }
  }
}
