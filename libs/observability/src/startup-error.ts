/**
 * Ends a process that could not start, with one line and no stack trace: configuration errors, unreachable
 * services and refused documents already carry a message that says what to do.
 */
export function exitOnStartupError(app: string): (error: unknown) => never {
  return (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`graftlab ${app}: ${message.split('\n')[0]}\n`);
    process.exit(1);
  };
}
