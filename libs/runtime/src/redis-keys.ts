/** Redis keys and channels graftlab's processes share (besides BullMQ's own). */
export const KEYS = {
  /** Hash runId → JSON ControlRequest; field "*" is the lab-wide e-stop. */
  control: 'graftlab:control',
  /** Pub/sub channel for immediate control requests (abort, e-stop, pause now). */
  controlChannel: 'graftlab:control:events',
  /** Hash promptId → JSON pending operator prompt. */
  prompts: 'graftlab:prompts',
  /** Pub/sub channel carrying operator answers {promptId, by, note, value}. */
  promptAnswers: 'graftlab:prompts:answers',
  /** Hash deviceId → JSON device status snapshot (written by the worker owning or leasing it). */
  devices: 'graftlab:devices',
  /** Hash workerId → JSON {stations, at}: which worker serves which stations (heartbeat). */
  workers: 'graftlab:workers',
  /** Pub/sub channel of instrument leases given back ({resource, origin}): waiting runs elsewhere retry at once. */
  leaseReleases: 'graftlab:leases:released',
  /** Pub/sub channel of live events for /api/events (device status, telemetry, run and step changes). */
  events: 'graftlab:events',
} as const;
