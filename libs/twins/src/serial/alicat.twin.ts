import type { InventoryDevice } from '@graftlab/inventory';
import type { LabWorld } from '../world/lab-world';
import { SerialTwinBase } from './serial-twin.base';

const PRESSURE_PSIA = 14.7;
const TEMPERATURE_C = 25;
const VERSION = '10v05.0-R22 Nov 30 2018,16:04:20';

/**
 * Alicat mass-flow controller twin (polling mode; CR-terminated both ways). "<id>" polls a data frame,
 * "<id>S <float>" sets the setpoint and answers with a frame, "<id>VE" gives the firmware; anything else "<id> ?".
 * Frame: <id> <pressure> <temperature> <vol flow> <mass flow> <setpoint> <gas> [status codes].
 */
export class AlicatTwin extends SerialTwinBase {
  private readonly unit: string;
  private setpoint = 0;
  private hold?: string;

  constructor(device: InventoryDevice, world: LabWorld) {
    super(device, world);
    this.unit = typeof device.address === 'string' ? device.address : 'A';
    world.setGasFlow(device.id, 0);
  }

  state(): Readonly<Record<string, unknown>> {
    return { setpointSccm: this.setpoint, flowSccm: this.world.gasFlow(this.deviceId), hold: this.hold };
  }

  isSafe(): boolean {
    return this.setpoint === (this.device.limits.safeSccm ?? 0);
  }

  protected split(buf: Buffer): { requests: Buffer[]; rest: Buffer } {
    const requests: Buffer[] = [];
    let rest = buf;
    for (let cr = rest.indexOf(0x0d); cr >= 0; cr = rest.indexOf(0x0d)) {
      requests.push(Buffer.from(rest.subarray(0, cr + 1)));
      rest = rest.subarray(cr + 1);
    }
    return { requests, rest };
  }

  protected handle(request: Buffer): Buffer | undefined {
    const text = request.toString('latin1').replace(/[\r\n\0]+/g, '');
    if (text[0] !== this.unit && text[0] !== '*') return undefined;
    const body = text.slice(1).trim();
    if (body === '') return this.frame();
    if (body === 'VE') return line(`${this.unit}   ${VERSION}`);
    const set = /^S\s*([-+]?\d+(?:\.\d*)?)$/.exec(body);
    if (set) {
      const fault = this.faults.take('device-error');
      // A held valve (or a locked unit) keeps its old setpoint and says why in the status codes.
      if (fault) this.hold = fault.code ?? 'HLD';
      else {
        this.hold = undefined;
        this.setpoint = Math.max(0, Number(set[1]));
        this.world.setGasFlow(this.deviceId, this.setpoint);
      }
      return this.frame();
    }
    return line(`${this.unit} ?`);
  }

  private frame(): Buffer {
    const mass = this.world.gasFlow(this.deviceId);
    const fields = [
      this.unit,
      signed(PRESSURE_PSIA, 2),
      signed(TEMPERATURE_C, 2),
      signed(mass * 1.005, 3),
      signed(mass, 3),
      signed(this.setpoint, 3),
      'N2',
      ...(this.hold ? [this.hold] : []),
    ];
    return line(fields.join(' '));
  }
}

/** "+014.70"-style fields: explicit sign, zero padded to six characters. */
function signed(v: number, decimals: number): string {
  return `${v < 0 ? '-' : '+'}${Math.abs(v).toFixed(decimals).padStart(6, '0')}`;
}

function line(text: string): Buffer {
  return Buffer.from(`${text}\r`, 'latin1');
}
