import type { InventoryDevice } from '@graftlab/inventory';
import type {
  Balance,
  Dispenser,
  GasController,
  ImpedanceAnalyser,
  Shutter,
  TemperatureController,
  Titrator,
} from '../capabilities/capabilities';
import type { DriverContext } from '../driver-context';
import { AlicatFlowController } from './alicat/alicat.driver';
import { CavroPump } from './cavro/cavro.driver';
import { E4990aImpedanceAnalyser } from './e4990a/e4990a.driver';
import { JulaboCirculator } from './julabo/julabo.driver';
import { MtSicsBalance } from './mt-sics/mt-sics.driver';
import { Ne1000Pump } from './ne1000/ne1000.driver';
import { Sc10Shutter } from './sc10/sc10.driver';
import { TitrinoTitrator } from './titrino/titrino.driver';

export const SERIAL_DRIVERS = [
  'ne1000',
  'cavro-xcalibur',
  'mt-sics',
  'sc10',
  'julabo',
  'alicat',
  'titrino',
  'e4990a',
] as const;
export type SerialDriverName = (typeof SERIAL_DRIVERS)[number];

/**
 * The driver for a byte-stream inventory device: a serial line, a serial device server, or an instrument's own
 * raw TCP socket (SCPI). The device registry owns the full driver table.
 */
export function createSerialDriver(
  device: InventoryDevice,
  ctx: DriverContext,
): Dispenser | Balance | Shutter | TemperatureController | GasController | Titrator | ImpedanceAnalyser {
  switch (device.driver) {
    case 'ne1000':
      return new Ne1000Pump(device, ctx);
    case 'cavro-xcalibur':
      return new CavroPump(device, ctx);
    case 'mt-sics':
      return new MtSicsBalance(device, ctx);
    case 'sc10':
      return new Sc10Shutter(device, ctx);
    case 'julabo':
      return new JulaboCirculator(device, ctx);
    case 'alicat':
      return new AlicatFlowController(device, ctx);
    case 'titrino':
      return new TitrinoTitrator(device, ctx);
    case 'e4990a':
      return new E4990aImpedanceAnalyser(device, ctx);
    case 'irradiator-mqtt':
    case 'o2-sensor-mqtt':
    case 'robot-mqtt':
      throw new Error(`${device.id}: ${device.driver} is not a serial driver`);
  }
}
