import { ScaledClock } from '@graftlab/clock';
import { connectMqttLink, parseJsonObject, topics, uniqueClientId, type MqttLink } from '@graftlab/devices';
import type { Inventory, InventoryDevice } from '@graftlab/inventory';
import type { Fault, FaultKind, FaultPlan } from './faults/fault-plan';
import { IrradiatorTwin } from './mqtt/irradiator.twin';
import type { MqttTwin, TwinBrokerOptions } from './mqtt/mqtt-twin.base';
import { O2SensorTwin } from './mqtt/o2-sensor.twin';
import { RobotTwin } from './mqtt/robot.twin';
import { VirtualOperator } from './mqtt/virtual-operator.twin';
import { createSerialTwin, type SerialTwin } from './serial';
import type { SampleTruth } from './world/sample-truth';
import { VirtualLabWorld } from './world/virtual-lab-world';

export interface VirtualLabOptions {
  readonly inventory: Inventory;
  readonly mqttUrl: string;
  readonly mqttUsername?: string;
  readonly mqttPassword?: string;
  /** 5, or 4 for an MQTT 3.1.1 broker (aedes). */
  readonly mqttProtocolVersion?: 4 | 5;
  /** Lab milliseconds per real millisecond (3600 = one simulated hour per second). */
  readonly clockSpeed: number;
  /** Wall-clock ms at which lab time equals wall time; the stack gives every process the same one. */
  readonly clockOriginMs?: number;
  readonly seed: number;
  /** Lab id in topics graftlab/<lab>/...; defaults to the inventory id. */
  readonly labId?: string;
  /** Lab delay before the virtual operator has done what a prompt asks (default 30 s). */
  readonly operatorDelayLabMs?: number;
  /** Property physics the titrator and impedance twins measure (default: the world's placeholder). */
  readonly truth?: SampleTruth;
}

/** One twin of the running virtual lab, whatever its transport. */
export interface VirtualTwin {
  readonly deviceId: string;
  readonly kind: 'serial' | 'mqtt';
  /** Where it listens: tcp://host:port, a pty path, or its MQTT command topics. */
  readonly endpoint: string;
  readonly faults: FaultPlan;
  counters(): Readonly<Record<string, number>>;
  /** The twin object itself (IrradiatorTwin, RobotTwin, a SerialTwin, ...), for tests. */
  readonly instance: SerialTwin | MqttTwin;
}

export interface VirtualLab {
  readonly labId: string;
  readonly world: VirtualLabWorld;
  /** The inventory as served: tcp ports given as 0 are replaced by the ports actually bound. */
  readonly inventory: Inventory;
  readonly twins: ReadonlyMap<string, VirtualTwin>;
  readonly operator: VirtualOperator;
  injectFault(deviceId: string, fault: Fault, options?: { once?: boolean }): void;
  clearFault(deviceId: string, kind?: FaultKind): void;
  stop(): Promise<void>;
}

/** A fault-channel message: {device, fault} injects, {device, clear:true, kind?} clears. */
export interface FaultControlMessage {
  readonly device: string;
  readonly fault?: Fault;
  readonly clear?: boolean;
  readonly kind?: FaultKind;
  readonly once?: boolean;
}

function numericCounters(c: object): Record<string, number> {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => typeof v === 'number')) as Record<
    string,
    number
  >;
}

async function startSerialTwin(
  device: InventoryDevice,
  world: VirtualLabWorld,
): Promise<VirtualTwin & { transport: string }> {
  const twin = createSerialTwin(device, world);
  let endpoint: string;
  let transport = device.transport;
  const tcp = /^tcp:\/\/([^:/]+):(\d+)$/.exec(device.transport);
  if (tcp) {
    await twin.listen(tcp[1], Number(tcp[2]));
    transport = `tcp://${tcp[1]}:${twin.port ?? tcp[2]}`;
    endpoint = transport;
  } else {
    const pty = await twin.attachPty();
    endpoint = `pty ${pty.hostPath}`;
    transport = `serial://${pty.hostPath}`;
  }
  return {
    deviceId: device.id,
    kind: 'serial',
    endpoint,
    transport,
    faults: twin.faults,
    counters: () => numericCounters(twin.counters()),
    instance: twin,
  };
}

function mqttEntry(deviceId: string, twin: MqttTwin): VirtualTwin {
  return {
    deviceId,
    kind: 'mqtt',
    endpoint: twin.endpoint,
    faults: twin.faults,
    counters: () => twin.counters(),
    instance: twin,
  };
}

/**
 * Starts one twin per inventory device around one physical world: serial twins on the inventory's TCP
 * addresses (or pty pairs), MQTT twins on the broker, the virtual operator, and the fault-control channel.
 */
export async function startVirtualLab(options: VirtualLabOptions): Promise<VirtualLab> {
  const labId = options.labId ?? options.inventory.id;
  const clock = new ScaledClock(options.clockSpeed, options.clockOriginMs);
  const inventory = structuredClone(options.inventory);
  const world = new VirtualLabWorld(inventory, { clock, seed: options.seed, truth: options.truth });
  const broker: TwinBrokerOptions = {
    url: options.mqttUrl,
    username: options.mqttUsername,
    password: options.mqttPassword,
    labId,
    protocolVersion: options.mqttProtocolVersion,
  };
  const twins = new Map<string, VirtualTwin>();
  const closers: (() => Promise<void>)[] = [];
  let control: MqttLink | undefined;
  try {
    const locations = inventory.locations.map((l) => l.id);
    await Promise.all(
      inventory.devices.map(async (device) => {
        let entry: VirtualTwin;
        switch (device.driver) {
          case 'irradiator-mqtt':
            entry = mqttEntry(device.id, await IrradiatorTwin.connect(device, world, broker));
            break;
          case 'o2-sensor-mqtt':
            entry = mqttEntry(device.id, await O2SensorTwin.connect(device, world, broker));
            break;
          case 'robot-mqtt':
            entry = mqttEntry(device.id, await RobotTwin.connect(device, world, broker, locations));
            break;
          default: {
            const serial = await startSerialTwin(device, world);
            device.transport = serial.transport; // as served (free ports resolved)
            entry = serial;
          }
        }
        twins.set(device.id, entry);
        closers.push(() => entry.instance.close());
      }),
    );
    const operator = await VirtualOperator.connect(world, broker, options.operatorDelayLabMs);
    closers.push(() => operator.close());

    const twinFor = (id: string) => (id === operator.id ? operator : twins.get(id));
    const lab: VirtualLab = {
      labId,
      world,
      inventory,
      twins,
      operator,
      injectFault(deviceId, fault, opts) {
        const t = twinFor(deviceId);
        if (!t) throw new Error(`no twin ${deviceId}`);
        t.faults.inject(fault, opts);
      },
      clearFault(deviceId, kind) {
        const t = twinFor(deviceId);
        if (!t) throw new Error(`no twin ${deviceId}`);
        t.faults.clear(kind);
      },
      async stop() {
        await Promise.allSettled(
          closers
            .splice(0)
            .reverse()
            .map((c) => c()),
        );
      },
    };

    // Fault control for tests and `graftlab virtual-lab fault` against a running lab.
    control = await connectMqttLink({
      url: options.mqttUrl,
      username: options.mqttUsername,
      password: options.mqttPassword,
      labId,
      protocolVersion: options.mqttProtocolVersion,
      clientId: uniqueClientId('vlab-control'),
    });
    const controlLink = control;
    closers.unshift(() => controlLink.close());
    await control.subscribe(topics.virtualLabFaults(labId), (m) => {
      const msg = parseJsonObject(m.payload) as FaultControlMessage | undefined;
      if (!msg || typeof msg.device !== 'string') return;
      try {
        if (msg.clear) lab.clearFault(msg.device, msg.kind);
        else if (msg.fault && typeof msg.fault.kind === 'string')
          lab.injectFault(msg.device, msg.fault, { once: msg.once });
      } catch {
        // Unknown device: nothing to inject into.
      }
    });
    return lab;
  } catch (e) {
    await Promise.allSettled(closers.map((c) => c()));
    await control?.close();
    throw e;
  }
}

/** One line per twin: id, kind and where it listens (apps/virtual-lab and `graftlab virtual-lab`). */
export function describeVirtualLab(lab: VirtualLab): string[] {
  const lines = [...lab.twins.values()]
    .sort((a, b) => a.deviceId.localeCompare(b.deviceId))
    .map((t) => `${t.deviceId.padEnd(14)} ${t.kind.padEnd(6)} ${t.endpoint}`);
  lines.push(`${lab.operator.id.padEnd(14)} ${'mqtt'.padEnd(6)} ${lab.operator.endpoint}`);
  lines.push(`faults         mqtt   ${topics.virtualLabFaults(lab.labId)}`);
  return lines;
}
