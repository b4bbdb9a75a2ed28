/**
 * Reading a batch of .rpm files into XML fragments: the unit of work of the
 * read pool, run in a worker thread or inline. The fragments of the whole
 * batch are UTF-8 encoded into one buffer; each result says where its three
 * fragments are.
 */
import { isFerryError } from '../errors.js';
import type { RpmPackage } from '../rpm/package.js';
import { packageFromRead, readRpmLayoutSync } from '../rpm/rpm-file-reader.js';
import { ByteWriter } from './byte-writer.js';
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
  const out = new ByteWriter();
  const items: BatchItem[] = [];
  const rules = request.rules;
  for (const job of request.jobs) {
    try {
      const options = {
        locationHref: job.href,
        checksumType: rules.checksumType,
        changelogLimit: rules.changelogLimit,
        transactionRequiresArePre: rules.transactionRequiresArePre,
      };
      const read = readRpmLayoutSync(job.path, options);
      const pkg = packageFromRead(read, job.path, options);
      const start = out.length;
      out.utf8(renderPrimary(pkg));
      const filelists = out.length;
      out.utf8(renderFilelists(pkg));
      const other = out.length;
      out.utf8(renderOther(pkg));
      const at: [number, number, number, number] = [start, filelists, other, out.length];
      const parts: [number, number][] = [];
      for (const build of partBuilders) {
        const start = out.length;
        out.bytes(build(pkg));
        parts.push([start, out.length]);
      }
      items.push({
        ok: true,
        href: job.href,
        size: read.size,
        mtimeMs: read.mtimeMs,
        pkgid: read.checksum.value,
        at,
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
  return { id: request.id, items, data: out.buf.subarray(0, out.length) };
}
