import type { CommandRegistration } from '../command-context.js';
import { registerCatalogCommand } from './catalog.js';
import { registerChaseCommand } from './chase.js';
import { registerDemoCommand } from './demo.js';
import { registerDiffCommand } from './diff.js';
import { registerImportCommand } from './import.js';
import { registerInitCommand } from './init.js';
import { registerPurgeCommand } from './purge.js';
import { registerRecheckCommand } from './recheck.js';
import { registerRepoCommand } from './repo.js';
import { registerServeCommand } from './serve.js';
import { registerStatusCommand } from './status.js';
import { registerUserCommand } from './user.js';

/** Every top-level command, in the order `ferry --help` lists them. Add new commands here. */
export const COMMANDS: readonly CommandRegistration[] = [
  registerDemoCommand,
  registerInitCommand,
  registerCatalogCommand,
  registerChaseCommand,
  registerStatusCommand,
  registerDiffCommand,
  registerRecheckCommand,
  registerPurgeCommand,
  registerRepoCommand,
  registerServeCommand,
  registerUserCommand,
  registerImportCommand,
];
