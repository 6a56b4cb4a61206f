/** A required service is missing or does not answer; the message is one line telling the user what to do. */
export class InfraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraError';
  }
}
