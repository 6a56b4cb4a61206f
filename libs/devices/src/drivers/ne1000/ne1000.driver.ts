import type { InventoryDevice } from '@graftlab/inventory';
import type { DispenseCounters, Dispenser, PhysicalCommand } from '../../capabilities/capabilities';
import { checkDispenseLimits } from '../dispense-limits';
import { DeviceError } from '../../capabilities/device-error';
import type { CommandOptions, DeviceStatus } from '../../capabilities/device.capability';
import type { DriverContext } from '../../driver-context';
import { decodeSafePacket, encodeSafePacket } from '../../framing/new-era-safe.framer';
import { sleepReal } from '../../transports/abortable';
import type { LineTransaction } from '../../transports/serial-line';
import { SerialDriver } from '../serial-driver.base';
import { formatNeNumber, NE_ALARMS, parseDispensed, parseNeReply, type NeReply } from './ne1000.codec';

/** Safe-mode watchdog the driver arms, s; the heartbeat runs at half of it (as nesp-lib does). */
const DEFAULT_WATCHDOG_S = 50;

type Ok = Extract<NeReply, { prompt: string }>;

/**
 * New Era NE-1000/NE-500 syringe pump, basic or safe mode. Alarms latch on the pump and are acknowledged by
 * being returned instead of a command's result, so an alarm answer means "resend" (except a stall, which is
 * reported as DeviceError 'device' code "A?S").
 */
export class Ne1000Pump extends SerialDriver implements Dispenser {
  readonly role = 'dispenser' as const;
  private readonly address: number;
  private readonly safe: boolean;
  private heartbeat?: NodeJS.Timeout;

  constructor(device: InventoryDevice, ctx: DriverContext) {
    super(device, ctx, device.mode === 'safe' ? 'new-era-safe' : 'new-era-basic');
    this.address = typeof device.address === 'number' ? device.address : Number(device.address ?? 0);
    this.safe = device.mode === 'safe';
  }

  protected async onConnect(options?: CommandOptions): Promise<void> {
    if (this.safe) {
      // Let the power-on alarm packet the pump sends unsolicited arrive before the first request.
      await sleepReal(50, options?.signal);
      // On a sped-up lab clock the watchdog must still span several real heartbeat periods.
      const floorS = Math.ceil((this.ctx.clock.speed * 250) / 1000);
      const watchdogS = Math.min(255, Math.max(this.device.limits.watchdogS ?? DEFAULT_WATCHDOG_S, floorS));
      await this.command(`SAF${watchdogS}`, options);
      this.startHeartbeat(watchdogS);
    }
    this.identity = await this.identify(options);
  }

  override async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await super.close();
  }

  async identify(options?: CommandOptions): Promise<string> {
    const r = await this.command('VER', options);
    this.identity = r.data;
    return r.data;
  }

  async status(options?: CommandOptions): Promise<DeviceStatus> {
    try {
      const r = await this.command('', options, { stallIsError: false });
      const counters = await this.counters(options);
      const state = r.prompt === 'I' || r.prompt === 'W' || r.prompt === 'X' ? 'busy' : 'ok';
      return this.statusOf(state, { prompt: r.prompt, mode: this.safe ? 'safe' : 'basic', ...counters });
    } catch (e) {
      if (e instanceof DeviceError && e.kind === 'device' && e.code?.startsWith('A?')) {
        return this.statusOf('alarm', { alarm: e.code });
      }
      throw e;
    }
  }

  async dispense(
    command: PhysicalCommand & { volumeMl: number; rateMlPerMin: number },
    options?: CommandOptions,
  ): Promise<{ deliveredMl: number }> {
    const { volumeMl, rateMlPerMin } = command;
    checkDispenseLimits(this.device, volumeMl, rateMlPerMin);
    const dia = this.device.syringeDiameterMm;
    if (dia === undefined) throw new DeviceError('refused', this.id, 'no syringeDiameterMm in the inventory');
    try {
      await this.command(`DIA ${formatNeNumber(dia)}`, options);
      await this.command(`RAT ${formatNeNumber(rateMlPerMin)} MM`, options);
      await this.command('VOL ML', options);
      await this.command(`VOL ${formatNeNumber(volumeMl)}`, options);
      await this.command('DIR INF', options);
      await this.command('CLD INF', options);
      await this.command('RUN', options);
      const expectedLabMs = (volumeMl / rateMlPerMin) * 60_000;
      const budget =
        this.ctx.clock.toRealMs(expectedLabMs) * 1.5 + (options?.timeoutMs ?? this.timeoutMs) * 2;
      await this.pollUntil('end of infusion', budget, options, async () => {
        // A watchdog alarm while infusing means the pump stopped itself part-way: not the end of the infusion.
        const r = await this.command('', options, { watchdogIsError: true });
        return r.prompt === 'I' || r.prompt === 'W' || r.prompt === 'X' ? undefined : r;
      });
      const counters = await this.counters(options);
      return { deliveredMl: counters.infusedMl };
    } catch (e) {
      await this.safeStateAfterFailure(() => this.safeState());
      throw e;
    }
  }

  async counters(options?: CommandOptions): Promise<DispenseCounters> {
    const r = await this.command('DIS', options, { stallIsError: false });
    return parseDispensed(this.id, r.data);
  }

  async stop(options?: CommandOptions): Promise<void> {
    await this.command('STP', options, { stallIsError: false });
  }

  /** STP, then verify the pump reports it is not running. */
  async safeState(options?: CommandOptions): Promise<void> {
    await this.stop(options);
    const r = await this.command('', options, { stallIsError: false });
    if (r.prompt === 'I' || r.prompt === 'W' || r.prompt === 'X') {
      throw new DeviceError('device', this.id, `pump still running after STP (prompt ${r.prompt})`, r.prompt);
    }
  }

  protected override onUnsolicited(frame: Buffer): void {
    const data = this.safe ? decodeSafePacket(frame) : frame;
    if (!data) return;
    const r = tryParse(this.id, data.toString('latin1'));
    if (r?.alarm) this.emit({ type: 'alarm', code: `A?${r.alarm}`, message: NE_ALARMS[r.alarm] ?? 'alarm' });
  }

  /**
   * Sends "<address><command>" and returns the pump's answer. An alarm answer acknowledged the alarm without
   * executing the command, so the command is sent again; a stall is an error unless the caller is stopping.
   */
  private command(
    cmd: string,
    options?: CommandOptions,
    opts: { stallIsError?: boolean; watchdogIsError?: boolean } = {},
  ): Promise<Ok> {
    const stallIsError = opts.stallIsError ?? true;
    return this.transact(options, async (tx) => {
      for (let attempt = 0; ; attempt++) {
        const r = await this.exchange(tx, cmd);
        if (r.alarm === undefined) {
          if (r.error === '?COM' && attempt === 0) continue; // our packet was damaged on the way: resend once
          if (r.error) {
            throw new DeviceError('device', this.id, `${cmd || 'status'} rejected: ${r.error}`, r.error);
          }
          return r;
        }
        const code = `A?${r.alarm}`;
        this.emit({ type: 'alarm', code, message: NE_ALARMS[r.alarm] ?? 'alarm' });
        if (r.alarm === 'S' && stallIsError) throw new DeviceError('device', this.id, 'motor stalled', code);
        if (r.alarm === 'T' && opts.watchdogIsError)
          throw new DeviceError(
            'device',
            this.id,
            'the pump stopped itself: no packet within its watchdog time',
            code,
          );
        if (attempt >= 2) throw new DeviceError('device', this.id, `alarm ${code} persists`, code);
      }
    });
  }

  private async exchange(tx: LineTransaction, cmd: string): Promise<NeReply> {
    const text = `${this.address}${cmd}`;
    const frame = await tx.request(this.safe ? encodeSafePacket(text) : `${text}\r`);
    let data: Buffer | undefined = frame;
    if (this.safe) {
      data = decodeSafePacket(frame);
      if (!data) throw new DeviceError('protocol', this.id, `bad safe-mode packet ${frame.toString('hex')}`);
    }
    const r = parseNeReply(this.id, data.toString('latin1'));
    if (r.address !== this.address) {
      throw new DeviceError(
        'protocol',
        this.id,
        `answer from address ${r.address}, expected ${this.address}`,
      );
    }
    return r;
  }

  /** Safe mode: a status query every watchdog/2 (lab time) keeps alarm T away. */
  private startHeartbeat(watchdogS: number): void {
    clearInterval(this.heartbeat);
    const periodMs = Math.max(20, this.ctx.clock.toRealMs((watchdogS * 1000) / 2));
    this.heartbeat = setInterval(() => {
      this.command('', undefined, { stallIsError: false }).catch((e: unknown) =>
        this.ctx.log?.({ event: 'heartbeat-failed', deviceId: this.id, error: String(e) }),
      );
    }, periodMs);
    this.heartbeat.unref();
  }
}

function tryParse(deviceId: string, text: string): NeReply | undefined {
  try {
    return parseNeReply(deviceId, text);
  } catch {
    return undefined;
  }
}
