/** The run cannot go on by itself: it waits for a person, with a precise reason. */
export class OperatorNeededError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'OperatorNeededError';
  }
}

/** A safety precondition failed before a command was sent: the run pauses with the reason. */
export class SafetyRefusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SafetyRefusal';
  }
}

/** The sample can no longer give a valid result (missed time window, failed graft): the run goes on without it. */
export class SampleInvalidated extends Error {
  constructor(
    readonly sampleId: string,
    readonly reason: string,
  ) {
    super(`sample ${sampleId} invalidated: ${reason}`);
    this.name = 'SampleInvalidated';
  }
}

/** The run was paused at a safe point, aborted, or the lab e-stopped; the step was interrupted on purpose. */
export class RunInterrupted extends Error {
  constructor(
    readonly kind: 'pause' | 'abort' | 'estop' | 'shutdown',
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'RunInterrupted';
  }
}
