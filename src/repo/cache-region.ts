/**
 * A region of the sidecar cache (the fragments of one metadata kind or
 * part type, or the table of entries) and how to slice it. A region read
 * from a file is one buffer; one kept in memory after a write is the pieces
 * that were written, so a chaser's next update neither joins nor decodes it.
 */

/** Every record's fragment of one region, one after another, in one or more segments. */
export interface CacheRegion {
  /** The region's bytes as consecutive segments; a record's fragment never spans two. */
  readonly segments: readonly Uint8Array[];
  /** Offset of each segment in the region, and the region's length last. */
  readonly segmentStarts: Float64Array;
  /** Offsets of record i's fragment in the region: [starts[i], starts[i + 1]). */
  readonly starts: Float64Array;
}

export function singleSegment(data: Uint8Array, starts: Float64Array): CacheRegion {
  return { segments: [data], segmentStarts: Float64Array.of(0, data.length), starts };
}

/** Index of the segment holding region offset `at` (the last one that starts at or before it). */
function segmentAt(region: CacheRegion, at: number): number {
  const starts = region.segmentStarts;
  let low = 0;
  let high = region.segments.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (starts[mid]! <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Region bytes [from, to) as slices of its segments, appended to `out` (nothing for an empty range). */
export function regionSlices(region: CacheRegion, from: number, to: number, out: Uint8Array[]): void {
  if (to <= from) return;
  for (let s = segmentAt(region, from); from < to; s++) {
    const base = region.segmentStarts[s]!;
    const end = Math.min(to, region.segmentStarts[s + 1]!);
    out.push(region.segments[s]!.subarray(from - base, end - base));
    from = end;
  }
}

/** Record `index`'s fragment of a region (one slice: fragments never span segments). */
export function fragmentAt(region: CacheRegion, index: number): Uint8Array {
  const from = region.starts[index]!;
  const s = region.segments.length === 1 ? 0 : segmentAt(region, from);
  const base = region.segmentStarts[s]!;
  return region.segments[s]!.subarray(from - base, region.starts[index + 1]! - base);
}

/** Segments a region kept in memory may have before they are joined into one buffer. */
const MAX_SEGMENTS = 64;

/** A region made of pieces (joined into one buffer when there are too many of them). */
export function segmentedRegion(pieces: readonly Uint8Array[], starts: Float64Array): CacheRegion {
  const segments = pieces.filter((piece) => piece.length > 0);
  if (segments.length === 0) return singleSegment(new Uint8Array(0), starts);
  if (segments.length > MAX_SEGMENTS) return singleSegment(Buffer.concat(segments), starts);
  const segmentStarts = new Float64Array(segments.length + 1);
  for (let i = 0; i < segments.length; i++) segmentStarts[i + 1] = segmentStarts[i]! + segments[i]!.length;
  return { segments, segmentStarts, starts };
}
