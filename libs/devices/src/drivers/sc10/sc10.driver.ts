import type { InventoryDevice } from '@graftlab/inventory';
import type {
  ExposureResult,
  PhysicalCommand,
  Shutter,
  ShutterCounters,
} from '../../capabilities/capabilities';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { parseNumber, SerialDriver } from '../serial-driver.base';

const ERRORS = ['CMD_NOT_DEFINED', 'CMD_ARG_INVALID'];

/**
 * Thorlabs SC10-style shutter controller with device-timed exposure: mode=3 (single), open=<ms>, then `ens`
 * triggers one cycle and the controller closes the shutter on its own timer. `ens` toggles, so its state is
 * always read before it is written.
 *
 * graftlab extensions of the SC10 command set (our controller firmware, mirrored by the twin):
 * - `lastopen?` -> actual open time of the last exposure as measured by the controller, ms;
 * - `count?` -> "<exposures> <cumulative open ms>" since power-up, e.g. "3 1523.4".
 */
/** Read-toggle-verify rounds before the shutter is declared stuck open. */
const SAFE_STATE_ATTEMPTS = 4;

export class Sc10Shutter extends SerialDriver implements Shutter {
  readonly role = 'shutter' as const;

  constructor(device: InventoryDevice, ctx: DriverContext) {
    super(device, ctx, 'sc10');
  }

  protected async onConnect(options?: CommandOptions): Promise<void> {
    await this.identify(options);
  }

  async identify(options?: CommandOptions): Promise<string> {
    this.identity = await this.query('id?', options);
    return this.identity;
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const counters = await this.counters(options);
    const enabled = (await this.query('ens?', options)) === '1';
    const mode = await this.query('mode?', options);
    const state = counters.interlockTripped ? 'alarm' : counters.closed ? 'ok' : 'busy';
    return this.statusOf(state, { ...counters, enabled, mode: Number(mode) });
  }

  async expose(
    command: PhysicalCommand & { durationMs: number },
    options?: CommandOptions,
  ): Promise<ExposureResult> {
    const requestedMs = command.durationMs;
    const max = this.device.limits.maxOpenMs ?? 999_999;
    if (!Number.isInteger(requestedMs) || requestedMs < 1 || requestedMs > max) {
      throw new DeviceError(
        'refused',
        this.id,
        `exposure of ${requestedMs} ms is outside 1..${max} whole ms`,
      );
    }
    if ((await this.query('interlock?', options)) === '1') {
      throw new DeviceError('refused', this.id, 'interlock tripped: exposure refused');
    }
    try {
      await this.safeState(options); // start from enable 0, blade closed
      await this.command('mode=3', options);
      await this.command(`open=${requestedMs}`, options);
      const readBack = await this.query('open?', options);
      if (Number(readBack) !== requestedMs) {
        throw new DeviceError('protocol', this.id, `open? reads ${readBack}, expected ${requestedMs}`);
      }
      const before = await this.count(options);
      await this.command('ens', options); // ens? was 0 (safeState), so this triggers one timed cycle
      const budget = this.ctx.clock.toRealMs(requestedMs) * 1.5 + (options?.timeoutMs ?? this.timeoutMs);
      await this.pollUntil('shutter closed by its timer', budget, options, async () =>
        (await this.query('closed?', options)) === '1' ? true : undefined,
      );
      const after = await this.count(options);
      if (after.exposures !== before.exposures + 1) {
        throw new DeviceError(
          'device',
          this.id,
          `controller counted ${after.exposures - before.exposures} exposures, expected 1`,
        );
      }
      const actualOpenMs = parseNumber(this.id, await this.query('lastopen?', options), 'lastopen? ms');
      return { actualOpenMs, requestedMs };
    } catch (e) {
      await this.safeStateAfterFailure(() => this.safeState());
      throw e;
    }
  }

  async counters(options?: CommandOptions): Promise<ShutterCounters> {
    const { exposures, cumulativeOpenMs } = await this.count(options);
    const closed = (await this.query('closed?', options)) === '1';
    const interlockTripped = (await this.query('interlock?', options)) === '1';
    return { exposures, cumulativeOpenMs, closed, interlockTripped };
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.safeState(options);
  }

  /**
   * Disable if enabled, then verify closed? == 1. `ens` toggles, so a controller whose own timer closed the
   * shutter between our `ens?` and our `ens` is re-enabled (re-opened) by it: read, toggle and verify again,
   * a few times, rather than trust one read. Found by pressing e-stop during a timed exposure.
   */
  async safeState(options?: CommandOptions): Promise<void> {
    for (let attempt = 0; attempt < SAFE_STATE_ATTEMPTS; attempt++) {
      if ((await this.query('ens?', options)) === '1') await this.command('ens', options);
      if ((await this.query('closed?', options)) === '1' && (await this.query('ens?', options)) === '0')
        return;
    }
    throw new DeviceError('device', this.id, 'shutter reports open after disable', 'closed?=0');
  }

  private async count(options?: CommandOptions): Promise<{ exposures: number; cumulativeOpenMs: number }> {
    const text = await this.query('count?', options);
    const [n, ms] = text.split(/\s+/);
    return {
      exposures: parseNumber(this.id, n ?? '', 'exposure count'),
      cumulativeOpenMs: parseNumber(this.id, ms ?? '', 'cumulative open ms'),
    };
  }

  /** A command that only echoes; any value line is an error. */
  private async command(cmd: string, options?: CommandOptions): Promise<void> {
    const body = await this.send(cmd, options);
    if (body !== '') throw new DeviceError('protocol', this.id, `${cmd} answered ${JSON.stringify(body)}`);
  }

  private async query(cmd: string, options?: CommandOptions): Promise<string> {
    return (await this.send(cmd, options)).trim();
  }

  private async send(cmd: string, options?: CommandOptions): Promise<string> {
    const body = (await this.request(`${cmd}\r`, options)).toString('latin1');
    if (/[^\x20-\x7e\r]/.test(body)) throw new DeviceError('protocol', this.id, `garbled answer to ${cmd}`);
    const error = ERRORS.find((e) => body.includes(e));
    if (error) throw new DeviceError('device', this.id, `${cmd}: ${error}`, error);
    return body;
  }
}
