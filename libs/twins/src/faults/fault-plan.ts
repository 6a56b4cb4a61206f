/** Faults a test or the CLI can inject into a twin (issue: no reply, garbled or partial frames, device errors, ...). */
export type Fault =
  | { kind: 'no-reply' } // swallow requests
  | { kind: 'garble' } // corrupt the next replies' bytes
  | { kind: 'partial' } // send half a frame, then nothing
  | { kind: 'device-error'; code?: string } // answer with the instrument's own error code
  | { kind: 'stuck-shutter' } // shutter will not close on its own (closed? stays 0)
  | { kind: 'never-settle' } // balance stays dynamic; S answers "S I"
  | { kind: 'stall' } // pump motor stall alarm
  | { kind: 'open-circuit' } // the impedance cell loses contact: the analyser sees an open fixture
  | { kind: 'drop-connection' } // close the socket / MQTT connection now
  | { kind: 'unplug' } // close and refuse reconnection until cleared
  | { kind: 'slow'; delayMs: number }; // answer late

export type FaultKind = Fault['kind'];

/** Active faults of one twin; `once` faults clear after they fired. */
export class FaultPlan {
  private readonly active = new Map<FaultKind, { fault: Fault; once: boolean }>();

  inject(fault: Fault, options: { once?: boolean } = {}): void {
    this.active.set(fault.kind, { fault, once: options.once ?? false });
  }

  clear(kind?: FaultKind): void {
    if (kind) this.active.delete(kind);
    else this.active.clear();
  }

  /** The fault of this kind if active (consuming it when it was injected once). */
  take<K extends FaultKind>(kind: K): Extract<Fault, { kind: K }> | undefined {
    const entry = this.active.get(kind);
    if (!entry) return undefined;
    if (entry.once) this.active.delete(kind);
    return entry.fault as Extract<Fault, { kind: K }>;
  }

  has(kind: FaultKind): boolean {
    return this.active.has(kind);
  }

  list(): Fault[] {
    return [...this.active.values()].map((e) => e.fault);
  }
}
