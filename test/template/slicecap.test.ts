/**
 * Slice capacities against Go 1.26: the expected values were printed by slicecap-go.go.txt (slices
 * kept on the heap, as sprig's and encoding/json's are).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedContext, sprigFuncs } from '../../src/template/funcs/index.js';
import { renderTemplate } from '../../src/template/index.js';
import { appendedCap, grownCap } from '../../src/template/slicecap.js';
import { fromJSON } from '../../src/template/value.js';

const GO: Record<string, [number, number][]> = {
  appendIface: [
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 4],
    [5, 8],
    [8, 8],
    [9, 16],
    [16, 16],
    [17, 32],
    [32, 32],
    [33, 71],
    [64, 71],
    [65, 71],
    [100, 143],
    [128, 143],
    [129, 143],
    [255, 303],
    [256, 303],
    [257, 303],
    [300, 303],
    [511, 591],
    [512, 591],
    [513, 591],
    [847, 1023],
    [848, 1023],
    [849, 1023],
    [1000, 1023],
    [1199, 1535],
    [1200, 1535],
  ],
  appendInt: [
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 4],
    [5, 8],
    [8, 8],
    [9, 16],
    [16, 16],
    [17, 32],
    [32, 32],
    [33, 64],
    [64, 64],
    [65, 128],
    [100, 128],
    [128, 128],
    [129, 256],
    [255, 256],
    [256, 256],
    [257, 512],
    [300, 512],
    [511, 512],
    [512, 512],
    [513, 848],
    [847, 848],
    [848, 848],
    [849, 1280],
    [1000, 1280],
    [1199, 1280],
    [1200, 1280],
  ],
  json: [
    [0, 0],
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 4],
    [5, 8],
    [8, 8],
    [9, 16],
    [16, 16],
    [17, 32],
    [32, 32],
    [33, 71],
    [64, 71],
    [65, 71],
    [100, 143],
    [128, 143],
    [129, 143],
    [255, 303],
    [256, 303],
    [257, 303],
    [300, 303],
    [511, 591],
    [512, 591],
    [513, 591],
    [847, 1023],
    [848, 1023],
    [849, 1023],
    [1000, 1023],
    [1199, 1535],
    [1200, 1535],
  ],
  push: [
    [0, 1],
    [1, 2],
    [2, 4],
    [3, 6],
    [4, 8],
    [5, 10],
    [8, 16],
    [9, 18],
    [16, 32],
    [17, 35],
    [32, 71],
    [33, 71],
    [64, 143],
    [65, 143],
    [100, 215],
    [128, 303],
    [129, 303],
    [255, 511],
    [256, 591],
    [257, 591],
    [300, 591],
    [511, 847],
    [512, 847],
    [513, 847],
    [847, 1279],
    [848, 1279],
    [849, 1279],
    [1000, 1535],
    [1199, 1703],
    [1200, 1703],
  ],
  prepend: [
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 4],
    [4, 5],
    [5, 6],
    [8, 9],
    [9, 10],
    [16, 18],
    [17, 18],
    [32, 35],
    [33, 35],
    [64, 71],
    [65, 71],
    [100, 111],
    [128, 143],
    [129, 143],
    [255, 303],
    [256, 303],
    [257, 303],
    [300, 303],
    [511, 591],
    [512, 591],
    [513, 591],
    [847, 895],
    [848, 895],
    [849, 895],
    [1000, 1023],
    [1199, 1279],
    [1200, 1279],
  ],
};

test('append growth matches Go for interface and int slices', () => {
  for (const [n, cap] of GO.appendIface ?? [])
    assert.equal(appendedCap(n, 'interface'), cap, `[]interface{} after ${n}`);
  for (const [n, cap] of GO.appendInt ?? []) assert.equal(appendedCap(n, 'int'), cap, `[]int after ${n}`);
  for (const [n, cap] of GO.json ?? []) assert.equal(appendedCap(n, 'interface'), cap, `json array of ${n}`);
});

test('append to make(l) and prepend grow as Go', () => {
  for (const [l, cap] of GO.push ?? []) assert.equal(grownCap(l, l + 1, 'interface'), cap, `push onto ${l}`);
  for (const [l, cap] of GO.prepend ?? []) {
    assert.equal(l === 0 ? 1 : grownCap(1, l + 1, 'interface'), cap, `prepend onto ${l}`);
  }
});

test('templates slice into the capacity as Go does', () => {
  const funcs = sprigFuncs(fixedContext({}));
  const data = fromJSON({ l: [3, 1, 2], e: [] });
  // Outputs of Go 1.26 + sprig v3.3.0.
  const cases: [string, string][] = [
    ['{{ slice .l 0 4 }}', '[3 1 2 <nil>]'],
    ['{{ slice (until 3) 3 4 }}', '[0]'],
    ['{{ slice (append .l 9) 0 6 }}', '[3 1 2 9 <nil> <nil>]'],
  ];
  for (const [template, want] of cases)
    assert.equal(renderTemplate('t', template, data, { funcs }), want, template);
  assert.throws(
    () => renderTemplate('t', '{{ slice .l 0 5 }}', data, { funcs }),
    /slice index out of bounds/,
  );
});
