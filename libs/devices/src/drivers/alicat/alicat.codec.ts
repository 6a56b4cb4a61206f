import { DeviceError } from '../../capabilities/device-error';

/** An Alicat controller data frame. */
export interface AlicatFrame {
  readonly unit: string;
  readonly pressure: number;
  readonly temperature: number;
  readonly volumetricFlow: number;
  readonly massFlow: number;
  readonly setpoint: number;
  readonly gas: string;
  /** Status codes appended to the frame (MOV, VOV, POV, TOV, LCK, HLD, OVR, VTM, ...). */
  readonly codes: string[];
}

/** "<id> <pressure> <temperature> <vol flow> <mass flow> <setpoint> <gas> [codes...]". */
export function parseAlicatFrame(deviceId: string, unit: string, text: string): AlicatFrame {
  const [id, ...rest] = text.trim().split(/\s+/);
  const numbers = rest.slice(0, 5).map(Number);
  const gas = rest[5];
  if (
    id !== unit ||
    rest.length < 6 ||
    numbers.some((n) => !Number.isFinite(n)) ||
    !/^[A-Za-z][\w-]*$/.test(gas)
  ) {
    throw new DeviceError('protocol', deviceId, `not an Alicat data frame: ${JSON.stringify(text)}`);
  }
  const [pressure, temperature, volumetricFlow, massFlow, setpoint] = numbers;
  return { unit: id, pressure, temperature, volumetricFlow, massFlow, setpoint, gas, codes: rest.slice(6) };
}
