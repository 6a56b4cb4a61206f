import type { DeviceRole } from '@graftlab/inventory';

export interface CommandOptions {
  /** Aborts the wait (not the physical action: call stop() or safeState() for that). */
  readonly signal?: AbortSignal;
  /** Overrides the device's default timeout for this command, ms. */
  readonly timeoutMs?: number;
}

export interface DeviceStatus {
  readonly deviceId: string;
  readonly driver: string;
  readonly state: 'ok' | 'busy' | 'alarm' | 'offline';
  /** Identity or firmware as the device reports it (e.g. "NE1000V3.928"). */
  readonly identity?: string;
  /** Driver-specific readings (setpoint, position, flow, ...). */
  readonly detail: Readonly<Record<string, unknown>>;
  /** Lab-clock time of the reading, ms since the epoch. */
  readonly at: number;
}

export interface Telemetry {
  readonly deviceId: string;
  readonly name: string; // e.g. "temperatureC", "o2Ppm", "flowSccm", "massG"
  readonly value: number;
  readonly unit: string;
  /** Device timestamp when it gives one, else the time of receipt (lab clock, ms). */
  readonly at: number;
}

export type DeviceEvent =
  | { type: 'telemetry'; telemetry: Telemetry }
  | { type: 'connected' }
  | { type: 'disconnected'; reason: string }
  | { type: 'alarm'; code: string; message: string };

/** What every instrument can do, whatever its protocol and transport. */
export interface Device {
  readonly id: string;
  readonly role: DeviceRole;
  readonly driver: string;
  /** Opens the transport and checks the device answers; rejects with a DeviceError. */
  connect(options?: CommandOptions): Promise<void>;
  /** Identity or firmware string as reported by the device. */
  identify(options?: CommandOptions): Promise<string>;
  status(options?: CommandOptions): Promise<DeviceStatus>;
  /** Drives the device to its safe state (shutter closed, pump stopped, heater off, gas to a safe flow) and verifies it. */
  safeState(options?: CommandOptions): Promise<void>;
  /** Stops any motion or action now. */
  stop(options?: CommandOptions): Promise<void>;
  /** Closes the transport; the device is left as it is (call safeState first). */
  close(): Promise<void>;
  /** Subscribes to telemetry, connection and alarm events; returns an unsubscribe function. */
  onEvent(listener: (event: DeviceEvent) => void): () => void;
}
