/**
 * Build ordering by BuildRequires (DLRN's `--order`), as pure functions:
 * packages whose BuildRequires another package of the batch provides are
 * built after it; cycles are found and reported by name instead of being
 * silently cut.
 */

/** One package of a batch: what it needs to build and what its build provides. */
export interface BuildOrderInput {
  readonly name: string;
  /** Names its BuildRequires mention (see dependencyNames for rich deps). */
  readonly buildRequires: readonly string[];
  /** Names its build provides: its binary package names and explicit Provides. */
  readonly provides: readonly string[];
}

export interface BuildPlan {
  /** Every package, dependencies first; ties keep the input order. Members of a cycle are adjacent. */
  readonly order: readonly string[];
  /** Package → the packages of the batch it needs (never itself). */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  /** Groups of packages that need each other, each in build order. */
  readonly cycles: readonly (readonly string[])[];
  /**
   * Package → what must be finished before it may start: its dependencies
   * outside its cycle, and for a cycle member the member before it (a
   * cycle is built one package at a time, in `order`).
   */
  readonly prerequisites: ReadonlyMap<string, readonly string[]>;
}

/** A binary heap ordered by `before`. */
class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as T, items[parent] as T)) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.before(items[l] as T, items[best] as T)) best = l;
        if (r < items.length && this.before(items[r] as T, items[best] as T)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best] as T, items[i] as T];
        i = best;
      }
    }
    return top;
  }
}

/** Tarjan's strongly connected components, in the order their roots finish (dependencies first). */
function stronglyConnected(
  names: readonly string[],
  edges: ReadonlyMap<string, readonly string[]>,
): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Iterative DFS: deep BuildRequires chains must not overflow the call stack.
  for (const start of names) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter);
    counter += 1;
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next] as string;
        frame.next += 1;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter);
          counter += 1;
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(target) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined)
        low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        for (;;) {
          const member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
          if (member === frame.node) break;
        }
        components.push(component);
      }
    }
  }
  return components;
}

/**
 * Package → the other packages of the batch whose builds provide one of its
 * BuildRequires (pure): the `needs` map the chaser's queue planning takes.
 */
export function packageNeeds(packages: readonly BuildOrderInput[]): ReadonlyMap<string, ReadonlySet<string>> {
  const plan = planBuildOrder(packages);
  return new Map([...plan.dependencies].map(([name, deps]) => [name, new Set(deps)]));
}

/**
 * Orders a batch of packages so that each comes after the packages providing
 * its BuildRequires. A BuildRequire nobody in the batch provides is not an
 * edge (it comes from the current snapshot or a lookaside repository). A
 * package needing what it provides itself is not a cycle.
 *
 * @example
 *   planBuildOrder([
 *     { name: 'app', buildRequires: ['libfoo-devel'], provides: ['app'] },
 *     { name: 'libfoo', buildRequires: [], provides: ['libfoo', 'libfoo-devel'] },
 *   ]).order // ['libfoo', 'app']
 */
export function planBuildOrder(packages: readonly BuildOrderInput[]): BuildPlan {
  const position = new Map(packages.map((p, i) => [p.name, i]));
  const provider = new Map<string, string>();
  for (const p of packages) {
    for (const provided of [p.name, ...p.provides])
      if (!provider.has(provided)) provider.set(provided, p.name);
  }
  const dependencies = new Map<string, string[]>();
  for (const p of packages) {
    const own = new Set([p.name, ...p.provides]);
    const deps: string[] = [];
    for (const required of p.buildRequires) {
      if (own.has(required)) continue;
      const from = provider.get(required);
      if (from !== undefined && from !== p.name && !deps.includes(from)) deps.push(from);
    }
    deps.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    dependencies.set(p.name, deps);
  }

  const names = packages.map((p) => p.name);
  const components = stronglyConnected(names, dependencies).map((c) =>
    c.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0)),
  );
  const componentOf = new Map<string, number>();
  components.forEach((c, i) => c.forEach((m) => componentOf.set(m, i)));

  // Kahn over the components. A component's priority is the earliest input
  // position among itself and everything that needs it, so the dependencies
  // of the first package are built right before it (DLRN's depth-first
  // order), and otherwise the input order stands.
  const needs = components.map((c, i) => {
    const set = new Set<number>();
    for (const m of c) {
      for (const d of dependencies.get(m) ?? []) {
        const j = componentOf.get(d);
        if (j !== undefined && j !== i) set.add(j);
      }
    }
    return set;
  });
  const firstPosition = components.map((c) => Math.min(...c.map((m) => position.get(m) ?? 0)));
  const priority = [...firstPosition];
  // Tarjan emits a component after all it needs: walking backwards visits dependents first.
  for (let i = components.length - 1; i >= 0; i -= 1) {
    for (const j of needs[i] ?? []) priority[j] = Math.min(priority[j] ?? 0, priority[i] ?? 0);
  }
  const waiting = needs.map((n) => n.size);
  const dependents = components.map(() => [] as number[]);
  needs.forEach((set, i) => set.forEach((j) => dependents[j]?.push(i)));
  const before = (a: number, b: number): boolean =>
    (priority[a] ?? 0) - (priority[b] ?? 0) < 0 ||
    ((priority[a] ?? 0) === (priority[b] ?? 0) && (firstPosition[a] ?? 0) < (firstPosition[b] ?? 0));
  const ready = new MinHeap<number>(before);
  waiting.forEach((count, i) => {
    if (count === 0) ready.push(i);
  });
  const order: string[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(...(components[next] ?? []));
    for (const d of dependents[next] ?? []) {
      waiting[d] = (waiting[d] ?? 0) - 1;
      if (waiting[d] === 0) ready.push(d);
    }
  }

  const orderIndex = new Map(order.map((n, i) => [n, i]));
  const inOrder = components.map((c) =>
    c.length === 1 ? c : [...c].sort((a, b) => (orderIndex.get(a) ?? 0) - (orderIndex.get(b) ?? 0)),
  );
  const cycles = inOrder.filter((c) => c.length > 1);
  const prerequisites = new Map<string, string[]>();
  for (const name of names) {
    const own = componentOf.get(name) ?? -1;
    const outside = (dependencies.get(name) ?? []).filter((d) => componentOf.get(d) !== own);
    const members = inOrder[own] ?? [];
    const previous = members.length > 1 ? members[members.indexOf(name) - 1] : undefined;
    prerequisites.set(name, previous === undefined ? outside : [...outside, previous]);
  }
  return { order, dependencies, cycles, prerequisites };
}

/**
 * One line per cycle for a log or an error, naming the packages and who needs whom:
 * `build dependency cycle among a, b: a needs b; b needs a`.
 */
export function describeCycles(plan: BuildPlan): string[] {
  return plan.cycles.map((cycle) => {
    const members = new Set(cycle);
    const needs = cycle
      .map((name) => {
        const inside = (plan.dependencies.get(name) ?? []).filter((d) => members.has(d));
        return inside.length === 0 ? undefined : `${name} needs ${inside.join(', ')}`;
      })
      .filter((n) => n !== undefined);
    return `build dependency cycle among ${cycle.join(', ')}: ${needs.join('; ')}`;
  });
}

/**
 * The packages that may start now (pure): not finished, not running, and
 * every prerequisite finished (successfully or not: whether a failed
 * dependency should stop its dependents is the caller's decision). In plan
 * order, so with N free workers the caller takes the first N.
 */
export function buildableNow(
  plan: BuildPlan,
  state: { readonly finished: ReadonlySet<string>; readonly running: ReadonlySet<string> },
): string[] {
  return plan.order.filter(
    (name) =>
      !state.finished.has(name) &&
      !state.running.has(name) &&
      (plan.prerequisites.get(name) ?? []).every((p) => state.finished.has(p)),
  );
}
