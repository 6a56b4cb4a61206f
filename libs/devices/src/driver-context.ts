import type { LabClock } from '@graftlab/clock';
import type { MqttLink } from './mqtt/mqtt-link';

/** What a driver gets besides its inventory entry. */
export interface DriverContext {
  /** Lab clock: timed commands (exposures, holds) are expressed in lab milliseconds. */
  readonly clock: LabClock;
  /** Lab id used in MQTT topics graftlab/<lab>/<device>/... */
  readonly labId: string;
  /** The process's shared MQTT 5 connection; required by MQTT drivers only. */
  readonly mqtt?: MqttLink;
  /** Structured log sink (one JSON object per event, with deviceId). */
  readonly log?: (event: Record<string, unknown>) => void;
}
