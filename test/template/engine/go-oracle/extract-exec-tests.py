#!/usr/bin/env python3
"""Extracts the execTests table of Go's text/template/exec_test.go into JSON:
[{"name", "input", "output", "data" (the Go expression, as text), "ok"}].

    python3 extract-exec-tests.py "$(go env GOROOT)/src/text/template/exec_test.go" > ../fixtures/go-exec-tests.json
"""
import json
import re
import sys

src = open(sys.argv[1]).read()
start = src.index('var execTests = []execTest{')
i = src.index('{', start + len('var execTests = []execTest')) + 1


def skip_str(s, i):
    q = s[i]
    if q == '`':
        return s.index('`', i + 1) + 1
    j = i + 1
    while s[j] != q:
        j += 2 if s[j] == '\\' else 1
    return j + 1


entries, depth, cur = [], 0, None
while True:
    c = src[i]
    if c in '"`\'':
        i = skip_str(src, i)
        continue
    if c == '/' and src[i + 1] == '/':
        i = src.index('\n', i)
        continue
    if c == '{':
        if depth == 0:
            cur = i
        depth += 1
    elif c == '}':
        if depth == 0:
            break
        depth -= 1
        if depth == 0:
            entries.append(src[cur:i + 1])
    i += 1


def split(s, sep):
    parts, depth, j, cur = [], 0, 0, ''
    while j < len(s):
        c = s[j]
        if c in '"`\'':
            k = skip_str(s, j)
            cur += s[j:k]
            j = k
            continue
        if c in '({[':
            depth += 1
        if c in ')}]':
            depth -= 1
        if c == sep and depth == 0:
            parts.append(cur.strip())
            cur = ''
            j += 1
            continue
        cur += c
        j += 1
    if cur.strip():
        parts.append(cur.strip())
    return parts


CONSTS = {
    'bigInt': '"0x7fffffffffffffff"',
    'bigUint': '"0x8000000000000000"',
    'rangeTestInt': '`{{range $v := .}}{{printf "%T%d" $v $v}}{{end}}`',
}


def go_str(e):
    e = e.strip()
    parts = split(e, '+')
    if len(parts) > 1:
        return ''.join(go_str(p) for p in parts)
    if e in CONSTS:
        return go_str(CONSTS[e])
    if e.startswith('`'):
        return e[1:-1]
    if e.startswith('"'):
        return json.loads(e.replace('\\x', '\\u00'))
    m = re.match(r'rangeTestData\[(\w+)\]\(\)', e)
    if m:
        return ''.join(f'{m.group(1)}{n}' for n in range(5))
    raise ValueError(e)


out = []
for ent in entries:
    name, inp, outp, data, ok = split(ent[1:-1], ',')
    out.append({'name': go_str(name), 'input': go_str(inp), 'output': go_str(outp),
                'data': re.sub(r'\s+', ' ', data), 'ok': ok == 'true'})
print('[\n' + ',\n'.join(json.dumps(x, ensure_ascii=False) for x in out) + '\n]')
