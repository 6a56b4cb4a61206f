import type { InventoryDevice } from '@graftlab/inventory';
import { E4990aTwin } from '../scpi/e4990a.twin';
import type { LabWorld } from '../world/lab-world';
import { AlicatTwin } from './alicat.twin';
import { CavroTwin } from './cavro.twin';
import { JulaboTwin } from './julabo.twin';
import { MtSicsTwin } from './mt-sics.twin';
import { Ne1000Twin } from './ne1000.twin';
import { Sc10Twin } from './sc10.twin';
import { TitrinoTwin } from './titrino.twin';
import type { SerialTwin } from './serial-twin.base';

/**
 * The twin for a byte-stream inventory device (serial, or an instrument's own TCP socket such as SCPI);
 * throws for MQTT drivers (their twins live on the broker).
 */
export function createSerialTwin(device: InventoryDevice, world: LabWorld): SerialTwin {
  switch (device.driver) {
    case 'ne1000':
      return new Ne1000Twin(device, world);
    case 'cavro-xcalibur':
      return new CavroTwin(device, world);
    case 'mt-sics':
      return new MtSicsTwin(device, world);
    case 'sc10':
      return new Sc10Twin(device, world);
    case 'julabo':
      return new JulaboTwin(device, world);
    case 'alicat':
      return new AlicatTwin(device, world);
    case 'titrino':
      return new TitrinoTwin(device, world);
    case 'e4990a':
      return new E4990aTwin(device, world);
    case 'irradiator-mqtt':
    case 'o2-sensor-mqtt':
    case 'robot-mqtt':
      throw new Error(`${device.id}: ${device.driver} is not a serial instrument`);
  }
}
