import type { CommandRegistration } from '../command-context.js';
import { registerCatalogCommand } from './catalog.js';
import { registerRepoCommand } from './repo.js';

/** Every top-level command, in the order `ferry --help` lists them. Add new commands here. */
export const COMMANDS: readonly CommandRegistration[] = [registerCatalogCommand, registerRepoCommand];
