import type { InventoryDevice } from '@graftlab/inventory';
import type { DispenseCounters, Dispenser, PhysicalCommand } from '../../capabilities/capabilities';
import { checkDispenseLimits } from '../dispense-limits';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { parseNumber, SerialDriver } from '../serial-driver.base';
import { CAVRO_ERRORS, parseCavroReply, type CavroReply } from './cavro.codec';

/** Standard-resolution full stroke, increments. */
export const CAVRO_FULL_STROKE = 3000;
const MAX_SPEED = 6000;
const ASPIRATE_SPEED = 3000;

/**
 * Tecan Cavro XCalibur, DT protocol ("/<addr>...R\r"). Moves are acknowledged at once and completed later:
 * completion is polled with Q (bit 5 = ready), and the delivered volume is read back from the plunger (?).
 */
export class CavroPump extends SerialDriver implements Dispenser {
  readonly role = 'dispenser' as const;
  private readonly prefix: string;
  private readonly incrementsPerMl: number;
  private infusedMl = 0;
  private aspiratedMl = 0;

  constructor(device: InventoryDevice, ctx: DriverContext) {
    super(device, ctx, 'cavro-dt');
    // A number is the address switch (0 -> '1'); a string is the DT address character itself.
    const a = device.address;
    this.prefix = `/${typeof a === 'string' ? a : String.fromCharCode(0x31 + (a ?? 0))}`;
    this.incrementsPerMl = CAVRO_FULL_STROKE / (device.syringeVolumeMl ?? 1);
  }

  protected async onConnect(options?: CommandOptions): Promise<void> {
    await this.command('ZR', options);
    await this.waitReady(this.timeoutMs * 5, options);
    await this.identify(options);
  }

  async identify(options?: CommandOptions): Promise<string> {
    const r = await this.command('?23', options);
    this.identity = r.data;
    return r.data;
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    const q = await this.command('Q', options, false);
    const position = await this.plunger(options);
    const detail = {
      ready: q.ready,
      error: q.error,
      plunger: position,
      infusedMl: this.infusedMl,
      aspiratedMl: this.aspiratedMl,
    };
    return this.statusOf(q.error ? 'alarm' : q.ready ? 'ok' : 'busy', detail);
  }

  async dispense(
    command: PhysicalCommand & { volumeMl: number; rateMlPerMin: number },
    options?: CommandOptions,
  ): Promise<{ deliveredMl: number }> {
    const { volumeMl, rateMlPerMin } = command;
    checkDispenseLimits(this.device, volumeMl, rateMlPerMin);
    const speed = Math.round((rateMlPerMin / 60) * this.incrementsPerMl);
    if (speed < 1 || speed > MAX_SPEED) {
      throw new DeviceError(
        'refused',
        this.id,
        `${rateMlPerMin} mL/min is ${speed} increments/s, outside 1..${MAX_SPEED}`,
      );
    }
    let remaining = Math.round(volumeMl * this.incrementsPerMl);
    let delivered = 0;
    try {
      while (remaining > 0) {
        const stroke = Math.min(remaining, CAVRO_FULL_STROKE);
        // Fill through the input port at a fixed speed, then deliver through the output port at the commanded rate.
        await this.move(`IV${ASPIRATE_SPEED}A${stroke}R`, stroke / ASPIRATE_SPEED, options);
        const full = await this.plunger(options);
        this.aspiratedMl += full / this.incrementsPerMl;
        await this.move(`OV${speed}D${stroke}R`, stroke / speed, options);
        const after = await this.plunger(options);
        const ml = (full - after) / this.incrementsPerMl;
        delivered += ml;
        this.infusedMl += ml;
        remaining -= full - after;
        if (full - after !== stroke) {
          throw new DeviceError(
            'device',
            this.id,
            `stroke delivered ${full - after} of ${stroke} increments`,
          );
        }
      }
      return { deliveredMl: delivered };
    } catch (e) {
      await this.safeStateAfterFailure(() => this.safeState());
      throw e;
    }
  }

  /** Volumes tracked from plunger read-back since connect (the pump itself keeps no volume counter). */
  counters(_options?: CommandOptions): Promise<DispenseCounters> {
    return Promise.resolve({ infusedMl: this.infusedMl, withdrawnMl: 0 });
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.command('TR', options, false);
  }

  /** Terminate any move and verify the pump is no longer busy (latched errors do not matter here). */
  async safeState(options?: CommandOptions): Promise<void> {
    await this.stop(options);
    await this.pollUntil('pump idle after terminate', this.timeoutMs, options, async () => {
      const q = await this.command('Q', options, false);
      return q.ready ? true : undefined;
    });
  }

  /** Sends a move string, then polls Q until ready; Q reports deferred errors (range, overload). */
  private async move(cmd: string, seconds: number, options?: CommandOptions): Promise<void> {
    await this.command(cmd, options);
    const budget =
      this.ctx.clock.toRealMs(seconds * 1000 + 1000) * 1.5 + (options?.timeoutMs ?? this.timeoutMs);
    await this.waitReady(budget, options);
  }

  private waitReady(budgetMs: number, options?: CommandOptions): Promise<CavroReply> {
    return this.pollUntil('pump ready', budgetMs, options, async () => {
      const q = await this.command('Q', options);
      return q.ready ? q : undefined;
    });
  }

  private async plunger(options?: CommandOptions): Promise<number> {
    const r = await this.command('?', options);
    return parseNumber(this.id, r.data, 'plunger position');
  }

  /** One DT exchange; an error nibble becomes DeviceError 'device' with the ready-form status letter as code. */
  private async command(cmd: string, options?: CommandOptions, errorsAreFatal = true): Promise<CavroReply> {
    const frame = await this.request(`${this.prefix}${cmd}\r`, options);
    const r = parseCavroReply(this.id, frame);
    if (r.error && errorsAreFatal) {
      const code = String.fromCharCode(0x60 | r.error);
      throw new DeviceError(
        'device',
        this.id,
        `${cmd}: error ${r.error} (${CAVRO_ERRORS[r.error] ?? 'unknown'})`,
        code,
      );
    }
    return r;
  }
}
