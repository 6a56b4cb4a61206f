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

/**
 * One titration on the sample lying in the titrator's cell, with a method stored on the titrator. For IEC,
 * e.g. method "IEC-NAOH": exchange in 1 M NaCl, then titrate the released acid with 0.01 M NaOH to the
 * equivalence point. The commandId becomes the determination's sample id, so a repeat is recognised.
 */
export interface TitrationCommand extends PhysicalCommand {
  readonly methodId: string;
  /** Dry mass of the sample, g: entered as the determination's sample size. */
  readonly sampleMassG: number;
  /** Titrant the titrator must hold (e.g. "NaOH") and its concentration, mol/L: checked, never set. */
  readonly titrant: string;
  readonly titrantMolPerL: number;
  /** Longest the method may take (exchange and titration), lab ms; default from the inventory. */
  readonly maxDurationMs?: number;
}

export interface TitrationResult {
  readonly commandId: string;
  /** Titrant volume at the equivalence point (EP1), mL. */
  readonly equivalenceMl: number;
  /** Measured value at the endpoint: pH for a pH electrode, mV otherwise. */
  readonly endpointPh?: number;
  readonly endpointMv?: number;
  /** Titrant dosed in the whole determination (it runs past the endpoint), mL. */
  readonly consumedMl: number;
  /** Sample size as the titrator recorded it, g. */
  readonly sampleMassG: number;
  readonly titrant: string;
  readonly titrantMolPerL: number;
  /** c·V/m computed here from the command's concentration and mass and the measured EP1, mmol/g. */
  readonly iecMmolPerG: number;
  /** The titrator's own result R1, mmol/g (it must agree with iecMmolPerG). */
  readonly instrumentIecMmolPerG: number;
  /** Lab-clock time of the read-out, ms. */
  readonly at: number;
}

export interface TitrationOutcome extends TitrationResult {
  /** True when the titrator already knew the commandId: its stored outcome, no second titration. */
  readonly repeated: boolean;
}

export type TitratorState = 'ready' | 'busy' | 'hold' | 'conditioning';

export interface TitratorStatus {
  readonly state: TitratorState;
  /** Number of a message waiting on the titrator (e.g. "010-141"), if any. */
  readonly message?: string;
  readonly at: number;
}

/** The titrator's own counts since power-up: what a crash is reconciled against. */
export interface TitratorCounters {
  readonly titrationsStarted: number;
  /** Determinations that ended with a valid endpoint. */
  readonly titrationsCompleted: number;
  /** Titrant dosed by the burette, mL. */
  readonly dispensedMl: number;
}

export interface Titrator extends Device {
  readonly role: 'titrator';
  /**
   * Loads the method, checks the installed titrant, enters sample id and size and starts. A commandId the
   * titrator already knows starts nothing ({repeated: true}); 'refused' while another determination runs.
   */
  startTitration(command: TitrationCommand, options?: CommandOptions): Promise<{ repeated: boolean }>;
  titrationStatus(options?: CommandOptions): Promise<TitratorStatus>;
  /**
   * The result of the command's determination. DeviceError 'device' when it ended without one: code "NV"
   * (no endpoint found), a message number (electrode error, titrant empty, ...), "stopped" or "running".
   */
  readResult(command: TitrationCommand, options?: CommandOptions): Promise<TitrationResult>;
  /** start, wait for the end, read the result; on any failure dosing is stopped. */
  titrateIec(command: TitrationCommand, options?: CommandOptions): Promise<TitrationOutcome>;
  /** Stops the running determination (and its dosing) now. */
  abort(options?: CommandOptions): Promise<void>;
  counters(options?: CommandOptions): Promise<TitratorCounters>;
}

/** Where the resistance is measured across, in the caller's units (σ in S/cm needs cm). */
export type CellGeometry =
  /** Two electrodes on either face: σ = L/(R·A), L the membrane thickness. */
  | { readonly mode: 'through-plane'; readonly thicknessUm: number; readonly areaCm2: number }
  /** Four probes along the film: σ = L/(R·w·d), L the distance between the sensing probes. */
  | {
      readonly mode: 'in-plane';
      readonly probeSpacingCm: number;
      readonly widthCm: number;
      readonly thicknessUm: number;
    };

export interface ImpedanceSweep {
  readonly startHz: number;
  readonly stopHz: number;
  /** Points, logarithmically spaced. */
  readonly points: number;
  /** AC amplitude, V rms. */
  readonly amplitudeV: number;
}

/** One point of a spectrum: Z = re + j·im, Ω. */
export interface ImpedancePoint {
  readonly fHz: number;
  readonly re: number;
  readonly im: number;
}

export interface ConductivityCommand extends PhysicalCommand {
  readonly geometry: CellGeometry;
  /** Cell temperature, recorded with the result (the analyser does not measure it). */
  readonly temperatureC?: number;
  /** Overrides of the default sweep (1 MHz to 100 Hz, 41 points, 10 mV). */
  readonly sweep?: Partial<ImpedanceSweep>;
}

export interface ConductivityResult {
  readonly commandId: string;
  /** Membrane resistance: the high-frequency real-axis intercept of the Nyquist plot, Ω. */
  readonly resistanceOhm: number;
  readonly conductivitySPerCm: number;
  readonly conductivityMsPerCm: number;
  /** How the intercept was found: circle fit of the arc, extrapolation of the top points, or the top point. */
  readonly fit: 'arc' | 'extrapolated' | 'nearest';
  readonly geometry: CellGeometry;
  readonly temperatureC?: number;
  readonly sweep: ImpedanceSweep;
  /** From the highest frequency down. */
  readonly spectrum: readonly ImpedancePoint[];
  readonly at: number;
}

export interface ImpedanceAnalyser extends Device {
  readonly role: 'impedance-analyser';
  /** One single sweep, read back as Z', Z'' per frequency; the commandId labels it on the analyser. */
  sweep(
    sweep: ImpedanceSweep & { readonly commandId?: string },
    options?: CommandOptions,
  ): Promise<ImpedancePoint[]>;
  /**
   * Sweeps, fits the high-frequency intercept R and computes σ from the caller's geometry. DeviceError
   * 'device' with the SCPI error number for an error-queue entry, or code "open-circuit" when the cell shows
   * no resistive intercept (no sample, no contact, or an insulating film).
   */
  measureConductivity(command: ConductivityCommand, options?: CommandOptions): Promise<ConductivityResult>;
}

export type AnyDevice =
  | Dispenser
  | Balance
  | Shutter
  | Irradiator
  | TemperatureController
  | GasController
  | O2Sensor
  | SampleHandler
  | Titrator
  | ImpedanceAnalyser;
