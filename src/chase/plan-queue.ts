import type { BuildCandidate } from './chase-model.js';

/** The build queue: candidates in the order they are published, and what each must wait for. */
export interface BuildQueue {
  readonly items: readonly BuildCandidate[];
  /**
   * For each item (by index), the indexes of earlier items that must be
   * published before it may start: the first build of a package it
   * BuildRequires that has never been built.
   */
  readonly waitFor: readonly (readonly number[])[];
  /** BuildRequires cycles among packages not built yet, each as a list of package names (first repeated last). */
  readonly cycles: readonly (readonly string[])[];
}

export interface QueueInput {
  readonly candidates: readonly BuildCandidate[];
  /** package name -> names of the packages whose RPMs it BuildRequires (other packages of the catalog only). */
  readonly needs: ReadonlyMap<string, ReadonlySet<string>>;
  /** Packages that already have a successful build (their RPMs are in the current snapshot). */
  readonly built: ReadonlySet<string>;
}

/**
 * Orders the build queue (pure). Candidates go by upstream commit time across
 * packages, each package's commits in their own order (DLRN sorts by
 * dt_commit). When a package BuildRequires another that has never been built
 * and is queued, that package's first build moves before it and the later
 * build waits for it to be published (DLRN's `--order`, without giving up
 * time order for everything else). Cycles among such packages are reported;
 * their members keep time order and are built one after the other.
 */
export function planQueue(input: QueueInput): BuildQueue {
  const timeOrdered = [...input.candidates]
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.commitTime - b.c.commitTime || a.i - b.i)
    .map(({ c }) => c);
  // Each package's commits stay in their listed (first-parent) order even if clocks disagree.
  const perPackage = new Map<string, BuildCandidate[]>();
  for (const c of input.candidates) {
    const list = perPackage.get(c.packageName) ?? [];
    list.push(c);
    perPackage.set(c.packageName, list);
  }
  const cursor = new Map<string, number>();
  const ordered = timeOrdered.map((c) => {
    const n = cursor.get(c.packageName) ?? 0;
    cursor.set(c.packageName, n + 1);
    return perPackage.get(c.packageName)![n]!;
  });

  const queued = new Set(ordered.map((c) => c.packageName));
  // Edges between packages that matter: a needs b, b has no build yet, b is queued.
  const edges = new Map<string, string[]>();
  for (const name of queued) {
    const deps = [...(input.needs.get(name) ?? [])].filter(
      (d) => d !== name && queued.has(d) && !input.built.has(d),
    );
    edges.set(name, deps.sort());
  }
  const cycles = findCycles(edges);
  const inCycle = new Set(cycles.flat());
  for (const [name, deps] of edges) {
    if (inCycle.has(name))
      edges.set(
        name,
        deps.filter((d) => !(inCycle.has(d) && sameCycle(cycles, name, d))),
      );
  }

  // Kahn's algorithm on packages' first builds, ties broken by time order.
  const firstIndex = new Map<string, number>();
  ordered.forEach((c, i) => {
    if (!firstIndex.has(c.packageName)) firstIndex.set(c.packageName, i);
  });
  const placed = new Set<string>();
  const result: BuildCandidate[] = [];
  const remaining = [...ordered];
  while (remaining.length > 0) {
    const pick = remaining.findIndex((c) => {
      if (placed.has(c.packageName)) return true;
      return (edges.get(c.packageName) ?? []).every((d) => placed.has(d));
    });
    // Only a cycle could block every item, and cycles' edges were removed.
    const index = pick < 0 ? 0 : pick;
    const [item] = remaining.splice(index, 1);
    placed.add(item!.packageName);
    result.push(item!);
  }

  const firstPlaced = new Map<string, number>();
  result.forEach((c, i) => {
    if (!firstPlaced.has(c.packageName)) firstPlaced.set(c.packageName, i);
  });
  // A cycle is built one member at a time: each member's first build waits for the one
  // before it, so it can use what that one published (a bootstrap from the lookaside).
  const previousInCycle = new Map<string, string>();
  for (const cycle of cycles) {
    const members = [...new Set(cycle)].sort((a, b) => firstPlaced.get(a)! - firstPlaced.get(b)!);
    for (let k = 1; k < members.length; k++) previousInCycle.set(members[k]!, members[k - 1]!);
  }
  const waitFor = result.map((c, i) => {
    const deps = [...(edges.get(c.packageName) ?? [])];
    const previous = previousInCycle.get(c.packageName);
    if (previous !== undefined && firstPlaced.get(c.packageName) === i) deps.push(previous);
    return [
      ...new Set(deps.map((d) => firstPlaced.get(d)).filter((j): j is number => j !== undefined && j < i)),
    ].sort((a, b) => a - b);
  });
  return { items: result, waitFor, cycles };
}

function sameCycle(cycles: readonly (readonly string[])[], a: string, b: string): boolean {
  return cycles.some((cycle) => cycle.includes(a) && cycle.includes(b));
}

/** Strongly connected components with more than one package (or a self-loop), each as a closed path. */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    indexes.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indexes.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexes.get(w)!));
      }
    }
    if (low.get(v) === indexes.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...edges.keys()].sort()) if (!indexes.has(v)) visit(v);
  return components.map((component) => closedPath(component, edges));
}

/** The shortest path through a cycle's members from the smallest name back to it (BFS inside the component). */
function closedPath(members: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const set = new Set(members);
  const start = [...members].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of edges.get(current) ?? []) {
      if (!set.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = current; at !== undefined && at !== start; at = previous.get(at)) {
          path.splice(1, 0, at);
        }
        path.push(start);
        return path;
      }
      if (!previous.has(next)) {
        previous.set(next, current);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
