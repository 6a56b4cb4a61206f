/**
 * The process's shared MQTT 5 connection (placeholder contract; the MQTT implementation fills it in).
 * One link per process with a unique, stable clientId; drivers publish commands and subscribe to device topics through it.
 */
export interface MqttLink {
  readonly connected: boolean;
  close(): Promise<void>;
}
