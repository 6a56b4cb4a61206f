/** The requested state change is not allowed from the current state (e.g. resume a completed run). */
export class InvalidTransitionError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly from: string,
    readonly to: string,
    readonly actual?: string,
  ) {
    super(
      actual !== undefined && actual !== from
        ? `${entity} ${id} is ${actual}, not ${from}: cannot move it to ${to}`
        : `${entity} ${id}: ${from} → ${to} is not an allowed transition`,
    );
    this.name = 'InvalidTransitionError';
  }
}

export class NotFoundError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
    this.name = 'NotFoundError';
  }
}
