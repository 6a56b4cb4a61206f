import { useEffect, useState } from 'preact/hooks';
import type { DeviceStatus, Prompt } from './api';

/** What /api/events says, kept for every view: device snapshots, prompts and the last e-stop. */
export interface EstopReport {
  at: number;
  devices: { deviceId: string; ok: boolean; error?: string }[];
}
export interface LiveState {
  connected: boolean;
  /** Latest snapshot per device and when this page received it (device `at` is lab-clock time). */
  devices: Record<string, { status: DeviceStatus; receivedAt: number }>;
  prompts: Record<string, Prompt>;
  estops: EstopReport[];
  /** Latest reading per device and name, from the instruments' own telemetry. */
  telemetry: Record<string, Record<string, { value: unknown; unit?: string; receivedAt: number }>>;
  /** Bumped on every event: views that poll refresh early when something happened. */
  tick: number;
}

const TELEMETRY_REFRESH_MS = 500;

let state: LiveState = { connected: false, devices: {}, prompts: {}, estops: [], telemetry: {}, tick: 0 };
const listeners = new Set<(s: LiveState) => void>();
let source: EventSource | undefined;

function update(change: Partial<LiveState>): void {
  state = { ...state, ...change, tick: state.tick + 1 };
  for (const l of listeners) l(state);
}

/** One EventSource per page, authenticated by the session cookie (EventSource cannot send headers). */
export function connectLive(): void {
  if (source) return;
  source = new EventSource('/api/events', { withCredentials: true });
  source.onopen = () => update({ connected: true });
  source.onerror = () => update({ connected: false });
  const parse = (e: MessageEvent<string>) => JSON.parse(e.data) as Record<string, unknown>;
  source.addEventListener('device', (e) => {
    const d = parse(e).device as DeviceStatus | undefined;
    if (d?.deviceId)
      update({ devices: { ...state.devices, [d.deviceId]: { status: d, receivedAt: Date.now() } } });
  });
  source.addEventListener('prompt', (e) => {
    const p = parse(e).prompt as Prompt | undefined;
    if (p?.promptId) update({ prompts: { ...state.prompts, [p.promptId]: p } });
  });
  source.addEventListener('estop', (e) => {
    const data = parse(e) as { devices?: EstopReport['devices'] };
    update({ estops: [...state.estops, { at: Date.now(), devices: data.devices ?? [] }].slice(-20) });
  });
  // Instruments publish many readings a second; people read a few. Keep the latest, show them twice a second.
  let pending: LiveState['telemetry'] | undefined;
  source.addEventListener('telemetry', (e) => {
    const t = parse(e).telemetry as
      { deviceId?: string; name?: string; value?: unknown; unit?: string } | undefined;
    if (!t?.deviceId || !t.name) return;
    const reading = { value: t.value, unit: t.unit, receivedAt: Date.now() };
    const base = pending ?? state.telemetry;
    const first = !pending;
    pending = { ...base, [t.deviceId]: { ...base[t.deviceId], [t.name]: reading } };
    if (first)
      setTimeout(() => {
        const telemetry = pending;
        pending = undefined;
        if (telemetry && source) update({ telemetry });
      }, TELEMETRY_REFRESH_MS);
  });
  for (const type of ['run', 'step', 'message']) source.addEventListener(type, () => update({}));
}

export function disconnectLive(): void {
  source?.close();
  source = undefined;
  state = { connected: false, devices: {}, prompts: {}, estops: [], telemetry: {}, tick: 0 };
}

export function forgetPrompt(id: string): void {
  const prompts = { ...state.prompts };
  delete prompts[id];
  update({ prompts });
}

export function useLive(): LiveState {
  const [s, set] = useState(state);
  useEffect(() => {
    listeners.add(set);
    set(state);
    return () => void listeners.delete(set);
  }, []);
  return s;
}
