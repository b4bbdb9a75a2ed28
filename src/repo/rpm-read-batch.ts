/**
 * Reading a batch of .rpm files into XML fragments: the unit of work of the
 * read pool, run in a worker thread or inline. The fragments of the whole
 * batch are UTF-8 encoded into one buffer; each result says where its three
 * fragments are.
 */
import { isFerryError } from '../errors.js';
import type { RpmPackage } from '../rpm/package.js';
import { readRpmFileSyncWithStat } from '../rpm/rpm-file-reader.js';
import type { PartBuilder, PartModule, RecordRules } from './package-record.js';
import { renderFilelists, renderOther, renderPrimary } from './repodata-xml.js';

export interface BatchRequest {
  readonly id: number;
  readonly jobs: readonly { readonly path: string; readonly href: string }[];
  readonly rules: RecordRules;
  /** Send the package models back too (for extension parts that can only be built on the main thread). */
  readonly wantModels: boolean;
  /** Extension parts built where the file is read, by type (see RepodataExtension.packagePartModule). */
  readonly partModules: readonly (PartModule & { readonly type: string })[];
}

export type BatchItem =
  | {
      readonly ok: true;
      readonly href: string;
      readonly size: number;
      readonly mtimeMs: number;
      readonly pkgid: string;
      /** Byte offsets in `data`: primary start, filelists start, other start, end. */
      readonly at: readonly [number, number, number, number];
      /** [start, end) in `data` of each part of `partModules`, in that order. */
      readonly parts: readonly (readonly [number, number])[];
      readonly pkg?: RpmPackage;
    }
  | { readonly ok: false; readonly href: string; readonly path: string; readonly message: string };

export interface BatchResult {
  readonly id: number;
  readonly items: BatchItem[];
  readonly data: Uint8Array;
}

/** Encodes strings one after another into a growing buffer. */
class Encoder {
  data: Buffer = Buffer.allocUnsafe(256 * 1024);
  length = 0;

  append(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    this.reserve(text.length * 3);
    this.length += this.data.write(text, this.length, 'utf8');
  }

  appendBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.data.set(bytes, this.length);
    this.length += bytes.length;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes > this.data.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.length + bytes));
      this.data.copy(bigger, 0, 0, this.length);
      this.data = bigger;
    }
  }
}

/** Loads the part builders a batch names (cached per thread). */
const loadedParts = new Map<string, Promise<PartBuilder>>();

export function loadPartBuilders(modules: BatchRequest['partModules']): Promise<PartBuilder[]> {
  return Promise.all(
    modules.map((module) => {
      const key = `${module.url}#${module.exportName}`;
      let loaded = loadedParts.get(key);
      if (!loaded) {
        loaded = import(module.url).then((exports: Record<string, unknown>) => {
          const build = exports[module.exportName];
          if (typeof build !== 'function') throw new Error(`${key} is not a function`);
          return build as PartBuilder;
        });
        loadedParts.set(key, loaded);
      }
      return loaded;
    }),
  );
}

export function readRpmBatch(request: BatchRequest, partBuilders: readonly PartBuilder[] = []): BatchResult {
  const out = new Encoder();
  const items: BatchItem[] = [];
  for (const job of request.jobs) {
    try {
      const { pkg, mtimeMs } = readRpmFileSyncWithStat(job.path, {
        locationHref: job.href,
        checksumType: request.rules.checksumType,
        changelogLimit: request.rules.changelogLimit,
        transactionRequiresArePre: request.rules.transactionRequiresArePre,
      });
      const start = out.length;
      out.append(renderPrimary(pkg));
      const filelists = out.length;
      out.append(renderFilelists(pkg));
      const other = out.length;
      out.append(renderOther(pkg));
      const end = out.length;
      const parts: [number, number][] = [];
      for (const build of partBuilders) {
        const start = out.length;
        out.appendBytes(build(pkg));
        parts.push([start, out.length]);
      }
      items.push({
        ok: true,
        href: job.href,
        size: pkg.sizePackage,
        mtimeMs,
        pkgid: pkg.checksum.value,
        at: [start, filelists, other, end],
        parts,
        ...(request.wantModels ? { pkg } : {}),
      });
    } catch (error) {
      // A package that trips a bug must not stop the whole index, but it must not look like a bad rpm either.
      const message = isFerryError(error)
        ? error.message
        : `unexpected failure (a bug in ferry, please report it): ${error instanceof Error ? error.message : String(error)}`;
      items.push({ ok: false, href: job.href, path: job.path, message });
    }
  }
  return { id: request.id, items, data: out.data.subarray(0, out.length) };
}
