/** Admission refused a run for a reason the caller can act on; nothing was written. */
export class SubmissionRefused extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'SubmissionRefused';
  }
}
