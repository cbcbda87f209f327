#!/usr/bin/env python3
"""Charges perf samples to the first managed frame above a marker (docs/PERF-PRODUCT.md).

    perf script -i FILE.perf | scripts/perf-attr.py MARKER

MARKER is any text of a stack frame (exc_page_fault, __x64_sys_pwrite64, aegis, memmove...). Prints the share of
all samples whose stack holds it, then the managed methods they are charged to. Needs a perf map for the process
(DOTNET_PerfMapEnabled=1, and DOTNET_EnableWriteXorExecute=0 so perf can read the JIT's code addresses).
"""
import collections
import re
import sys

MANAGED = ('[P2P', '[MessagePack', 'Kestrel', '[System', '[LiteNetLib')


def charge(stack, hits):
    for frame in stack:
        if any(m in frame for m in MANAGED):
            name = re.search(r'\] ([\w.+`<>|]+::\S+)', frame)
            hits[(name.group(1) if name else frame)[:140]] += 1
            return
    top = stack[0].split()
    hits['(no managed frame) ' + (top[1][:60] if len(top) > 1 else '?')] += 1


def main():
    marker = sys.argv[1]
    total, matched, hits, stack = 0, 0, collections.Counter(), []
    for line in list(sys.stdin) + ['']:
        if line.startswith((' ', '\t')):
            stack.append(line.strip())
            continue
        if not line.strip() and stack:
            total += 1
            if any(marker in f for f in stack):
                matched += 1
                charge(stack, hits)
            stack = []
    print(f"{matched} of {total} samples ({100 * matched / max(total, 1):.1f} %) hold {marker}")
    for name, n in hits.most_common(12):
        print(f"{100 * n / max(total, 1):5.1f} %  {name}")


if __name__ == '__main__':
    main()
