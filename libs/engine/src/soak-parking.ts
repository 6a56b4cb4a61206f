/**
 * A soak's next visit is far off: the run parks (state `soaking`), its job ends and its station is free for other
 * runs; the worker enqueues the run again, delayed to `untilLabMs`, and the engine picks it up from the journal
 * (docs/soak.md). Not a failure: nothing is in flight when it is thrown.
 */
export class RunParked extends Error {
  constructor(
    /** Lab time of the next visit. */
    readonly untilLabMs: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'RunParked';
  }
}
