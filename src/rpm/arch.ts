/**
 * Architecture compatibility as dnf sees it through libsolv (src/poolarch.c
 * archpolicies and pool_installable): a system of architecture X can install
 * packages of X, of the architectures X's policy lists (x86_64 takes i686,
 * i586, i486, i386: multilib), and noarch. Source packages (`src`, `nosrc`)
 * are never installable: libsolv gives them no provides, so nothing a
 * dependency needs can come from them. An architecture libsolv has no policy
 * for (aarch64, ppc64le, riscv64, ...) takes itself and noarch only.
 *
 * libsolv's table differs by build: Fedora/Mageia builds (what dnf uses on
 * Fedora, RHEL, CentOS) put `athlon` between x86_64 and i686 and know a few
 * extra aliases; other builds (Debian's dnf) do not. `variant` picks one;
 * the default is `fedora`, the distributions ferry publishes for.
 */

export const ARCH_VARIANTS = ['fedora', 'generic'] as const;
export type ArchVariant = (typeof ARCH_VARIANTS)[number];

const X86 = ['i686', 'i586', 'i486', 'i386'] as const;

/** Policies common to every libsolv build: arch -> compatible arches, best first (noarch implied). */
const COMMON_POLICIES: Readonly<Record<string, readonly string[]>> = {
  i686: X86,
  i586: ['i586', 'i486', 'i386'],
  i486: ['i486', 'i386'],
  s390x: ['s390x', 's390'],
  ppc64: ['ppc64', 'ppc'],
  ppc64p7: ['ppc64p7', 'ppc64', 'ppc'],
  ia64: ['ia64', ...X86],
  armv8hcnl: ['armv8hcnl', 'armv8hnl', 'armv8hl', 'armv7hnl', 'armv7hl', 'armv6hl'],
  armv8hnl: ['armv8hnl', 'armv8hl', 'armv7hnl', 'armv7hl', 'armv6hl'],
  armv8hl: ['armv8hl', 'armv7hl', 'armv6hl'],
  armv8l: [
    'armv8l',
    'armv7l',
    'armv6l',
    'armv5tejl',
    'armv5tel',
    'armv5tl',
    'armv5l',
    'armv4tl',
    'armv4l',
    'armv3l',
  ],
  armv7hnl: ['armv7hnl', 'armv7hl', 'armv6hl'],
  armv7hl: ['armv7hl', 'armv6hl'],
  armv7l: ['armv7l', 'armv6l', 'armv5tejl', 'armv5tel', 'armv5tl', 'armv5l', 'armv4tl', 'armv4l', 'armv3l'],
  armv6l: ['armv6l', 'armv5tejl', 'armv5tel', 'armv5tl', 'armv5l', 'armv4tl', 'armv4l', 'armv3l'],
  armv5tejl: ['armv5tejl', 'armv5tel', 'armv5tl', 'armv5l', 'armv4tl', 'armv4l', 'armv3l'],
  armv5tel: ['armv5tel', 'armv5tl', 'armv5l', 'armv4tl', 'armv4l', 'armv3l'],
  armv5tl: ['armv5tl', 'armv5l', 'armv4tl', 'armv4l', 'armv3l'],
  armv5l: ['armv5l', 'armv4tl', 'armv4l', 'armv3l'],
  armv4tl: ['armv4tl', 'armv4l', 'armv3l'],
  armv4l: ['armv4l', 'armv3l'],
  sh4a: ['sh4a', 'sh4'],
  sparc64v: ['sparc64v', 'sparc64', 'sparcv9v', 'sparcv9', 'sparcv8', 'sparc'],
  sparc64: ['sparc64', 'sparcv9', 'sparcv8', 'sparc'],
  sparcv9v: ['sparcv9v', 'sparcv9', 'sparcv8', 'sparc'],
  sparcv9: ['sparcv9', 'sparcv8', 'sparc'],
  sparcv8: ['sparcv8', 'sparc'],
  e2kv6: ['e2kv6', 'e2kv5', 'e2kv4', 'e2k'],
  e2kv5: ['e2kv5', 'e2kv4', 'e2k'],
  e2kv4: ['e2kv4', 'e2k'],
};

function x86_64Levels(withAthlon: boolean): Record<string, readonly string[]> {
  const x86 = withAthlon ? ['athlon', ...X86] : [...X86];
  return {
    x86_64_v4: ['x86_64_v4', 'x86_64_v3', 'x86_64_v2', 'x86_64', ...x86],
    x86_64_v3: ['x86_64_v3', 'x86_64_v2', 'x86_64', ...x86],
    x86_64_v2: ['x86_64_v2', 'x86_64', ...x86],
    x86_64: ['x86_64', ...x86],
  };
}

const POLICIES: Readonly<Record<ArchVariant, Readonly<Record<string, readonly string[]>>>> = {
  generic: { ...COMMON_POLICIES, ...x86_64Levels(false) },
  fedora: {
    ...COMMON_POLICIES,
    ...x86_64Levels(true),
    ia32e: ['ia32e', 'x86_64', 'athlon', ...X86],
    athlon: ['athlon', ...X86],
    amd64: ['amd64', 'x86_64', 'athlon', ...X86],
    geode: ['geode', 'i586', 'i486', 'i386'],
    ppc64iseries: ['ppc64iseries', 'ppc64', 'ppc'],
    ppc64pseries: ['ppc64pseries', 'ppc64', 'ppc'],
  },
};

export const SOURCE_ARCHES = ['src', 'nosrc'] as const;
export type SourceArch = (typeof SOURCE_ARCHES)[number];

/** `src` or `nosrc`: a source package. */
export function isSourceArch(arch: string): arch is SourceArch {
  return arch === 'src' || arch === 'nosrc';
}

export function isNoarch(arch: string): boolean {
  return arch === 'noarch';
}

/**
 * The package architectures a system of `systemArch` can install, best first,
 * `noarch` last.
 *
 * @example
 *   compatibleArches('x86_64') // ['x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386', 'noarch']
 *   compatibleArches('x86_64', { variant: 'generic' }) // ['x86_64', 'i686', 'i586', 'i486', 'i386', 'noarch']
 *   compatibleArches('aarch64') // ['aarch64', 'noarch']
 */
export function compatibleArches(
  systemArch: string,
  options: { readonly variant?: ArchVariant } = {},
): readonly string[] {
  if (systemArch === 'noarch') return ['noarch'];
  const policy = POLICIES[options.variant ?? 'fedora'][systemArch] ?? [systemArch];
  return [...policy, 'noarch'];
}

/** Whether a package of `packageArch` is installable on `systemArch` (never for source packages). */
export function isArchCompatible(
  packageArch: string,
  systemArch: string,
  options: { readonly variant?: ArchVariant } = {},
): boolean {
  if (isSourceArch(packageArch)) return false;
  return compatibleArches(systemArch, options).includes(packageArch);
}

/** dnf's $basearch of an architecture (dnf/rpm/__init__.py _BASEARCH_MAP); unknown ones map to themselves. */
const BASEARCH_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  alpha: [
    'alpha',
    'alphaev4',
    'alphaev45',
    'alphaev5',
    'alphaev56',
    'alphaev6',
    'alphaev67',
    'alphaev68',
    'alphaev7',
    'alphapca56',
  ],
  arm: ['armv5tejl', 'armv5tel', 'armv5tl', 'armv6l', 'armv7l', 'armv8l'],
  armhfp: ['armv6hl', 'armv7hl', 'armv7hnl', 'armv8hl'],
  i386: ['i386', 'athlon', 'geode', 'i486', 'i586', 'i686'],
  ppc64: ['ppc64', 'ppc64iseries', 'ppc64p7', 'ppc64pseries'],
  sh4: ['sh4', 'sh4a'],
  sparc: ['sparc', 'sparc64', 'sparc64v', 'sparcv8', 'sparcv9', 'sparcv9v'],
  x86_64: ['x86_64', 'amd64', 'ia32e'],
};

const BASEARCH: ReadonlyMap<string, string> = new Map(
  Object.entries(BASEARCH_FAMILIES).flatMap(([base, arches]) => arches.map((arch) => [arch, base] as const)),
);

/**
 * The `$basearch` dnf substitutes in .repo files for a machine architecture.
 *
 * @example
 *   baseArch('i686') === 'i386'; baseArch('armv7hl') === 'armhfp'; baseArch('aarch64') === 'aarch64'
 */
export function baseArch(arch: string): string {
  return BASEARCH.get(arch) ?? arch;
}

/** Architectures without a libsolv policy of their own that rpm still builds for. */
const OTHER_ARCHES = [
  'noarch',
  'src',
  'nosrc',
  'aarch64',
  'ppc64le',
  'ppc',
  's390',
  'riscv32',
  'riscv64',
  'riscv128',
  'loongarch64',
  'mips',
  'mipsel',
  'mips64',
  'mips64el',
  'mipsr6',
  'mipsr6el',
  'mips64r6',
  'mips64r6el',
  'sh3',
  'sh4',
  'sparc',
  'armv6hl',
  'armv3l',
  'e2k',
  'x86_64_v2',
];

const KNOWN_ARCHES: ReadonlySet<string> = new Set([
  ...OTHER_ARCHES,
  ...Object.values(POLICIES.fedora).flat(),
  ...BASEARCH.keys(),
]);

/** Whether rpm knows `arch` as a package architecture (including noarch, src and nosrc). */
export function isKnownArch(arch: string): boolean {
  return KNOWN_ARCHES.has(arch);
}
