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

/**
 * A physical step failed before it had any effect (a move never sent, an irradiation that never opened the
 * shutter): the journal marks it failed, not uncertain, and the run pauses to be resumed once the cause is gone.
 */
export class NothingDelivered extends Error {
  constructor(
    readonly deviceId: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'NothingDelivered';
  }
}

/**
 * The run's station is held by another run under way (running, paused or waiting for a person): its samples may be
 * in the station's vessel, and it continues there. The run stays queued and is tried again a little later.
 */
export class StationHeld extends Error {
  constructor(
    readonly station: string,
    readonly heldBy: string,
    readonly heldState: string,
  ) {
    super(`station ${station} is held by run ${heldBy} (${heldState})`);
    this.name = 'StationHeld';
  }
}
