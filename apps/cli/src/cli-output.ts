/** Where a command writes: injectable so tests run commands in-process and read what they printed. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** True when stdout is a terminal (progress bars, colours); false for pipes and --json. */
  readonly interactive: boolean;
}

export const processOutput: CliOutput = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  interactive: Boolean(process.stdout.isTTY),
};

/** Collects output in memory (tests). */
export function memoryOutput(): CliOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, interactive: false, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** Exit codes, documented in `graftlab --help`. */
export const EXIT = {
  ok: 0,
  /** Input refused: invalid protocol, inventory, space, CSV, ... */
  invalid: 1,
  /** Wrong command-line usage. */
  usage: 2,
  /** A service or device could not be reached. */
  unreachable: 3,
  /** The operation ran and failed (a run failed, a check found a broken audit chain). */
  failed: 4,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
} as const;
