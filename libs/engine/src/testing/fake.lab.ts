import { VirtualClock } from './virtual.clock';
import { DeviceError, type AnyDevice, type DeviceStatus } from '@graftlab/devices';
import type { Inventory, InventoryDevice, InventoryStation } from '@graftlab/inventory';
import { DeviceHub } from '../device-hub';
import { LeaseManager } from '../lease-manager';
import type { OperatorAnswer, OperatorChannel, OperatorPrompt } from '../operator-channel';

/** Every command a fake device received, in order: what a unit test counts instead of a twin's wire log. */
export interface CommandLog {
  readonly entries: { device: string; command: string; detail?: unknown }[];
}

/** A fault to inject into the next call of a fake device's method: it throws instead (after acting, if asked). */
export interface Fault {
  readonly method: string;
  readonly kind: 'timeout' | 'refused' | 'device';
  /** The effect happens, then the answer is lost (a timeout after delivery). */
  readonly afterEffect?: boolean;
}

/**
 * In-memory instruments with the capability interfaces the engine drives: counters and read-backs behave like the
 * real ones' (a dispense adds to the pump's counter, an exposure to the shutter's), so the engine's and the
 * reconciler's logic can be unit-tested without ptys, sockets or a broker. The twins and drivers are tested on
 * the wire separately.
 */
export class FakeDevice {
  readonly driver = 'fake';
  faults: Fault[] = [];
  safeStates = 0;

  constructor(
    readonly entry: InventoryDevice,
    protected readonly log: CommandLog,
  ) {}

  get id(): string {
    return this.entry.id;
  }

  get role(): string {
    return this.entry.role;
  }

  /** Records the command; throws the injected fault for this method (before or after `effect`). */
  protected act<T>(method: string, detail: unknown, effect: () => T): Promise<T> {
    const i = this.faults.findIndex((f) => f.method === method);
    const fault = i >= 0 ? this.faults.splice(i, 1)[0] : undefined;
    if (fault && !fault.afterEffect)
      return Promise.reject(new DeviceError(fault.kind, this.id, `${method}: ${fault.kind}`));
    this.log.entries.push({ device: this.id, command: method, detail });
    const out = effect();
    if (fault)
      return Promise.reject(new DeviceError(fault.kind, this.id, `${method}: ${fault.kind} after acting`));
    return Promise.resolve(out);
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }
  identify(): Promise<string> {
    return Promise.resolve(`fake ${this.role}`);
  }
  status(): Promise<DeviceStatus> {
    return Promise.resolve({
      deviceId: this.id,
      driver: this.driver,
      state: 'ok',
      detail: {},
      at: Date.now(),
    });
  }
  safeState(): Promise<void> {
    this.safeStates++;
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  onEvent(): () => void {
    return () => undefined;
  }
}

export class FakeDispenser extends FakeDevice {
  infusedMl = 0;
  /** The share of the volume the next dispenses deliver (a pump that stops early, with no alarm). */
  deliveredShare = 1;
  dispense(command: { commandId: string; volumeMl: number }): Promise<{ deliveredMl: number }> {
    return this.act('dispense', command, () => {
      const ml = command.volumeMl * this.deliveredShare;
      this.infusedMl += ml;
      return { deliveredMl: ml };
    });
  }
  counters(): Promise<{ infusedMl: number; withdrawnMl: number }> {
    return Promise.resolve({ infusedMl: this.infusedMl, withdrawnMl: 0 });
  }
}

export class FakeShutter extends FakeDevice {
  exposures = 0;
  cumulativeOpenMs = 0;
  /** The next exposure ends after this share of its time and its answer is lost; `then` runs at that moment. */
  cutNext?: { share: number; then: () => void };
  expose(command: {
    commandId: string;
    durationMs: number;
  }): Promise<{ actualOpenMs: number; requestedMs: number }> {
    const cut = this.cutNext;
    if (cut) {
      this.cutNext = undefined;
      this.log.entries.push({ device: this.id, command: 'expose', detail: command });
      this.exposures++;
      this.cumulativeOpenMs += Math.round(command.durationMs * cut.share);
      cut.then();
      return Promise.reject(new DeviceError('timeout', this.id, 'expose: no answer'));
    }
    return this.act('expose', command, () => {
      this.exposures++;
      this.cumulativeOpenMs += command.durationMs;
      return { actualOpenMs: command.durationMs, requestedMs: command.durationMs };
    });
  }
  counters(): Promise<{
    exposures: number;
    cumulativeOpenMs: number;
    closed: boolean;
    interlockTripped: boolean;
  }> {
    return Promise.resolve({
      exposures: this.exposures,
      cumulativeOpenMs: this.cumulativeOpenMs,
      closed: true,
      interlockTripped: false,
    });
  }
}

export class FakeIrradiator extends FakeDevice {
  doorClosed = true;
  permissives() {
    return Promise.resolve({
      doorClosed: this.doorClosed,
      areaMonitorOk: true,
      keyEnabled: true,
      interlockTripped: false,
      sourcePosition: 'stored' as const,
      at: Date.now(),
    });
  }
  raiseSource(command: { commandId: string }): Promise<void> {
    return this.act('raiseSource', command, () => undefined);
  }
  lowerSource(command: { commandId: string }): Promise<void> {
    return this.act('lowerSource', command, () => undefined);
  }
}

export class FakeBalance extends FakeDevice {
  /** Mass on the pan, g: a test may change it between weighings (a grafted film is heavier). */
  grams = 0.05;
  private reading() {
    return { grams: this.grams, stable: true, at: Date.now(), raw: `S S ${this.grams.toFixed(5)} g` };
  }
  weighStable() {
    return this.act('weighStable', undefined, () => this.reading());
  }
  weighImmediate() {
    return this.act('weighImmediate', undefined, () => this.reading());
  }
  zero(): Promise<void> {
    return this.act('zero', undefined, () => undefined);
  }
  tare(): Promise<number> {
    return this.act('tare', undefined, () => 0);
  }
}

export class FakeTemperatureController extends FakeDevice {
  setpointC = 20;
  setSetpoint(celsius: number): Promise<void> {
    return this.act('setSetpoint', celsius, () => void (this.setpointC = celsius));
  }
  start(): Promise<void> {
    return this.act('start', undefined, () => undefined);
  }
  /** The bath is at its setpoint at once: time in a unit test is the clock's, not the bath's. */
  readTemperature(): Promise<number> {
    return Promise.resolve(this.setpointC);
  }
  readSetpoint(): Promise<number> {
    return Promise.resolve(this.setpointC);
  }
}

export class FakeGasController extends FakeDevice {
  flowSccm = 0;
  setFlow(sccm: number): Promise<void> {
    return this.act('setFlow', sccm, () => void (this.flowSccm = sccm));
  }
  readFlow() {
    return Promise.resolve({ flowSccm: this.flowSccm, setpointSccm: this.flowSccm });
  }
}

export class FakeO2Sensor extends FakeDevice {
  ppm = 5;
  readPpm(): Promise<number> {
    return Promise.resolve(this.ppm);
  }
}

export class FakeSampleHandler extends FakeDevice {
  readonly places = new Map<string, string>();
  move(command: { commandId: string; sampleId: string; from: string; to: string }): Promise<void> {
    return this.act('move', command, () => void this.places.set(command.sampleId, command.to));
  }
  locate(sampleId: string): Promise<string | undefined> {
    return Promise.resolve(this.places.get(sampleId));
  }
}

export class FakeTitrator extends FakeDevice {
  /** IEC the next titrations find, mmol/g. */
  iecMmolPerG = 2.1;
  titrations = 0;
  titrateIec(command: { commandId: string; sampleMassG: number; titrant: string; titrantMolPerL: number }) {
    return this.act('titrateIec', command, () => {
      this.titrations++;
      const equivalenceMl = (this.iecMmolPerG * command.sampleMassG) / command.titrantMolPerL;
      return {
        commandId: command.commandId,
        equivalenceMl,
        consumedMl: equivalenceMl * 1.2,
        sampleMassG: command.sampleMassG,
        titrant: command.titrant,
        titrantMolPerL: command.titrantMolPerL,
        iecMmolPerG: this.iecMmolPerG,
        instrumentIecMmolPerG: this.iecMmolPerG,
        at: Date.now(),
        repeated: false,
      };
    });
  }
}

export class FakeImpedanceAnalyser extends FakeDevice {
  /** Conductivity the next sweeps find, mS/cm. */
  msPerCm = 40;
  measureConductivity(command: { commandId: string; geometry: unknown; temperatureC?: number }) {
    return this.act('measureConductivity', command, () => ({
      commandId: command.commandId,
      resistanceOhm: 100,
      conductivitySPerCm: this.msPerCm / 1000,
      conductivityMsPerCm: this.msPerCm,
      fit: 'arc' as const,
      geometry: command.geometry,
      temperatureC: command.temperatureC,
      sweep: { startHz: 1e6, stopHz: 100, points: 41, amplitudeV: 0.01 },
      spectrum: [],
      at: Date.now(),
    }));
  }
}

const FAKES: Partial<Record<string, new (entry: InventoryDevice, log: CommandLog) => FakeDevice>> = {
  dispenser: FakeDispenser,
  shutter: FakeShutter,
  irradiator: FakeIrradiator,
  balance: FakeBalance,
  'temperature-controller': FakeTemperatureController,
  'gas-controller': FakeGasController,
  'o2-sensor': FakeO2Sensor,
  'sample-handler': FakeSampleHandler,
  titrator: FakeTitrator,
  'impedance-analyser': FakeImpedanceAnalyser,
};

/** Leases in memory, with the database's rules: one holder at a time until released or expired, a new generation per grant. */
export class MemoryLeases {
  readonly held = new Map<string, { holder: string; expiresAt: number; generation: number }>();
  private generations = 0;
  acquire(resource: string, holder: string, ttlMs: number) {
    const lease = this.held.get(resource);
    if (lease && lease.holder !== holder && lease.expiresAt > Date.now()) return Promise.resolve(undefined);
    const generation = lease?.holder === holder ? lease.generation : ++this.generations;
    this.held.set(resource, { holder, expiresAt: Date.now() + ttlMs, generation });
    return Promise.resolve({ resource, holder, generation } as never);
  }
  renew(resource: string, holder: string, ttlMs: number) {
    const lease = this.held.get(resource);
    if (!lease || lease.holder !== holder) return Promise.resolve(undefined);
    lease.expiresAt = Date.now() + ttlMs;
    return Promise.resolve({ resource, holder, generation: lease.generation } as never);
  }
  confirm(resource: string, holder: string, generation: number, ttlMs: number) {
    const lease = this.held.get(resource);
    if (!lease || lease.holder !== holder || lease.generation !== generation || lease.expiresAt < Date.now())
      return Promise.resolve(undefined);
    lease.expiresAt = Date.now() + ttlMs;
    return Promise.resolve({ resource, holder, generation } as never);
  }
  release(resource: string, holder: string): Promise<boolean> {
    if (this.held.get(resource)?.holder !== holder) return Promise.resolve(false);
    this.held.delete(resource);
    return Promise.resolve(true);
  }
}

/** A person who answers every prompt at once: a measure prompt with a value and its uncertainty. */
export class InstantOperator implements OperatorChannel {
  readonly asked: OperatorPrompt[] = [];
  value = 1.5;
  ask(prompt: OperatorPrompt): Promise<OperatorAnswer> {
    this.asked.push(prompt);
    return Promise.resolve(
      prompt.action?.kind === 'measure'
        ? { by: 'test', value: this.value, uncertainty: 0.05 }
        : { by: 'test' },
    );
  }
}

export interface FakeLab {
  readonly inventory: Inventory;
  readonly station: InventoryStation;
  readonly devices: Map<string, FakeDevice>;
  readonly hub: DeviceHub;
  readonly leases: LeaseManager;
  readonly operator: InstantOperator;
  readonly clock: VirtualClock;
  readonly log: CommandLog;
  device<T extends FakeDevice>(id: string): T;
}

/** The inventory's instruments as fakes, one station owned (as a worker owns its stations), a virtual lab clock. */
export function fakeLab(inventory: Inventory, stationId: string): FakeLab {
  const station = inventory.stations.find((s) => s.id === stationId)!;
  const log: CommandLog = { entries: [] };
  const devices = new Map<string, FakeDevice>();
  const create = (entry: InventoryDevice): AnyDevice => {
    let d = devices.get(entry.id);
    if (!d) {
      const Fake = FAKES[entry.role];
      if (!Fake) throw new Error(`no fake for ${entry.role} (${entry.id})`);
      devices.set(entry.id, (d = new Fake(entry, log)));
    }
    return d as unknown as AnyDevice;
  };
  const hub = new DeviceHub(inventory, [station], create);
  const leases = new LeaseManager(new MemoryLeases(), { ttlMs: 15_000, retryMs: 5 });
  return {
    inventory,
    station,
    devices,
    hub,
    leases,
    operator: new InstantOperator(),
    clock: new VirtualClock(),
    log,
    device: <T extends FakeDevice>(id: string) => {
      const d = devices.get(id);
      if (!d) create(inventory.devices.find((x) => x.id === id)!);
      return devices.get(id) as T;
    },
  };
}
