/**
 * The graftlab MQTT topic tree and payloads (docs/mqtt.md). Drivers and twins both build topics here,
 * so the two sides of the wire cannot drift apart.
 */

export const TOPIC_ROOT = 'graftlab';

/** graftlab/<lab>/<device>/<...parts> */
export function deviceTopic(labId: string, deviceId: string, ...parts: string[]): string {
  return [TOPIC_ROOT, labId, deviceId, ...parts].join('/');
}

export const topics = {
  /** Retained {online, ts, fw}; the device's last will publishes {online:false} retained. */
  status: (lab: string, device: string) => deviceTopic(lab, device, 'status'),
  /** Retained last known full state (permissives, position, mode). */
  state: (lab: string, device: string) => deviceTopic(lab, device, 'state'),
  /** QoS 0, never retained: {value, unit, ts}. */
  telemetry: (lab: string, device: string, name: string) => deviceTopic(lab, device, 'telemetry', name),
  /** QoS 1, not retained: alarms, completions. */
  event: (lab: string, device: string, name: string) => deviceTopic(lab, device, 'evt', name),
  /** QoS 1, NEVER retained, with a message expiry: MQTT 5 requests. */
  command: (lab: string, device: string, name: string) => deviceTopic(lab, device, 'cmd', name),
  /** Where one client's replies arrive (its MQTT 5 responseTopic). */
  replies: (lab: string, clientId: string) => [TOPIC_ROOT, lab, '_replies', clientId].join('/'),
  /** Operator prompts (the dashboard, or the virtual operator, answers them). */
  operatorPrompt: (lab: string) => [TOPIC_ROOT, lab, 'operator', 'prompt'].join('/'),
  /** Fault injection into a running virtual lab: {device, fault} or {device, clear:true}. */
  virtualLabFaults: (lab: string) => [TOPIC_ROOT, lab, 'virtual-lab', 'faults'].join('/'),
};

/** Retained status payload. */
export interface StatusPayload {
  readonly online: boolean;
  /** Wall-clock ms of the publication. */
  readonly ts: number;
  /** Firmware / identity string, when online. */
  readonly fw?: string;
}

/** Telemetry payload. */
export interface TelemetryPayload {
  readonly value: number;
  readonly unit: string;
  /** Lab-clock ms of the reading. */
  readonly ts: number;
}

/** Every command payload carries a commandId; devices ignore a second delivery of the same id. */
export interface CommandPayload {
  readonly commandId: string;
  readonly [arg: string]: unknown;
}

export type ReplyPhase = 'accepted' | 'rejected' | 'completed' | 'failed';

/**
 * Replies to a command, published on the request's responseTopic with its correlationData:
 * first `accepted` or `rejected`, then (after accepted) `completed` or `failed`.
 */
export interface ReplyPayload {
  readonly phase: ReplyPhase;
  readonly commandId: string;
  /** Why it was rejected or failed, human readable. */
  readonly reason?: string;
  /** Machine-readable reason: door-open, key-off, interlock, busy, unknown-location, ... */
  readonly code?: string;
  /** True when this commandId had been seen before and was not executed again. */
  readonly duplicate?: boolean;
  /** Command result on completed (a position, a location, ...). */
  readonly result?: Readonly<Record<string, unknown>>;
}

export const REPLY_PHASES: readonly ReplyPhase[] = ['accepted', 'rejected', 'completed', 'failed'];

export function isReplyPayload(v: unknown): v is ReplyPayload {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return REPLY_PHASES.includes(r.phase as ReplyPhase) && typeof r.commandId === 'string';
}

/** Parses a JSON payload; undefined when it is not a JSON object. */
export function parseJsonObject(payload: Buffer | string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(payload.toString());
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What an operator prompt asks for, so a virtual operator (or a robot cell) can perform it; a person otherwise. */
export type OperatorAction =
  | {
      kind: 'load-sample';
      sampleId: string;
      location: string;
      basePolymer: string;
      thicknessUm: number;
      nominalMassG: number;
    }
  | {
      kind: 'fill-reagent';
      device: string;
      reagent: string;
      monomer: string;
      concentrationWtPct: number;
      medium: string;
    }
  | {
      /** Put a film into a sealed, purged ampoule of the reagent (simultaneous grafting). */
      kind: 'immerse';
      sampleId: string;
      reagent: string;
      monomer: string;
      concentrationWtPct: number;
      medium: string;
    }
  | {
      /** Empty a vessel (the reactor has no drain valve of its own: a person drains it). */
      kind: 'drain';
      location: string;
    }
  | {
      /** Treat a film in the fume hood: sulfonate, aminate, quaternize or hydrolyse its graft, then rinse it. */
      kind: 'functionalize';
      sampleId: string;
      reaction: 'sulfonation' | 'amination' | 'quaternization' | 'hydrolysis';
      reagent: string;
      concentration: string;
      temperatureC: number;
      timeH: number;
    }
  | {
      /** Measure a property of a sample off-line and enter it (IEC by titration, conductivity, ...). */
      kind: 'measure';
      sampleId: string;
      property: string;
      unit: string;
    };
