import type { InventoryDevice } from '@graftlab/inventory';
import type {
  TitrationCommand,
  TitrationOutcome,
  TitrationResult,
  Titrator,
  TitratorCounters,
  TitratorStatus,
} from '../../capabilities/capabilities';
import { DeviceError, isDeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { POLL_MS, SerialDriver } from '../serial-driver.base';
import {
  checkPrintable,
  numberWithUnit,
  parseAck,
  parseCount,
  parseScan,
  parseVariable,
  refusal,
  TITRATION_FAILURES,
  TITRINO_MESSAGES,
} from './titrino.codec';

/** The sample id field: the commandId goes there, inside "..." and $R(...). 40 characters is assumed. */
const SAMPLE_ID = /^[A-Za-z0-9._:/-]{1,40}$/;
const METHOD_ID = /^[A-Za-z0-9._-]{1,32}$/;
const DEFAULT_MAX_TITRATION_MIN = 90;
/** The instrument's R1 and c·V/m from its EP1 (4 decimals) agree to this, relative. */
const R1_TOLERANCE = 0.005;

/**
 * Autotitrator modelled on the Metrohm Titrino plus remote control over RS-232 (848/877 manuals §10.7:
 * 19200 8N1, software handshake; commands and acknowledgements end in CR LF; every command is acknowledged;
 * the instrument never speaks unprompted, so completion is polled with $D).
 *
 * Command set implemented. [M] = Titrino plus manual; everything marked assumed is graftlab's choice where the
 * manual is silent (the acknowledgement text in particular), mirrored byte for byte by the twin:
 *
 * | → host                       | ← titrator                   | meaning                                       |
 * |------------------------------|------------------------------|-----------------------------------------------|
 * | `$D`                         | `Ready;0` `Busy;0` `Hold;0` `Cond;0`, `Busy;010-119` | status scan; a message number ≠ 0 waits on the display [M] |
 * | `$G`                         | `$G;OK`                      | start / continue [M]; ack assumed              |
 * | `$S`                         | `$S;OK`                      | stop (dosing stops) [M]; ack assumed          |
 * | `$H`                         | `$H;OK`                      | hold [M]; ack assumed                         |
 * | `$A(OK)`                     | `$A;OK`                      | confirm the displayed message [M]; ack assumed|
 * | `$L(IEC-NAOH)`               | `$L;OK`                      | load method by name [M]; ack assumed          |
 * | `$Q(EP1)`                    | `EP1;9.5931;mL` or `EP1;NV`  | variable [M: EP1 R1 C00 CI1]; reply format and NV (not valid) assumed |
 * | `&SmplData.Id1 "cmd-…"`      | `&SmplData.Id1;OK`           | sample id of the next determination (classic Titrino tree syntax; assumed) |
 * | `&SmplData.Size "0.05012"`   | `&SmplData.Size;OK`          | sample size, g (assumed)                      |
 * | `$R(cmd-…)`                  | `$R;OK` / `$R;ERR;000-005`   | recall the determination with this sample id (assumed) |
 *
 * Refusals are `<head>;ERR;<nnn-nnn>` (assumed). Variables (assumed beyond EP1 R1 C00 CI1): PROG program
 * version; SOL installed titrant "<name>;<mol/L>;mol/L"; NDET determinations started, NEND completed with an
 * endpoint, VDOS titrant dosed since power-up (mL); and of the current determination (last started or
 * recalled): CI1, C00, DS running|ended|stopped, MSG its end message, EP1, EPM1 pH at EP1, VTOT dosed, R1.
 * Message numbers: 010-119 check buret unit [M]; 010-130 titrant bottle empty, 010-141 electrode error and
 * the 000-0xx refusals (assumed).
 *
 * Byte-level example, one IEC titration [I] (from the golden trace test-vectors/titrino.trace.json):
 *
 * | # | → host                                    | ← titrator                                   |
 * |---|-------------------------------------------|----------------------------------------------|
 * | 0 | `$Q(PROG)\r\n` (connect)                  | `PROG;5.848.0010\r\n`                        |
 * | 1 | `24 44 0D 0A` `$D\r\n`                    | `52 65 61 64 79 3B 30 0D 0A` `Ready;0\r\n`   |
 * | 2 | `$R(cmd-g4)\r\n`                          | `$R;ERR;000-005\r\n` (unknown: titrate)      |
 * | 3 | `$L(IEC-NAOH)\r\n`                        | `$L;OK\r\n`                                  |
 * | 4 | `$Q(SOL)\r\n`                             | `SOL;NaOH;0.01000;mol/L\r\n`                 |
 * | 5 | `&SmplData.Id1 "cmd-g4"\r\n`              | `&SmplData.Id1;OK\r\n`                       |
 * | 6 | `&SmplData.Size "0.04972"\r\n`            | `&SmplData.Size;OK\r\n`                      |
 * | 7 | `$G\r\n`                                  | `$G;OK\r\n`                                  |
 * | 8 | `$D\r\n` … until                          | `Busy;0\r\n` … `Ready;0\r\n`                 |
 * | 9 | `$R(cmd-g4)\r\n`, `$Q(CI1)` `$Q(DS)` `$Q(MSG)` `$Q(C00)` | `$R;OK\r\n`, `CI1;cmd-g4` `DS;ended` `MSG;0` `C00;0.04972;g` |
 * | 10| `$Q(EP1)\r\n`                             | `45 50 31 3B 39 2E 35 39 33 31 3B 6D 4C 0D 0A` `EP1;9.5931;mL\r\n` |
 * | 11| `$Q(R1)\r\n`                              | `R1;1.9294;mmol/g\r\n` = 0.01 mol/L × 9.5931 mL / 0.04972 g |
 *
 * Idempotence: the commandId is the sample id. Before starting, $R asks whether the titrator already holds a
 * determination with it (a repeat after a crash): if so nothing is started and its outcome is read.
 * Inventory: limits.maxTitrationMin (default 90, lab minutes) bounds the wait for the end of a titration.
 */
export class TitrinoTitrator extends SerialDriver implements Titrator {
  readonly role = 'titrator' as const;

  constructor(device: InventoryDevice, ctx: DriverContext) {
    super(device, ctx, 'crlf');
  }

  protected async onConnect(options?: CommandOptions): Promise<void> {
    await this.identify(options);
  }

  /** PROG: the program version, e.g. "5.848.0010". */
  async identify(options?: CommandOptions): Promise<string> {
    const [version] = await this.required('PROG', options);
    this.identity = version;
    return version;
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const s = await this.titrationStatus(options);
    const state = s.message ? 'alarm' : s.state === 'ready' ? 'ok' : 'busy';
    return this.statusOf(state, {
      titrator: s.state,
      message: s.message,
      meaning: s.message && TITRINO_MESSAGES[s.message],
    });
  }

  async titrationStatus(options?: CommandOptions): Promise<TitratorStatus> {
    const scan = parseScan(this.id, await this.send('$D', options));
    return { ...scan, at: this.ctx.clock.now() };
  }

  async startTitration(command: TitrationCommand, options?: CommandOptions): Promise<{ repeated: boolean }> {
    return { repeated: (await this.start(command, options)).known };
  }

  async titrateIec(command: TitrationCommand, options?: CommandOptions): Promise<TitrationOutcome> {
    try {
      const { known, ended } = await this.start(command, options);
      if (!ended) {
        const maxLabMs =
          command.maxDurationMs ?? (this.device.limits.maxTitrationMin ?? DEFAULT_MAX_TITRATION_MIN) * 60_000;
        const budget = this.ctx.clock.toRealMs(maxLabMs) + (options?.timeoutMs ?? this.timeoutMs) * 2;
        // Every 2 lab seconds, but no slower than once a second of real time.
        const period = Math.min(1000, Math.max(POLL_MS, this.ctx.clock.toRealMs(2000)));
        await this.pollUntil(
          'end of titration',
          budget,
          options,
          async () => {
            const s = await this.titrationStatus(options);
            if (s.state === 'ready') return s;
            // A message while running waits for a person (e.g. 010-119 check buret unit): give up, stop dosing.
            if (s.message) throw refusal(this.id, 'titration', s.message);
            return undefined;
          },
          period,
        );
      }
      return { ...(await this.readResult(command, options)), repeated: known };
    } catch (e) {
      // A refusal started nothing; anything else may have left the burette dosing.
      if (!isDeviceError(e, 'refused')) await this.safeStateAfterFailure(() => this.safeState());
      throw e;
    }
  }

  async readResult(command: TitrationCommand, options?: CommandOptions): Promise<TitrationResult> {
    const id = command.commandId;
    if (!(await this.recall(id, options))) {
      throw new DeviceError('device', this.id, `the titrator holds no determination ${id}`, '000-005');
    }
    const [determination] = await this.required('CI1', options);
    if (determination !== id) {
      throw new DeviceError(
        'protocol',
        this.id,
        `recalled ${id} but the current determination is ${determination}`,
      );
    }
    const [state] = await this.required('DS', options);
    if (state === 'running')
      throw new DeviceError(
        'device',
        this.id,
        `determination ${id} is still running`,
        TITRATION_FAILURES.running,
      );
    const [message] = await this.required('MSG', options);
    if (message !== '0') throw refusal(this.id, `determination ${id}`, message);
    if (state !== 'ended') {
      throw new DeviceError(
        'device',
        this.id,
        `determination ${id} was stopped before its end`,
        TITRATION_FAILURES.stopped,
      );
    }
    const size = this.measure('C00', await this.required('C00', options), ['g']).value;
    if (Math.abs(size - command.sampleMassG) > 1e-5) {
      throw new DeviceError(
        'device',
        this.id,
        `determination ${id} was titrated as ${size} g, not ${command.sampleMassG} g`,
        'C00',
      );
    }
    const ep1 = await this.variable('EP1', options);
    if (!ep1) {
      throw new DeviceError(
        'device',
        this.id,
        `determination ${id}: no endpoint found`,
        TITRATION_FAILURES.noEndpoint,
      );
    }
    const equivalenceMl = this.measure('EP1', ep1, ['mL']).value;
    const endpoint = this.measure('EPM1', await this.required('EPM1', options), ['pH', 'mV']);
    const consumedMl = this.measure('VTOT', await this.required('VTOT', options), ['mL']).value;
    const r1 = this.measure('R1', await this.required('R1', options), ['mmol/g']).value;
    const iecMmolPerG = (command.titrantMolPerL * equivalenceMl) / command.sampleMassG;
    if (Math.abs(r1 - iecMmolPerG) > R1_TOLERANCE * Math.abs(iecMmolPerG) + 5e-4) {
      throw new DeviceError(
        'device',
        this.id,
        `the titrator's R1 ${r1} mmol/g disagrees with c·V/m ${iecMmolPerG.toFixed(4)} (titrant data differ)`,
        'R1',
      );
    }
    return {
      commandId: id,
      equivalenceMl,
      endpointPh: endpoint.unit === 'pH' ? endpoint.value : undefined,
      endpointMv: endpoint.unit === 'mV' ? endpoint.value : undefined,
      consumedMl,
      sampleMassG: size,
      titrant: command.titrant,
      titrantMolPerL: command.titrantMolPerL,
      iecMmolPerG,
      instrumentIecMmolPerG: r1,
      at: this.ctx.clock.now(),
    };
  }

  async abort(options?: CommandOptions): Promise<void> {
    await this.ack('$S', '$S', options);
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.abort(options);
  }

  /** $S, confirm any message left by the stopped determination, and check the titrator reports ready. */
  async safeState(options?: CommandOptions): Promise<void> {
    await this.abort(options);
    let s = await this.titrationStatus(options);
    if (s.state === 'ready' && s.message) {
      await this.ack('$A(OK)', '$A', options);
      s = await this.titrationStatus(options);
    }
    if (s.state !== 'ready') {
      throw new DeviceError('device', this.id, `titrator still ${s.state} after $S`, s.message ?? s.state);
    }
  }

  async counters(options?: CommandOptions): Promise<TitratorCounters> {
    return {
      titrationsStarted: parseCount(this.id, 'NDET', await this.required('NDET', options)),
      titrationsCompleted: parseCount(this.id, 'NEND', await this.required('NEND', options)),
      dispensedMl: this.measure('VDOS', await this.required('VDOS', options), ['mL']).value,
    };
  }

  /**
   * Everything up to and including $G. A commandId the titrator knows starts nothing: `known`, and `ended`
   * when that determination is over (else it is the one running).
   */
  private async start(
    command: TitrationCommand,
    options?: CommandOptions,
  ): Promise<{ known: boolean; ended: boolean }> {
    this.check(command);
    const scan = await this.titrationStatus(options);
    if (await this.recall(command.commandId, options)) {
      const [state] = await this.required('DS', options);
      return { known: true, ended: state !== 'running' };
    }
    if (scan.state !== 'ready') {
      throw new DeviceError('refused', this.id, `the titrator is ${scan.state} with another determination`);
    }
    // A message left by an earlier determination (its outcome is stored with it) blocks the next start.
    if (scan.message) await this.ack('$A(OK)', '$A', options);
    await this.ack(`$L(${command.methodId})`, '$L', options);
    const [titrant, conc] = await this.required('SOL', options);
    const molPerL = Number(conc);
    if (
      titrant !== command.titrant ||
      !(Math.abs(molPerL - command.titrantMolPerL) <= 0.005 * command.titrantMolPerL)
    ) {
      throw new DeviceError(
        'refused',
        this.id,
        `the titrator holds ${conc} mol/L ${titrant}, the command needs ${command.titrantMolPerL} mol/L ${command.titrant}`,
      );
    }
    await this.ack(`&SmplData.Id1 "${command.commandId}"`, '&SmplData.Id1', options);
    await this.ack(`&SmplData.Size "${command.sampleMassG.toFixed(5)}"`, '&SmplData.Size', options);
    try {
      await this.ack('$G', '$G', options);
    } catch (e) {
      // Perhaps started after all (a lost acknowledgement): stop dosing; a retry with the same id finds it.
      await this.safeStateAfterFailure(() => this.abort());
      throw e;
    }
    return { known: false, ended: false };
  }

  private check(command: TitrationCommand): void {
    const problems: string[] = [];
    if (!SAMPLE_ID.test(command.commandId)) problems.push(`commandId ${JSON.stringify(command.commandId)}`);
    if (!METHOD_ID.test(command.methodId)) problems.push(`methodId ${JSON.stringify(command.methodId)}`);
    if (!(command.sampleMassG > 0 && command.sampleMassG < 100))
      problems.push(`sample mass ${command.sampleMassG} g`);
    if (!(command.titrantMolPerL > 0)) problems.push(`titrant concentration ${command.titrantMolPerL} mol/L`);
    if (problems.length) throw new DeviceError('refused', this.id, `cannot titrate: ${problems.join(', ')}`);
  }

  /** $R: true when the titrator holds a determination with this sample id (now the current one). */
  private async recall(id: string, options?: CommandOptions): Promise<boolean> {
    const text = await this.send(`$R(${id})`, options);
    if (text === '$R;ERR;000-005') return false;
    parseAck(this.id, '$R', text);
    return true;
  }

  private async ack(cmd: string, head: string, options?: CommandOptions): Promise<void> {
    parseAck(this.id, head, await this.send(cmd, options));
  }

  private async variable(name: string, options?: CommandOptions): Promise<string[] | undefined> {
    return parseVariable(this.id, name, await this.send(`$Q(${name})`, options));
  }

  private async required(name: string, options?: CommandOptions): Promise<string[]> {
    const fields = await this.variable(name, options);
    if (!fields) throw new DeviceError('protocol', this.id, `$Q(${name}) is not valid (NV)`);
    return fields;
  }

  private measure(
    name: string,
    fields: readonly string[],
    units: readonly string[],
  ): { value: number; unit: string } {
    return numberWithUnit(this.id, name, fields, units);
  }

  private async send(cmd: string, options?: CommandOptions): Promise<string> {
    const text = (await this.request(`${cmd}\r\n`, options)).toString('latin1');
    checkPrintable(this.id, text, cmd);
    return text;
  }
}
