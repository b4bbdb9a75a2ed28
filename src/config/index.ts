export { configSchema, type FerryConfig } from './config-schema.js';
export { loadConfig, parseConfig, type ConfigProblem } from './load-config.js';
export {
  CONFIG_FILE,
  openWorkspace,
  resolveWorkspaceDir,
  workspaceFromConfig,
  type Workspace,
} from './workspace.js';
