# Generates yaml-alias-cases.jsonl: YAML documents around go-yaml's alias-expansion limit
# (billion laughs, lists of aliases either side of the ratio, merges, random anchors and aliases)
# with what Helm's fromYaml gives for each in Go. Run with the probe (yaml-alias-probe.go.txt,
# saved as main.go in a scratch module with sigs.k8s.io/yaml v1.6.0):
#   python3 yaml-alias-gen.py | ./probe | python3 yaml-alias-gen.py --record > yaml-alias-cases.jsonl
import sys
if '--record' in sys.argv:
    import sys, json, hashlib
    for l in sys.stdin:
        c = json.loads(l)
        out = {"name": c["name"], "yaml": c["yaml"]}
        go = json.loads(c["go"])
        if isinstance(go, dict) and list(go.keys()) == ["Error"]:
            out["error"] = go["Error"]
        elif len(c["go"]) <= 200:
            out["json"] = c["go"]
        else:
            out["jsonSha256"] = hashlib.sha256(c["go"].encode()).hexdigest()
        print(json.dumps(out))

    sys.exit(0)
import json, random
cases = []
def add(name, y): cases.append({"name": name, "yaml": y})
def bomb(levels, width):
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels):
        lines.append(f'a{i}: &a{i} [' + ','.join([f'*a{i-1}']*width) + ']')
    return '\n'.join(lines) + '\n'
add('billion laughs, 9 levels of 9', bomb(9, 9))
add('billion laughs, 5 levels of 9', bomb(5, 9))
add('billion laughs, 4 levels of 9 (within the ratio)', bomb(4, 9))
for k, m in [(200, 199), (200, 200), (99, 3000)]:
    add(f'{m} aliases of a {k}-item list', 'a: &a [' + ','.join(['x']*k) + ']\nb: [' + ','.join(['*a']*m) + ']\n')
# plain nodes first lower the ratio; after the aliases they do not undo an early failure
add('plain nodes then aliases', 'p: [' + ','.join(['y']*3000) + ']\na: &a [' + ','.join(['x']*200) + ']\nb: [' + ','.join(['*a']*300) + ']\n')
add('aliases then plain nodes', 'a: &a [' + ','.join(['x']*200) + ']\nb: [' + ','.join(['*a']*300) + ']\np: [' + ','.join(['y']*3000) + ']\n')
add('merges of a large map', 'base: &b {' + ','.join(f'k{i}: {i}' for i in range(300)) + '}\nm:\n' + ''.join(f'  - <<: *b\n' for i in range(300)))
add('merge list of aliases', 'x: &x {' + ','.join(f'k{i}: {i}' for i in range(150)) + '}\ny: &y {' + ','.join(f'j{i}: {i}' for i in range(150)) + '}\nm:\n' + ''.join(f'  - <<: [*x, *y]\n' for i in range(100)))
add('alias of an alias', 'a: &a [' + ','.join(['x']*200) + ']\nb: &b [*a, *a]\nc: [' + ','.join(['*b']*100) + ']\n')
add('redefined anchor binds the latest', 'a: &a [1]\nb: *a\na2: &a [2, 3]\nc: *a\n')
rnd = random.Random(16)
for n in range(60):
    lines = []
    anchors = []
    maps = []
    def value(depth):
        r = rnd.random()
        if anchors and r < 0.45:
            return '*' + rnd.choice(anchors)
        if depth > 2 or r < 0.6:
            return rnd.choice(['x', '1', 'true', '"s"', '~', '2.5'])
        if r < 0.8:
            return '[' + ', '.join(value(depth+1) for _ in range(rnd.randint(0, 12))) + ']'
        items = [f'k{i}: {value(depth+1)}' for i in range(rnd.randint(0, 10))]
        if maps and rnd.random() < 0.3:
            items.insert(0, '<<: *' + rnd.choice(maps))
        return '{' + ', '.join(items) + '}'
    for i in range(rnd.randint(3, 10)):
        v = value(0)
        if rnd.random() < 0.7 and not v.startswith('*'):
            name = f'n{i}'
            lines.append(f'v{i}: &{name} {v}')
            anchors.append(name)
            if v.startswith('{'):
                maps.append(name)
        else:
            lines.append(f'v{i}: {v}')
    add(f'random {n}', '\n'.join(lines) + '\n')
for c in cases: print(json.dumps(c))
