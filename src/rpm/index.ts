// Public surface of src/rpm: other modules import from here, never from the inner files.
export * from './package.js';
export type { VercmpResult } from './vercmp.js';
export { rpmvercmp } from './vercmp.js';
export type { Evr, EvrRange } from './evr.js';
export { compareEvr, evrSatisfies, formatEvr, parseEvr, rangesOverlap, senseBits } from './evr.js';
