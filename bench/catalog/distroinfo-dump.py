#!/usr/bin/env python3
"""Dump what distroinfo's get_info() returns for a catalog, as JSON.

usage: distroinfo-dump.py DISTROINFO_CHECKOUT CATALOG_DIR ENTRY_FILE OUT_JSON [TAG...]

Runs distroinfo from its source tree (needs python3-yaml and python3-requests).
The untagged info comes from a plain DistroInfo(...).get_info(); for each TAG,
get_info(apply_tag=TAG) is called and its packages carrying TAG are kept, as
DLRN's rdoinfo driver does (with an exact tag match). Parsed YAML files are
cached between calls (deep copies), so each tag does not pay the 4-5 s of
YAML parsing again; the merge and parse steps are distroinfo's own.
"""
import copy
import json
import sys
import time
import types


def stub_pbr():
    # distroinfo/__init__.py only uses pbr for its version string.
    try:
        import pbr.version  # noqa: F401
    except ImportError:
        pbr = types.ModuleType('pbr')
        version = types.ModuleType('pbr.version')

        class VersionInfo(object):
            def __init__(self, name):
                self.name = name

            def version_string(self):
                return 'unknown'

        version.VersionInfo = VersionInfo
        pbr.version = version
        sys.modules['pbr'] = pbr
        sys.modules['pbr.version'] = version


def main():
    checkout, catalog_dir, entry, out = sys.argv[1:5]
    tags = sys.argv[5:]
    sys.path.insert(0, checkout)
    stub_pbr()
    from distroinfo import fetch, info

    started = time.time()
    untagged = info.DistroInfo(entry, local_info=catalog_dir).get_info()
    seconds = time.time() - started

    class CachingFetcher(fetch.LocalInfoFetcher):
        cache = {}

        def get_file_data(self, fn):
            if fn not in self.cache:
                self.cache[fn] = super(CachingFetcher, self).get_file_data(fn)
            return copy.deepcopy(self.cache[fn])

    cached = info.DistroInfo(entry, fetcher=CachingFetcher(catalog_dir))
    by_tag = {}
    for tag in tags:
        packages = cached.get_info(apply_tag=tag)['packages']
        by_tag[tag] = [p for p in packages if tag in (p.get('tags') or {})]
    with open(out, 'w') as f:
        json.dump({'seconds': seconds, 'info': untagged, 'tags': by_tag}, f)


if __name__ == '__main__':
    main()
