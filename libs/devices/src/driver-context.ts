import type { LabClock } from '@graftlab/clock';
import type { CommandFence } from './fencing/command-fence';
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
  /** The lease gate of a shared instrument: asked before every command's bytes go out (absent for owned devices). */
  readonly fence?: CommandFence;
}
