import type { CommandRegistration } from '../command-context.js';

/** Every top-level command, in the order `ferry --help` lists them. Add new commands here. */
export const COMMANDS: readonly CommandRegistration[] = [];
