/** The dashboard's way to the API: same origin, the session cookie, and the request header changes need. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      'x-graftlab-request': '1',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized();
    const message =
      json && typeof json === 'object' && 'message' in json
        ? String((json as { message: unknown }).message)
        : res.statusText;
    throw new ApiError(res.status, message || `HTTP ${res.status}`);
  }
  return json as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);

export type Role = 'scientist' | 'operator' | 'safety-officer' | 'admin' | 'instrument';
export interface Actor {
  id: string;
  name: string;
  role: Role;
}

export interface DeviceStatus {
  deviceId?: string;
  state?: string;
  identity?: string;
  detail?: Record<string, unknown>;
  at?: number;
  error?: string;
}
export interface Device {
  id: string;
  title?: string;
  driver: string;
  role: string;
  station: string | null;
  shared: boolean;
  status: DeviceStatus | null;
}
export interface Station {
  id: string;
  title?: string;
  devices: string[];
  worker: string | null;
  queue: Record<string, number> | null;
  currentRun: string | null;
}
export interface RunSummary {
  id: string;
  state: string;
  reason: string | null;
  station: string | null;
  protocolId: string;
  priority: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  campaignId: string | null;
}
export interface Reading {
  name: string;
  value: number;
  unit: string | null;
  sampleId: string | null;
  deviceId: string | null;
  at: string;
}
export interface RunStep {
  key: string;
  type: string;
  title?: string;
  state: string;
  estimatedDurationS: number;
  startOffsetS: number;
  startedAt: string | null;
  finishedAt: string | null;
  commands: {
    key: string;
    deviceId: string | null;
    state: string;
    attempt: number;
    reason?: string | null;
  }[];
  readings: Reading[];
}
export interface RunDetail {
  id: string;
  state: string;
  reason: string | null;
  station: string | null;
  protocol: { id: string; version: number; hash: string };
  parameters: Record<string, unknown>;
  samples: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  estimatedDurationS: number | null;
  /** The compiled plan stored at admission, and the hash the worker checks it against. */
  plan: Plan | null;
  planHash: string | null;
  steps: RunStep[];
  transitions: { stepKey: string; from: string | null; to: string; at: string }[];
  results: Record<
    string,
    { value: number; unit: string | null; uncertainty: number | null; sampleId: string }
  >;
}
export interface Quantity {
  value: number;
  unit: string;
  display?: { value: number; unit: string };
}
export interface PlanStep {
  key: string;
  type: string;
  title?: string;
  station: string | null;
  devices: string[];
  startOffsetS: number;
  estimatedDurationS: number;
  dose?: Quantity;
  doseRate?: Quantity;
  exposureS?: number;
  children?: PlanStep[];
}
export interface TimeWindow {
  pointer: string;
  from: { step: string; event: 'start' | 'end' };
  to: { step: string; event: 'start' | 'end' };
  minS?: number;
  maxS?: number;
  onViolation: string;
  plannedGapS: number;
}
export interface Plan {
  protocol: { id: string; title: string; method: string };
  steps: PlanStep[];
  totalDurationS: number;
  dosePerSample?: Quantity;
  dosePerRun?: Quantity;
  requiresApproval: boolean;
  timeWindows: TimeWindow[];
  hash: string;
}
export interface ProtocolSummary {
  id: string;
  version: number;
  title: string;
  createdAt: string;
  createdBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
}
export interface ProtocolDetail extends Omit<ProtocolSummary, 'title' | 'createdAt'> {
  document: Record<string, unknown>;
  plan: Plan;
}
export interface Prompt {
  promptId: string;
  runId: string;
  stepKey: string;
  message: string;
  action?: string;
  since: number;
}
export interface LabInfo {
  id: string;
  title?: string;
  clockSpeed: number;
  safety: Record<string, unknown>;
}
