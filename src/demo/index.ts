/** `ferry demo`: a generated sample distribution, chased end to end. */
export {
  DEMO_PACKAGES,
  DEMO_RELEASE,
  DEMO_STAGES,
  STAGE_STORIES,
  type DemoPackage,
  type DemoStage,
} from './demo-packages.js';
export {
  applyDemoStage,
  createDemoWorkspace,
  demoGitDirs,
  renderDemoCatalog,
  renderDemoConfig,
} from './demo-workspace.js';
export {
  DEMO_API_USER,
  DEMO_CANDIDATE,
  DEMO_CI_JOB,
  DEMO_PROMOTION,
  runApiStage,
  type DemoApiReport,
  type DemoApiStep,
} from './demo-api-stage.js';
export { runDemo, type DemoOptions, type DemoReport } from './run-demo.js';
