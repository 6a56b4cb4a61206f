/** One thing wrong with a document, located by its JSON pointer (RFC 6901). */
export interface Problem {
  readonly pointer: string;
  readonly message: string;
}

/** Thrown when a document is refused; carries every problem found, never a partial acceptance. */
export class DocumentError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '));
    this.name = 'DocumentError';
  }
}
