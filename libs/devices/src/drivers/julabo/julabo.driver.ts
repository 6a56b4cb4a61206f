import type { InventoryDevice } from '@graftlab/inventory';
import type { TemperatureController } from '../../capabilities/capabilities';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { isDeviceError } from '../../capabilities/device-error';
import { sleepReal } from '../../transports/abortable';
import { parseNumber, SerialDriver } from '../serial-driver.base';

/** JULABO wire rule: at least 250 ms between an OUT command and its neighbours (real time, whatever the lab clock). */
export const JULABO_OUT_GAP_MS = 250;

/**
 * JULABO circulator (4800 7E1 RTS/CTS from the inventory; CR out, CR LF back). out_ commands send no reply,
 * so every set is verified by reading it back, and errors are fetched with `status` ("-08 INVALID COMMAND").
 */
export class JulaboCirculator extends SerialDriver implements TemperatureController {
  readonly role = 'temperature-controller' as const;
  private lastCommandAt = -Infinity;
  private lastWasOut = false;

  constructor(device: InventoryDevice, ctx: DriverContext) {
    super(device, ctx, 'crlf');
  }

  /** The first query after power-up is lost (dvg-devices): send a throw-away `version`, then the real one. */
  protected async onConnect(options?: CommandOptions): Promise<void> {
    try {
      await this.query('version', { signal: options?.signal, timeoutMs: Math.min(this.timeoutMs, 300) });
    } catch (e) {
      if (!isDeviceError(e, 'timeout')) throw e;
    }
    await this.identify(options);
  }

  async identify(options?: CommandOptions): Promise<string> {
    this.identity = await this.query('version', options);
    return this.identity;
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const temperatureC = await this.readTemperature(options);
    const setpointC = await this.readSetpoint(options);
    const running = (await this.query('in_mode_05', options)) === '1';
    const status = await this.query('status', options);
    const state = status.startsWith('-') ? 'alarm' : 'ok';
    return this.statusOf(state, { temperatureC, setpointC, running, status });
  }

  async setSetpoint(celsius: number, options?: CommandOptions): Promise<void> {
    const { minC, maxC } = this.device.limits;
    if (
      !Number.isFinite(celsius) ||
      (minC !== undefined && celsius < minC) ||
      (maxC !== undefined && celsius > maxC)
    ) {
      throw new DeviceError('refused', this.id, `setpoint ${celsius} °C is outside ${minC}..${maxC}`);
    }
    try {
      await this.out(`out_sp_00 ${celsius.toFixed(2)}`, options);
      const read = await this.readSetpoint(options);
      if (Math.abs(read - celsius) > 0.005)
        await this.failWithStatus(`setpoint reads ${read}, expected ${celsius}`, options);
    } catch (e) {
      await this.safeStateAfterFailure(() => this.safeState());
      throw e;
    }
  }

  /** Heater and circulation on (out_mode_05 1), verified with in_mode_05. */
  async start(options?: CommandOptions): Promise<void> {
    try {
      await this.setMode(1, options);
    } catch (e) {
      await this.safeStateAfterFailure(() => this.safeState());
      throw e;
    }
  }

  async readTemperature(options?: CommandOptions): Promise<number> {
    const t = parseNumber(this.id, await this.query('in_pv_00', options), 'bath temperature');
    this.telemetry('temperatureC', t, '°C');
    return t;
  }

  async readSetpoint(options?: CommandOptions): Promise<number> {
    return parseNumber(this.id, await this.query('in_sp_00', options), 'setpoint');
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.safeState(options);
  }

  /** Heater and circulation off (out_mode_05 0), verified. */
  async safeState(options?: CommandOptions): Promise<void> {
    await this.setMode(0, options);
  }

  private async setMode(mode: 0 | 1, options?: CommandOptions): Promise<void> {
    await this.out(`out_mode_05 ${mode}`, options);
    const read = await this.query('in_mode_05', options);
    if (read !== String(mode))
      await this.failWithStatus(`in_mode_05 reads ${read}, expected ${mode}`, options);
  }

  /** A set did not take: the reason is in `status`; a negative number there is the device's error code. */
  private async failWithStatus(what: string, options?: CommandOptions): Promise<never> {
    const status = await this.query('status', options);
    const code = /^(-\d+)/.exec(status)?.[1];
    if (code) throw new DeviceError('device', this.id, `${what}: ${status}`, code);
    throw new DeviceError('device', this.id, `${what} (status ${status})`, 'readback');
  }

  private async query(cmd: string, options?: CommandOptions): Promise<string> {
    return this.transact(options, async (tx) => {
      await this.gap(false, options);
      const frame = await this.sent(() => tx.request(`${cmd}\r`), false);
      const text = frame.toString('latin1').trim();
      if (/[^\x20-\x7e]/.test(text)) throw new DeviceError('protocol', this.id, `garbled answer to ${cmd}`);
      return text;
    });
  }

  private out(cmd: string, options?: CommandOptions): Promise<void> {
    return this.transact(options, async (tx) => {
      await this.gap(true, options);
      await this.sent(() => tx.write(`${cmd}\r`), true);
    });
  }

  /** Waits out the 250 ms gap around OUT commands (held inside the line transaction, so nothing slips in). */
  private async gap(isOut: boolean, options?: CommandOptions): Promise<void> {
    if (!isOut && !this.lastWasOut) return;
    const until = this.lastCommandAt + JULABO_OUT_GAP_MS;
    // A timer counts from the event loop's cached time and may end a millisecond or two early: wait out the rest.
    for (let wait = until - performance.now(); wait > 0; wait = until - performance.now())
      await sleepReal(wait, options?.signal);
  }

  /** The gap counts from when the command surely reached the unit: after its reply, or after the write returned. */
  private async sent<T>(send: () => Promise<T>, isOut: boolean): Promise<T> {
    this.lastWasOut = isOut;
    try {
      return await send();
    } finally {
      this.lastCommandAt = performance.now();
    }
  }
}
