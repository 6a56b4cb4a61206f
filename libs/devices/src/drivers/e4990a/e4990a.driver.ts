import type { InventoryDevice } from '@graftlab/inventory';
import type {
  CellGeometry,
  ConductivityCommand,
  ConductivityResult,
  ImpedanceAnalyser,
  ImpedancePoint,
  ImpedanceSweep,
} from '../../capabilities/capabilities';
import { DeviceError, isDeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { conductivityFromResistance, highFrequencyIntercept } from '../impedance.fit';
import { POLL_MS, SerialDriver } from '../serial-driver.base';
import { nr3, parseNumberList, parseScpiError, parseScpiNumber } from './scpi.codec';

/** STAT:OPER:COND? bit 4: a sweep is being measured. */
const MEASURING = 1 << 4;
export const DEFAULT_SWEEP: ImpedanceSweep = { startHz: 1e6, stopHz: 100, points: 41, amplitudeV: 0.01 };
const DEFAULT_MAX_SWEEP_S = 120;
/** Above this resistance the cell is open (no sample, no contact, or an insulating film), Ω. */
const DEFAULT_OPEN_CIRCUIT_OHM = 1e8;
/** At the highest frequency a contacted membrane is mostly resistive; an open fixture is a pure capacitance. */
const MIN_RESISTIVE_FRACTION = 0.05;
/** The sweep title carries the commandId: printable, no quotes. */
const TITLE = /^[\x20\x21\x23-\x7e]{1,64}$/;

/**
 * Impedance analyser modelled on the Keysight E4990A, SCPI over a raw TCP socket (port 5025 on the
 * instrument; the virtual lab serves its twin on the inventory's port). Commands end in LF; only queries (…?)
 * are answered, one LF-terminated line each, so every set-up is followed by draining SYST:ERR? and the sweep
 * is read back (its frequencies) before it is trusted.
 *
 * SCPI subset implemented. [S] IEEE 488.2 / SCPI common; [D] as open-source E4990A drivers send it; VERIFY:
 * from the E4990A command family, not yet checked against its programming guide; assumed: graftlab's choice.
 *
 * | → host                                   | ← analyser                                       | meaning                       |
 * |------------------------------------------|--------------------------------------------------|-------------------------------|
 * | `*IDN?`                                  | `Keysight Technologies,E4990A,MY54300211,A.02.14` | identity [S]                 |
 * | `*RST` `*CLS`                            | —                                                | reset; clear status and error queue [S] |
 * | `*OPC?`                                  | `1`                                              | after pending operations (a sweep) [S] |
 * | `:SYST:ERR?`                             | `+0,"No error"` / `-222,"Data out of range"`     | oldest error-queue entry [S][D] |
 * | `:SENS1:SWE:TYPE LOG`                    | —                                                | log sweep (VERIFY)            |
 * | `:SENS1:FREQ:STAR 1.000000E+02`, `:STOP` | —                                                | sweep range, Hz [D]; 20 Hz – 10 MHz (VERIFY) |
 * | `:SENS1:SWE:POIN 41`                     | —                                                | points [D]; 2 – 1601 (VERIFY) |
 * | `:SOUR1:MODE VOLT`, `:SOUR1:VOLT 1.0000E-02` | —                                            | AC level, V [D]; 5 mV – 1 V (VERIFY) |
 * | `:FORM:DATA ASC`                         | —                                                | ASCII data [D]                |
 * | `:TRIG:SOUR BUS`, `:TRIG:SING`           | —                                                | one sweep on command [D] (TRIG:SING VERIFY) |
 * | `:STAT:OPER:COND?`                       | `16` while measuring, else `0`                   | bit 4 = measuring [D]         |
 * | `:SENS1:FREQ:DATA?`                      | `+1.000000000E+02,+1.258925412E+02,…`            | the sweep's frequencies [D]   |
 * | `:CALC1:DATA:RDAT?`                      | `+2.802873432E+03,-2.164257093E+02,…`            | Z′,Z″ per point, Ω [D]; number format assumed |
 * | `:DISP:WIND1:TITL:DATA "cmd-…"`          | —                                                | sweep title = commandId (VERIFY; use assumed) |
 * | `:INIT1:CONT OFF`, `:ABOR`               | —                                                | stop sweeping [D] (ABOR VERIFY) |
 *
 * Byte-level example [I] (the golden trace test-vectors/e4990a.trace.json, a 50 µm film in the in-plane cell):
 *
 * | → host                                                  | ← analyser                                   |
 * |---------------------------------------------------------|----------------------------------------------|
 * | `2A 49 44 4E 3F 0A` `*IDN?\n`                           | `Keysight Technologies,E4990A,MY54300211,A.02.14\n` |
 * | `*CLS\n` `:SENS1:SWE:TYPE LOG\n` … `:DISP:WIND1:TITL:DATA "cmd-g5"\n` | —                              |
 * | `:SYST:ERR?\n`                                          | `2B 30 2C 22 4E 6F 20 65 72 72 6F 72 22 0A` `+0,"No error"\n` |
 * | `:TRIG:SING\n`, `:STAT:OPER:COND?\n` …                  | `16\n` … `0\n`                               |
 * | `*OPC?\n`, `:SYST:ERR?\n`                               | `1\n`, `+0,"No error"\n`                      |
 * | `:SENS1:FREQ:DATA?\n`                                   | `+1.000000000E+02,+1.258925412E+02,…,+1.000000000E+06\n` |
 * | `:CALC1:DATA:RDAT?\n`                                   | `+2.802873432E+03,-2.164257093E+02,…,+1.751543364E+03,-3.086792242E+01\n` |
 *
 * The arc fit of that spectrum gives R = 1750.9 Ω, so σ = 0.425 cm / (1750.9 Ω · 1 cm · 0.005 cm) = 48.5 mS/cm.
 *
 * Errors: no answer is 'timeout'; an unparseable line 'protocol'; an error-queue entry DeviceError 'device'
 * with the SCPI number as code (e.g. "-222"); a spectrum without a resistive intercept 'device' code
 * "open-circuit". Measuring moves nothing, so a repeated commandId simply measures (the twin, keyed on the
 * title, answers a repeat with the same spectrum). Inventory: limits.openCircuitOhm (default 1e8 Ω) and
 * limits.maxSweepS (120 lab s, the wait for one sweep).
 */
export class E4990aImpedanceAnalyser extends SerialDriver implements ImpedanceAnalyser {
  readonly role = 'impedance-analyser' as const;

  constructor(device: InventoryDevice, ctx: DriverContext) {
    super(device, ctx, 'scpi');
  }

  protected async onConnect(options?: CommandOptions): Promise<void> {
    await this.identify(options);
  }

  async identify(options?: CommandOptions): Promise<string> {
    const idn = await this.query('*IDN?', options);
    if (idn.split(',').length !== 4)
      throw new DeviceError('protocol', this.id, `*IDN? answered ${JSON.stringify(idn)}`);
    this.identity = idn;
    return idn;
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const condition = await this.operationCondition(options);
    const measuring = (condition & MEASURING) !== 0;
    return this.statusOf(measuring ? 'busy' : 'ok', { measuring, operationCondition: condition });
  }

  async sweep(
    sweep: ImpedanceSweep & { readonly commandId?: string },
    options?: CommandOptions,
  ): Promise<ImpedancePoint[]> {
    const low = Math.min(sweep.startHz, sweep.stopHz);
    const high = Math.max(sweep.startHz, sweep.stopHz);
    const problems: string[] = [];
    if (!(low > 0 && Number.isFinite(high)))
      problems.push(`frequencies ${sweep.startHz}..${sweep.stopHz} Hz`);
    if (!Number.isInteger(sweep.points) || sweep.points < 2) problems.push(`${sweep.points} points`);
    if (!(sweep.amplitudeV > 0 && Number.isFinite(sweep.amplitudeV))) problems.push(`${sweep.amplitudeV} V`);
    if (sweep.commandId !== undefined && !TITLE.test(sweep.commandId))
      problems.push(`commandId ${JSON.stringify(sweep.commandId)}`);
    if (problems.length) throw new DeviceError('refused', this.id, `cannot sweep: ${problems.join(', ')}`);

    const setup = [
      '*CLS',
      ':SENS1:SWE:TYPE LOG',
      `:SENS1:FREQ:STAR ${nr3(low)}`,
      `:SENS1:FREQ:STOP ${nr3(high)}`,
      `:SENS1:SWE:POIN ${sweep.points}`,
      ':SOUR1:MODE VOLT',
      `:SOUR1:VOLT ${nr3(sweep.amplitudeV, 4)}`,
      ':FORM:DATA ASC',
      ':TRIG:SOUR BUS',
      ...(sweep.commandId === undefined ? [] : [`:DISP:WIND1:TITL:DATA "${sweep.commandId}"`]),
    ];
    await this.write(setup, options);
    await this.drainErrors('sweep set-up', options);
    await this.write([':TRIG:SING'], options);
    const budget =
      this.ctx.clock.toRealMs((this.device.limits.maxSweepS ?? DEFAULT_MAX_SWEEP_S) * 1000) +
      (options?.timeoutMs ?? this.timeoutMs) * 2;
    const period = Math.min(500, Math.max(POLL_MS, this.ctx.clock.toRealMs(200)));
    await this.pollUntil(
      'end of sweep',
      budget,
      options,
      async () => ((await this.operationCondition(options)) & MEASURING ? undefined : true),
      period,
    );
    const opc = await this.query('*OPC?', options);
    if (opc !== '1') throw new DeviceError('protocol', this.id, `*OPC? answered ${JSON.stringify(opc)}`);
    await this.drainErrors('sweep', options);

    const freqs = parseNumberList(this.id, await this.query(':SENS1:FREQ:DATA?', options), 'frequencies');
    const z = parseNumberList(this.id, await this.query(':CALC1:DATA:RDAT?', options), 'impedance data');
    if (freqs.length !== sweep.points || z.length !== 2 * sweep.points) {
      throw new DeviceError(
        'protocol',
        this.id,
        `expected ${sweep.points} points, got ${freqs.length} frequencies and ${z.length / 2} impedances`,
      );
    }
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * b;
    if (!close(Math.min(...freqs), low) || !close(Math.max(...freqs), high)) {
      throw new DeviceError(
        'device',
        this.id,
        `sweep reads ${Math.min(...freqs)}..${Math.max(...freqs)} Hz, expected ${low}..${high} Hz`,
        'readback',
      );
    }
    return freqs.map((fHz, i) => ({ fHz, re: z[2 * i], im: z[2 * i + 1] })).sort((a, b) => b.fHz - a.fHz);
  }

  async measureConductivity(
    command: ConductivityCommand,
    options?: CommandOptions,
  ): Promise<ConductivityResult> {
    checkGeometry(this.id, command.geometry);
    const sweep: ImpedanceSweep = { ...DEFAULT_SWEEP, ...command.sweep };
    try {
      const spectrum = await this.sweep({ ...sweep, commandId: command.commandId }, options);
      const top = spectrum[0];
      const openOhm = this.device.limits.openCircuitOhm ?? DEFAULT_OPEN_CIRCUIT_OHM;
      const fit = highFrequencyIntercept(spectrum);
      if (
        !fit ||
        top.re < MIN_RESISTIVE_FRACTION * Math.hypot(top.re, top.im) ||
        !(fit.resistanceOhm > 0) ||
        fit.resistanceOhm > openOhm
      ) {
        throw new DeviceError(
          'device',
          this.id,
          `no resistive intercept (|Z| ${Math.hypot(top.re, top.im).toExponential(2)} Ω at ${top.fHz} Hz, ` +
            `phase ${((Math.atan2(top.im, top.re) * 180) / Math.PI).toFixed(1)}°): open circuit, no contact ` +
            'or an insulating film',
          'open-circuit',
        );
      }
      const conductivitySPerCm = conductivityFromResistance(fit.resistanceOhm, command.geometry);
      return {
        commandId: command.commandId,
        resistanceOhm: fit.resistanceOhm,
        conductivitySPerCm,
        conductivityMsPerCm: conductivitySPerCm * 1000,
        fit: fit.fit,
        geometry: command.geometry,
        temperatureC: command.temperatureC,
        sweep,
        spectrum,
        at: this.ctx.clock.now(),
      };
    } catch (e) {
      if (!isDeviceError(e, 'refused')) await this.safeStateAfterFailure(() => this.safeState());
      throw e;
    }
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.safeState(options);
  }

  /** No sweep running and none restarting: continuous initiation off, abort, then check bit 4 is clear. */
  async safeState(options?: CommandOptions): Promise<void> {
    await this.write([':INIT1:CONT OFF', ':ABOR'], options);
    if ((await this.operationCondition(options)) & MEASURING) {
      throw new DeviceError('device', this.id, 'still measuring after :ABOR', 'measuring');
    }
  }

  private async operationCondition(options?: CommandOptions): Promise<number> {
    const n = parseScpiNumber(this.id, await this.query(':STAT:OPER:COND?', options), 'operation condition');
    if (!Number.isInteger(n) || n < 0) throw new DeviceError('protocol', this.id, `operation condition ${n}`);
    return n;
  }

  /** Reads the error queue empty; the first entry becomes DeviceError 'device' with its SCPI number. */
  private async drainErrors(what: string, options?: CommandOptions): Promise<void> {
    let first: { code: number; message: string } | undefined;
    for (let i = 0; i < 32; i++) {
      const e = parseScpiError(this.id, await this.query(':SYST:ERR?', options));
      if (e.code === 0) break;
      first ??= e;
    }
    if (first) throw new DeviceError('device', this.id, `${what}: ${first.message}`, String(first.code));
  }

  /** Commands without an answer, in one transaction. */
  private write(commands: readonly string[], options?: CommandOptions): Promise<void> {
    return this.transact(options, async (tx) => {
      for (const c of commands) await tx.write(`${c}\n`);
    });
  }

  private async query(cmd: string, options?: CommandOptions): Promise<string> {
    const text = (await this.request(`${cmd}\n`, options)).toString('latin1');
    if (text === '' || /[^\x20-\x7e]/.test(text))
      throw new DeviceError(
        'protocol',
        this.id,
        `garbled answer to ${cmd}: ${JSON.stringify(text.slice(0, 40))}`,
      );
    return text;
  }
}

function checkGeometry(deviceId: string, g: CellGeometry): void {
  const values =
    g.mode === 'through-plane'
      ? [g.thicknessUm, g.areaCm2]
      : g.mode === 'in-plane'
        ? [g.probeSpacingCm, g.widthCm, g.thicknessUm]
        : [];
  if (values.length === 0 || !values.every((v) => v > 0 && Number.isFinite(v))) {
    throw new DeviceError('refused', deviceId, `cell geometry ${JSON.stringify(g)} is not usable`);
  }
}
