import type { LabClock } from '@graftlab/clock';
import {
  createRng,
  DEFAULT_NOISE,
  graftingOutcome,
  kineticsFor,
  type GraftingConditions,
  type KineticParams,
  type NoiseModel,
  type Rng,
} from '@graftlab/grafting-model';
import {
  deviceById,
  deviceForRole,
  doseRateAt,
  stationOf,
  type Inventory,
  type InventoryLocation,
  type InventoryStation,
} from '@graftlab/inventory';
import type { LabWorld, ReagentCharge, WorldSample } from './lab-world';

/** Physical constants of the virtual lab (lab-clock ms where a time). */
export const WORLD_CONSTANTS = {
  ambientC: 22,
  /** O₂ in air, ppm (gas phase): residual-oxygen fraction = ppm / this. */
  airO2Ppm: 2.1e5,
  /** First-order bath time constant. */
  bathTauMs: 5 * 60_000,
  /** Effective gas volume a purge flushes, mL: O₂ falls as exp(−flow·t / volume). */
  purgeVolumeMl: 240,
  /** O₂ creeps back towards air this slowly when no gas flows. */
  ingressTauMs: 4 * 3600_000,
  /** Residual O₂ of the N₂ supply, ppm. */
  n2FloorPpm: 2,
  /** Liquid held by a film after draining (fraction of its dry mass) and its drying time constants. */
  wetUptake: 0.5,
  dryerTauMs: 20 * 60_000,
  roomDryTauMs: 3 * 3600_000,
  /** Integration step of the world. */
  stepMs: 60_000,
} as const;

const R = 8.314;
const MS_PER_H = 3600_000;

interface Grafting {
  readonly params: KineticParams;
  readonly base: Omit<GraftingConditions, 'temperatureC' | 'timeH'>;
  readonly vessel: string;
  /** Homopolymer / emulsion factor H(C), fixed by the concentration at contact. */
  readonly h: number;
  inductionLeftH: number;
  /** Fraction of active sites left (first-order loss with τ(T)). */
  active: number;
  dgTruePct: number;
}

class PhysicalSample implements WorldSample {
  doseKGy = 0;
  irradiatedAt?: number;
  graftedMassG = 0;
  failedReason?: string;
  /** Where the sample has been, for the storage history between irradiation and monomer contact. */
  readonly history: { location: string; since: number }[] = [];
  lotYield = 1;
  volatileG = 0;
  /** Non-volatile liquid residue (homopolymer, monomer solution solids): only washing removes it. */
  residueG = 0;
  fragmentLost = 0;
  grafting?: Grafting;
  /** Contact with monomer happened (grafting runs at most once per film). */
  contacted = false;
  dgTruePct = 0;

  constructor(
    readonly id: string,
    readonly basePolymer: string,
    readonly thicknessUm: number,
    readonly initialMassG: number,
    public location: string,
    at: number,
    /** Per-film scatter (§2.6 replicate noise) and handling failure, drawn from the seed and the id. */
    readonly noise: { cv: number; abs: number; handlingFails: boolean; fragment: number },
  ) {
    this.history.push({ location, since: at });
  }

  /** Liquid held by the film: volatile solvent plus non-volatile residue. */
  get liquidMassG(): number {
    return this.volatileG + this.residueG;
  }
  set liquidMassG(grams: number) {
    this.volatileG = Math.max(0, grams - this.residueG);
  }

  dryMassG(): number {
    return (this.initialMassG + this.graftedMassG) * (1 - this.fragmentLost);
  }

  totalMassG(): number {
    return this.dryMassG() + this.volatileG + this.residueG;
  }
}

interface Vessel {
  volumeMl: number;
  /** Monomer of the solution ('' = solvent only, 'mixed' = several monomers: no model). */
  monomer: string;
  concentrationWtPct: number;
  medium: string;
  o2Ppm: number;
}

/**
 * The physical world of the virtual lab (issue #4): samples with masses and locations, dose from the
 * decay-corrected dose rate while the source is exposed and the shutter open, radical decay in storage,
 * reagents, a first-order bath, an O₂ purge, and the grafting reaction of the domain reference §2.6,
 * integrated lazily on the lab clock. Random draws depend only on the seed and sample ids (deterministic).
 */
export class VirtualLabWorld implements LabWorld {
  readonly clock: LabClock;
  readonly rng: Rng;
  private readonly seed: number;
  private readonly noise: NoiseModel;
  private readonly lotNoise: boolean;
  private readonly samples = new Map<string, PhysicalSample>();
  private readonly locations: Map<string, InventoryLocation>;
  private readonly vessels = new Map<string, Vessel>();
  private readonly charges = new Map<string, ReagentCharge>();
  private readonly baths = new Map<string, { setpoint: number; running: boolean; temperature: number }>();
  private readonly flows = new Map<string, number>();
  private readonly doors = new Map<string, boolean>();
  private readonly sources = new Map<string, { since?: number; intervals: [number, number][] }>();
  private lots = 0;
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
    },
  ) {
    this.clock = options.clock;
    this.seed = options.seed;
    this.noise = options.noise ?? DEFAULT_NOISE;
    this.lotNoise = options.lotNoise ?? true;
    this.rng = createRng(options.seed);
    this.locations = new Map(inventory.locations.map((l) => [l.id, l]));
    for (const s of inventory.stations)
      this.vessels.set(s.vessel, {
        volumeMl: 0,
        monomer: '',
        concentrationWtPct: 0,
        medium: '',
        o2Ppm: WORLD_CONSTANTS.airO2Ppm,
      });
    for (const d of inventory.devices) {
      if (d.role === 'temperature-controller')
        this.baths.set(d.id, { setpoint: 20, running: false, temperature: WORLD_CONSTANTS.ambientC });
      if (d.role === 'gas-controller') this.flows.set(d.id, 0);
      if (d.role === 'irradiator') {
        this.doors.set(d.id, true);
        this.sources.set(d.id, { intervals: [] });
      }
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

  loadSample(spec: {
    id: string;
    basePolymer: string;
    thicknessUm: number;
    nominalMassG: number;
    location: string;
  }): WorldSample {
    this.advance();
    if (this.samples.has(spec.id)) throw new Error(`sample ${spec.id} already exists`);
    this.requireLocation(spec.location);
    const r = createRng(`${this.seed}:sample:${spec.id}`);
    // Fixed draw order: the same seed and id always give the same film.
    const massScatter = r.normal(0, 0.02);
    const noise = {
      cv: r.normal(0, this.noise.cv),
      abs: r.normal(0, this.noise.absPct),
      handlingFails: r.next() < this.noise.handlingFailure,
      fragment: r.uniform(0.1, 0.4),
    };
    const s = new PhysicalSample(
      spec.id,
      spec.basePolymer,
      spec.thicknessUm,
      spec.nominalMassG * (1 + massScatter),
      spec.location,
      this.clock.now(),
      noise,
    );
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
    if (s.grafting && s.grafting.vessel === from) this.endContact(s);
    else if (this.soaking(from)) this.leaveLiquid(s);
    s.location = to;
    s.history.push({ location: to, since: this.clock.now() });
    if (dest.kind === 'wash') {
      // Washing replaces homopolymer and monomer solution with clean solvent.
      s.residueG = 0;
      s.volatileG = WORLD_CONSTANTS.wetUptake * s.dryMassG();
    }
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

  // ---- irradiation ----

  setSourceExposed(irradiatorDeviceId: string, exposed: boolean): void {
    this.advance();
    const src = this.source(irradiatorDeviceId);
    const now = this.clock.now();
    if (exposed && src.since === undefined) src.since = now;
    if (!exposed && src.since !== undefined) {
      src.intervals.push([src.since, now]);
      if (src.intervals.length > 1000) src.intervals.shift();
      const start = src.since;
      src.since = undefined;
      // A facility without a timed shutter doses for as long as the source was up.
      if (!this.inventory.devices.some((d) => d.role === 'shutter'))
        this.deliverDose(start, now, irradiatorDeviceId);
    }
  }

  sourceExposed(irradiatorDeviceId: string): boolean {
    return this.source(irradiatorDeviceId).since !== undefined;
  }

  recordExposure(_shutterDeviceId: string, openMs: number): void {
    this.advance();
    const now = this.clock.now();
    // The shutter sits in front of the irradiation positions of the lab's irradiators.
    for (const irr of this.sources.keys()) this.deliverDose(now - openMs, now, irr);
  }

  private deliverDose(start: number, end: number, irradiatorId: string): void {
    const exposedMs = this.overlapExposed(irradiatorId, start, end);
    if (exposedMs <= 0) return;
    const device = deviceById(this.inventory, irradiatorId);
    const lot = createRng(`${this.seed}:lot:${this.lots++}`);
    // §2.6 lot effect: samples irradiated together share one radical-yield factor.
    const yieldFactor = this.lotNoise ? Math.exp(lot.normal(0, 0.05)) : 1;
    for (const loc of this.locations.values()) {
      if (loc.kind !== 'irradiation' || loc.device !== irradiatorId) continue;
      const positionId = loc.id.split('/').pop();
      const position = device?.positions?.find((p) => p.id === positionId);
      if (!position) continue;
      const rate = doseRateAt(position, new Date((start + end) / 2));
      const scatter = this.lotNoise ? lot.normal(0, position.relativeUncertainty) : 0;
      const delivered = rate * (exposedMs / MS_PER_H) * (1 + scatter);
      for (const s of this.samples.values()) {
        if (s.location !== loc.id) continue;
        s.doseKGy += Math.max(0, delivered);
        s.irradiatedAt = end;
        s.lotYield *= yieldFactor;
      }
    }
  }

  private overlapExposed(irradiatorId: string, start: number, end: number): number {
    const src = this.source(irradiatorId);
    const intervals = [...src.intervals];
    if (src.since !== undefined) intervals.push([src.since, Math.max(end, src.since)]);
    return intervals.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, end) - Math.max(a, start)), 0);
  }

  private source(id: string): { since?: number; intervals: [number, number][] } {
    let s = this.sources.get(id);
    if (!s) this.sources.set(id, (s = { intervals: [] }));
    return s;
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

  recordDispense(dispenserDeviceId: string, volumeMl: number): void {
    this.advance();
    const station = stationOf(this.inventory, dispenserDeviceId);
    const v = station && this.vessels.get(station.vessel);
    if (!station || !v) return;
    const charge = this.charges.get(dispenserDeviceId);
    const monomer = charge?.monomer ?? 'unknown';
    const c = charge?.concentrationWtPct ?? 0;
    const total = v.volumeMl + volumeMl;
    if (total <= 1e-9) {
      v.volumeMl = 0;
      return;
    }
    if (volumeMl > 0) {
      if (v.volumeMl <= 1e-9) {
        v.monomer = monomer;
        v.medium = charge?.medium ?? 'unknown';
        v.concentrationWtPct = c;
      } else {
        // Volume-weighted mixing; a second monomer makes a system the model does not know.
        if (monomer && v.monomer && monomer !== v.monomer) v.monomer = 'mixed';
        else v.monomer ||= monomer;
        v.concentrationWtPct = (v.concentrationWtPct * v.volumeMl + c * volumeMl) / total;
      }
    }
    v.volumeMl = total;
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

  private bath(id: string): { setpoint: number; running: boolean; temperature: number } {
    let b = this.baths.get(id);
    if (!b) this.baths.set(id, (b = { setpoint: 20, running: false, temperature: WORLD_CONSTANTS.ambientC }));
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
    v.volumeMl = 0;
    v.monomer = '';
    v.concentrationWtPct = 0;
    for (const s of this.samples.values()) {
      if (s.location !== location) continue;
      if (s.grafting) this.endContact(s);
      else this.leaveLiquid(s);
    }
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
    s.volatileG = WORLD_CONSTANTS.wetUptake * s.dryMassG();
    if (!s.contacted && v.monomer) this.startContact(s, v);
  }

  private startContact(s: PhysicalSample, v: Vessel): void {
    s.contacted = true;
    const now = this.clock.now();
    if (s.noise.handlingFails) {
      s.failedReason = 'handling failure: film damaged in transfer';
      s.fragmentLost = s.noise.fragment;
    }
    const params = kineticsFor(s.basePolymer, v.monomer);
    if (!params) return; // unknown polymer/monomer system: no grafting
    const o2Fraction = Math.min(1, v.o2Ppm / WORLD_CONSTANTS.airO2Ppm);
    const h = Number.isFinite(params.cHWtPct)
      ? 1 / (1 + Math.pow(v.concentrationWtPct / params.cHWtPct, params.nH))
      : 1;
    s.grafting = {
      params,
      vessel: s.location,
      h,
      base: {
        doseKGy: s.doseKGy,
        storageH: this.equivalentStorageH(s, params, now),
        storageTempC: 25,
        concentrationWtPct: v.concentrationWtPct,
        thicknessUm: s.thicknessUm,
        o2Fraction,
      },
      inductionLeftH: params.tInd0H * o2Fraction,
      active: 1,
      dgTruePct: 0,
    };
  }

  /** Storage between irradiation and contact as hours at 25 °C (Arrhenius-scaled by where the film sat). */
  private equivalentStorageH(s: PhysicalSample, p: KineticParams, now: number): number {
    if (s.irradiatedAt === undefined) return 0;
    const scale = (tC: number) => Math.exp((p.edJPerMol / R) * (1 / (tC + 273.15) - 1 / 298.15));
    let hours = 0;
    s.history.forEach((h, i) => {
      const from = Math.max(h.since, s.irradiatedAt!);
      const to = i + 1 < s.history.length ? s.history[i + 1].since : now;
      if (to > from) hours += (to - from) / MS_PER_H / scale(this.locationTemperature(h.location));
    });
    return hours;
  }

  private locationTemperature(location: string): number {
    const bath = this.vesselBath(location);
    if (bath) return this.bath(bath).temperature;
    return this.locations.get(location)?.temperatureC ?? WORLD_CONSTANTS.ambientC;
  }

  private endContact(s: PhysicalSample): void {
    s.grafting = undefined;
    this.leaveLiquid(s);
  }

  /** Out of the liquid: the film carries solution and some homopolymer with it. */
  private leaveLiquid(s: PhysicalSample): void {
    s.volatileG = WORLD_CONSTANTS.wetUptake * s.dryMassG();
    s.residueG += 0.05 * s.graftedMassG;
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
    const tau = WORLD_CONSTANTS.bathTauMs;
    const decay = Math.exp(-dtMs / tau);
    // Mean bath temperature over the step (exact for a first-order response to a constant target).
    const meanTemp = new Map<string, number>();
    for (const [id, b] of this.baths) {
      const target = b.running ? b.setpoint : WORLD_CONSTANTS.ambientC;
      meanTemp.set(id, target + ((b.temperature - target) * tau * (1 - decay)) / dtMs);
      b.temperature = target + (b.temperature - target) * decay;
    }
    for (const s of this.samples.values()) {
      if (s.grafting) {
        const bath = this.vesselBath(s.grafting.vessel);
        this.graftStep(
          s,
          s.grafting,
          dtMs / MS_PER_H,
          (bath ? meanTemp.get(bath) : undefined) ?? WORLD_CONSTANTS.ambientC,
        );
      }
      this.dryStep(s, dtMs);
    }
    for (const [location, v] of this.vessels) {
      const st = this.stationOfVessel(location);
      const mfc = st && deviceForRole(this.inventory, st, 'gas-controller');
      const flow = mfc ? this.gasFlow(mfc.id) : 0;
      if (flow > 0) {
        const k = flow / WORLD_CONSTANTS.purgeVolumeMl / 60_000; // per lab ms
        const floor = WORLD_CONSTANTS.n2FloorPpm;
        v.o2Ppm = floor + (v.o2Ppm - floor) * Math.exp(-k * dtMs);
      } else {
        const air = WORLD_CONSTANTS.airO2Ppm;
        v.o2Ppm = air + (v.o2Ppm - air) * Math.exp(-dtMs / WORLD_CONSTANTS.ingressTauMs);
      }
    }
  }

  /** dDG/dt = Rp0(T)·H·A, dA/dt = −A/τ(T), after the O₂ induction time (§2.6 eq. 4-6). */
  private graftStep(s: PhysicalSample, g: Grafting, dtH: number, temperatureC: number): void {
    const induction = Math.min(g.inductionLeftH, dtH);
    g.inductionLeftH -= induction;
    const t = dtH - induction;
    if (t <= 0) return;
    const o = graftingOutcome({ ...g.base, temperatureC, timeH: t }, g.params);
    const e = Math.exp(-t / o.tauH);
    g.dgTruePct += o.initialRatePctPerH * g.h * o.tauH * g.active * (1 - e);
    g.active *= e;
    s.dgTruePct = g.dgTruePct;
    if (g.dgTruePct > g.params.dgFailPct && !s.failedReason)
      s.failedReason = `film ruptured (DG ${g.dgTruePct.toFixed(0)} % > ${g.params.dgFailPct} %)`;
    // The film's own scatter and the lot's radical yield (∝ R^β) make replicate films differ.
    const dg =
      g.dgTruePct * (1 + s.noise.cv) * Math.pow(s.lotYield, g.params.beta) +
      s.noise.abs * (1 - Math.exp(-g.dgTruePct / 5));
    s.graftedMassG = (s.initialMassG * Math.max(0, dg)) / 100;
  }

  private dryStep(s: PhysicalSample, dtMs: number): void {
    const l = this.locations.get(s.location);
    if (this.soaking(s.location) || l?.kind === 'wash') {
      s.volatileG = WORLD_CONSTANTS.wetUptake * s.dryMassG();
    } else if (s.volatileG > 0) {
      const tau = l?.kind === 'dryer' ? WORLD_CONSTANTS.dryerTauMs : WORLD_CONSTANTS.roomDryTauMs;
      s.volatileG *= Math.exp(-dtMs / tau);
      if (s.volatileG < 1e-7) s.volatileG = 0;
    }
  }
}
