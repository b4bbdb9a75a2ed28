/**
 * Named points of the chaser where crash tests stop the process with SIGKILL
 * (FERRY_TEST_KILL_AT=<point>[:<n>] stops at the n-th time the point is
 * reached, default the first). Inert unless the variable is set.
 */
export const KILL_POINTS = [
  'during-build',
  'after-stage',
  'after-place',
  'after-record',
  'label-switch',
  'before-aggregate',
  'after-labels',
] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

const reached = new Map<string, number>();

export function killPoint(point: KillPoint, env: NodeJS.ProcessEnv = process.env): void {
  const wanted = env.FERRY_TEST_KILL_AT;
  if (!wanted) return;
  const [name, nth] = wanted.split(':');
  if (name !== point) return;
  const count = (reached.get(point) ?? 0) + 1;
  reached.set(point, count);
  if (count === Number(nth ?? '1')) process.kill(process.pid, 'SIGKILL');
}

/** True when a test asked to stop at this point (the caller arranges to be killed mid-way). */
export function killPointArmed(point: KillPoint, env: NodeJS.ProcessEnv = process.env): boolean {
  return env.FERRY_TEST_KILL_AT?.split(':')[0] === point;
}
