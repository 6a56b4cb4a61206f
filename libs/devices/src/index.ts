export * from './capabilities/capabilities';
export * from './capabilities/device.capability';
export { DeviceError, isDeviceError, type DeviceErrorKind } from './capabilities/device-error';
export type { DriverContext } from './driver-context';
export * from './fencing/command-fence';
export type {
  MqttLink,
  MqttLinkEvent,
  MqttMessage,
  MqttPublishOptions,
  MqttRequestOptions,
} from './mqtt/mqtt-link';
export { connectMqttLink, uniqueClientId, type MqttLinkOptions } from './mqtt/mqtt-link.client';
export * from './mqtt/mqtt-topics';
export { topicMatches } from './mqtt/topic-match';
export { TraceNormalizer, type MqttTrace, type TracedMessage } from './mqtt/mqtt-trace';
export { IrradiatorMqtt, parseIrradiatorState, raiseBlockedBy } from './mqtt/drivers/irradiator.mqtt-driver';
export { O2SensorMqtt } from './mqtt/drivers/o2-sensor.mqtt-driver';
export { RobotMqtt } from './mqtt/drivers/robot.mqtt-driver';
export { createDevice, isMqttDriver } from './device.registry';
export * from './serial.exports';
