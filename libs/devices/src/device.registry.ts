import type { DriverName, InventoryDevice } from '@graftlab/inventory';
import type { AnyDevice } from './capabilities/capabilities';
import type { DriverContext } from './driver-context';
import { IrradiatorMqtt } from './mqtt/drivers/irradiator.mqtt-driver';
import { O2SensorMqtt } from './mqtt/drivers/o2-sensor.mqtt-driver';
import { RobotMqtt } from './mqtt/drivers/robot.mqtt-driver';
import { createSerialDriver } from './drivers/create-serial-driver';

/** Builds the driver an inventory entry names (not connected yet). */
export function createDevice(device: InventoryDevice, ctx: DriverContext): AnyDevice {
  const driver: DriverName = device.driver;
  switch (driver) {
    case 'ne1000':
    case 'cavro-xcalibur':
    case 'mt-sics':
    case 'sc10':
    case 'julabo':
    case 'alicat':
    case 'titrino':
    case 'e4990a':
      return createSerialDriver(device, ctx);
    case 'irradiator-mqtt':
      return new IrradiatorMqtt(device, ctx);
    case 'o2-sensor-mqtt':
      return new O2SensorMqtt(device, ctx);
    case 'robot-mqtt':
      return new RobotMqtt(device, ctx);
    default: {
      const unknown: never = driver;
      throw new Error(`no driver for ${String(unknown)}`);
    }
  }
}

/** Whether a driver talks through the MQTT link (so the caller must open one). */
export function isMqttDriver(driver: DriverName): boolean {
  return driver === 'irradiator-mqtt' || driver === 'o2-sensor-mqtt' || driver === 'robot-mqtt';
}
