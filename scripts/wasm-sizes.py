#!/usr/bin/env python3
"""Where a gadget's wasm bytes go: code size per crate and the largest functions.

Reads the function names from the wasm's `name` section. The figures that matter are those of
the optimised module; `bash scripts/size-report.sh` builds it with the names kept through
wasm-bindgen and wasm-opt (`-g`) and runs this script on it. By hand:

    python3 scripts/wasm-sizes.py target/size-report/named.wasm [TOP]

(The module cargo writes, before wasm-bindgen, also works but counts ~100 KB of `describe`
functions that wasm-bindgen removes.) A function counts for the first crate of CRATES its
name contains; a component's view counts for Yew (`CompStateInner<COMP>::view` is the body of
the component's function, the html! code).
"""
import collections
import re
import sys

CRATES = [
    'finesse_xmpp_web', 'team_performance', 'queue_statistics', 'finesse_gadgets',
    'finesse_model', 'finesse_session', 'finesse_ui', 'finesse_hub', 'finesse_rest',
    'finesse_xmpp', 'call_control', 'connection', 'serde_json', 'quick_xml', 'yew', 'serde',
    'core', 'alloc', 'wasm_bindgen', 'web_sys', 'js_sys', 'gloo', 'std', 'dlmalloc',
    'implicit_clone', 'hashbrown', 'indexmap', 'zmij', 'memchr',
]


def leb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data):
    i = 8
    while i < len(data):
        kind = data[i]
        size, i = leb(data, i + 1)
        yield kind, i, i + size
        i += size


def main():
    data = open(sys.argv[1], 'rb').read()
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    imported, bodies, names = 0, [], {}
    for kind, start, end in sections(data):
        if kind == 2:  # imports: functions among them shift the indices of the bodies
            count, j = leb(data, start)
            for _ in range(count):
                for _ in range(2):
                    length, j = leb(data, j)
                    j += length
                desc = data[j]
                j += 1
                if desc == 0:
                    imported += 1
                    _, j = leb(data, j)
                elif desc in (1, 2):
                    if desc == 1:
                        j += 1
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                else:
                    j += 2
        elif kind == 10:  # code
            count, j = leb(data, start)
            for _ in range(count):
                size, j = leb(data, j)
                bodies.append(size)
                j += size
        elif kind == 0:  # custom: the name section
            length, j = leb(data, start)
            if data[j:j + length] != b'name':
                continue
            j += length
            while j < end:
                sub = data[j]
                size, j = leb(data, j + 1)
                if sub == 1:
                    count, k = leb(data, j)
                    for _ in range(count):
                        index, k = leb(data, k)
                        length, k = leb(data, k)
                        names[index] = data[k:k + length].decode('utf8', 'replace')
                        k += length
                j += size
    per_crate = collections.Counter()
    for n, size in enumerate(bodies):
        name = names.get(imported + n, '?')
        per_crate[next((c for c in CRATES if c in name), 'other')] += size
    total = sum(bodies)
    for crate, size in per_crate.most_common():
        print(f'{size:9,d}  {size / total:5.1%}  {crate}')
    print(f'{total:9,d}  code in all')
    largest = sorted(((s, names.get(imported + n, '?')) for n, s in enumerate(bodies)), reverse=True)
    for size, name in largest[:top]:
        print(f'{size:9,d}  {re.sub(r"17h[0-9a-f]{16}E$", "", name)[:140]}')


if __name__ == '__main__':
    main()
