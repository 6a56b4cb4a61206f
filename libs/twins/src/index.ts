export * from './world/lab-world';
export { VirtualLabWorld, WORLD_CONSTANTS } from './world/virtual-lab-world';
export { PROPERTY_TRUTH, degreeOfGraftingPct, type SampleTruth } from './world/sample-truth';
export { ManualClock } from './world/manual-clock';
export * from './faults/fault-plan';
export { ActiveFaultPlan } from './faults/active-fault-plan';
export {
  MqttTwin,
  TwinRefusal,
  type TwinBrokerOptions,
  type Execution,
  type FencedCommandRecord,
} from './mqtt/mqtt-twin.base';
export { IrradiatorTwin, IRRADIATOR_FW, type FacilityState } from './mqtt/irradiator.twin';
export { O2SensorTwin, O2_SENSOR_FW } from './mqtt/o2-sensor.twin';
export { RobotTwin, ROBOT_FW } from './mqtt/robot.twin';
export { VirtualOperator, OPERATOR_ID, OPERATOR_FW } from './mqtt/virtual-operator.twin';
export type { OperatorAction } from '@graftlab/devices';
export {
  startVirtualLab,
  describeVirtualLab,
  type VirtualLab,
  type VirtualLabOptions,
  type VirtualTwin,
  type FaultControlMessage,
} from './virtual-lab';
export * from './serial';
export { withFreeTcpPorts, withReservedTcpPorts, mqttOnly } from './testing/inventory-fixtures';
