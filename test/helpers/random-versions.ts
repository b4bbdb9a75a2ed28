/** Seeded generators of version strings for comparing ferry's RPM primitives with rpm and libsolv. */

/** Deterministic PRNG (mulberry32), so a failure is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEGMENT_SEPARATORS = ['.', '.', '.', '_', '+', '~', '^', '~', '^', '..', '%', 'é'];

/** Random version strings built from segments, biased towards the interesting characters. */
export function randomVersion(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const segments = 1 + Math.floor(random() * 5);
  let text = '';
  for (let s = 0; s < segments; s++) {
    if (s > 0 || random() < 0.1) text += pick(SEGMENT_SEPARATORS);
    const r = random();
    if (r < 0.5) text += String(Math.floor(random() * (random() < 0.2 ? 1e6 : 12)));
    else if (r < 0.6) text += `0${Math.floor(random() * 10)}`;
    else if (r < 0.65) text += '12345678901234567890'.slice(0, 10 + Math.floor(random() * 10));
    else if (r < 0.9) text += pick(['a', 'b', 'rc', 'beta', 'git', 'Z', 'fc', 'el', 'p']);
    else text += `${pick(['a', 'rc', 'p'])}${Math.floor(random() * 20)}`;
  }
  if (random() < 0.1) text += pick(['~', '^', '.']);
  return text;
}

/** A variant close to `text`: one character changed, added or removed, or a segment appended. */
export function mutate(text: string, random: () => number): string {
  const alphabet = '0123456789abzAZ.~^_+';
  const at = Math.floor(random() * (text.length + 1));
  const ch = alphabet[Math.floor(random() * alphabet.length)]!;
  const r = random();
  if (r < 0.3) return text.slice(0, at) + ch + text.slice(at + 1);
  if (r < 0.6) return text.slice(0, at) + ch + text.slice(at);
  if (r < 0.8 && text.length > 1) return text.slice(0, at) + text.slice(at + 1);
  return text + ['.1', '~rc1', '^git1', 'a', '.0', '0'][Math.floor(random() * 6)]!;
}
