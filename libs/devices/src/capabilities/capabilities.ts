import type { CommandOptions, Device } from './device.capability';

/** A command that moves matter or energy carries an id, stable for (run, step key, attempt). */
export interface PhysicalCommand {
  readonly commandId: string;
}

export interface DispenseCounters {
  /** Total volume infused since the counter was last cleared, mL (device read-back). */
  readonly infusedMl: number;
  readonly withdrawnMl: number;
}

export interface Dispenser extends Device {
  readonly role: 'dispenser';
  /** Infuses volumeMl at rateMlPerMin and waits for completion; returns the delivered volume read back from the device. */
  dispense(
    command: PhysicalCommand & { volumeMl: number; rateMlPerMin: number },
    options?: CommandOptions,
  ): Promise<{ deliveredMl: number }>;
  counters(options?: CommandOptions): Promise<DispenseCounters>;
}

export interface BalanceReading {
  readonly grams: number;
  readonly stable: boolean;
  /** Lab-clock time of the reading, ms. */
  readonly at: number;
  /** The raw response line, kept for provenance. */
  readonly raw: string;
}

export interface Balance extends Device {
  readonly role: 'balance';
  /** Stable weight (MT-SICS S); DeviceError 'device' with code "I" when it cannot stabilise in time. */
  weighStable(options?: CommandOptions): Promise<BalanceReading>;
  /** Immediate weight, stable or dynamic (MT-SICS SI). */
  weighImmediate(options?: CommandOptions): Promise<BalanceReading>;
  zero(options?: CommandOptions): Promise<void>;
  tare(options?: CommandOptions): Promise<number>;
}

export interface ExposureResult {
  /** Open time measured and reported by the controller itself, ms (lab clock). */
  readonly actualOpenMs: number;
  readonly requestedMs: number;
}

export interface ShutterCounters {
  /** Number of completed timed exposures since power-up. */
  readonly exposures: number;
  /** Sum of open times since power-up, ms. */
  readonly cumulativeOpenMs: number;
  readonly closed: boolean;
  readonly interlockTripped: boolean;
}

/** A shutter whose controller times the exposure on its own clock (the host never defines the dose). */
export interface Shutter extends Device {
  readonly role: 'shutter';
  expose(
    command: PhysicalCommand & { durationMs: number },
    options?: CommandOptions,
  ): Promise<ExposureResult>;
  counters(options?: CommandOptions): Promise<ShutterCounters>;
}

export type SourcePosition = 'stored' | 'transit' | 'exposed';

/** Read-only facility permissives: software only ever reads these, it is never the interlock. */
export interface IrradiatorPermissives {
  readonly doorClosed: boolean;
  readonly areaMonitorOk: boolean;
  readonly keyEnabled: boolean;
  readonly interlockTripped: boolean;
  readonly sourcePosition: SourcePosition;
  readonly at: number;
}

export interface Irradiator extends Device {
  readonly role: 'irradiator';
  permissives(options?: CommandOptions): Promise<IrradiatorPermissives>;
  /** Requests the source to the exposed position; the facility confirms or refuses (interlock, door, key). */
  raiseSource(command: PhysicalCommand, options?: CommandOptions): Promise<void>;
  /** Returns the source to its shielded position and confirms it. */
  lowerSource(command: PhysicalCommand, options?: CommandOptions): Promise<void>;
}

export interface TemperatureController extends Device {
  readonly role: 'temperature-controller';
  setSetpoint(celsius: number, options?: CommandOptions): Promise<void>;
  start(options?: CommandOptions): Promise<void>;
  readTemperature(options?: CommandOptions): Promise<number>;
  readSetpoint(options?: CommandOptions): Promise<number>;
}

export interface GasController extends Device {
  readonly role: 'gas-controller';
  setFlow(sccm: number, options?: CommandOptions): Promise<void>;
  readFlow(options?: CommandOptions): Promise<{ flowSccm: number; setpointSccm: number }>;
}

export interface O2Sensor extends Device {
  readonly role: 'o2-sensor';
  readPpm(options?: CommandOptions): Promise<number>;
}

export interface SampleHandler extends Device {
  readonly role: 'sample-handler';
  /** Moves a sample between named locations; idempotent by commandId (a duplicate is acknowledged, not repeated). */
  move(
    command: PhysicalCommand & { sampleId: string; from: string; to: string },
    options?: CommandOptions,
  ): Promise<void>;
  /** Where the robot believes a sample is (for reconciliation). */
  locate(sampleId: string, options?: CommandOptions): Promise<string | undefined>;
}

export type AnyDevice =
  | Dispenser
  | Balance
  | Shutter
  | Irradiator
  | TemperatureController
  | GasController
  | O2Sensor
  | SampleHandler;
