import type { Command } from 'commander';

/** Each command module exports a register function; add yours to this list (one line each). */
export const COMMAND_REGISTRARS: ((program: Command) => void)[] = [];
