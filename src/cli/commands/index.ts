import type { CommandRegistration } from '../command-context.js';
import { registerCatalogCommand } from './catalog.js';
import { registerImportCommand } from './import.js';
import { registerInitCommand } from './init.js';
import { registerRepoCommand } from './repo.js';
import { registerServeCommand } from './serve.js';
import { registerUserCommand } from './user.js';

/** Every top-level command, in the order `ferry --help` lists them. Add new commands here. */
export const COMMANDS: readonly CommandRegistration[] = [registerInitCommand, registerCatalogCommand, registerRepoCommand, registerServeCommand, registerUserCommand, registerImportCommand];
