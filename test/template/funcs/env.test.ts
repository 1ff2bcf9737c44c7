/**
 * env and expandenv. The expected expansions were produced by Go 1.26's os.ExpandEnv with the same
 * environment (scratch program under /tmp/s3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { envFuncs, expand } from '../../../src/template/funcs/env.js';
import { renderTemplate } from '../../../src/template/index.js';

const env = {
  HOME: '/home/u',
  A: 'x',
  A_B: 'y',
  '1': 'one',
  '*': 'star',
  é: 'acute',
  'a.b': 'dotted',
  EMPTY: '',
};
const f = envFuncs(fixedContext({ env }));

describe('expandenv', () => {
  const go: Record<string, string> = {
    $: '$',
    $$: '',
    $$A: 'A',
    '$*x': 'starx',
    '$-': '',
    $1$2: 'one',
    '$A_B-$A': 'y-x',
    '$HOME/bin': '/home/u/bin',
    '$UNSET|': '|',
    '$a.b': '.b',
    '${ A }': '',
    '${!}': '',
    '${*}': 'star',
    '${12}': '',
    '${1}': 'one',
    '${A': 'A',
    '${A}_B': 'x_B',
    '${A}}': 'x}',
    '${EMPTY}z': 'z',
    '${HOME}/bin': '/home/u/bin',
    '${a.b}': 'dotted',
    '${{A}}': '}',
    '${}': '',
    '${é}': 'acute',
    '$}': '$}',
    $é: '$é',
    a$: 'a$',
    'pre${A}${A}post': 'prexxpost',
    '€$A€': '€x€',
  };
  for (const [input, want] of Object.entries(go)) {
    it(JSON.stringify(input), () => assert.equal(f.expandenv?.impl(input), want));
  }
  it('expand with a custom mapping', () => {
    assert.equal(
      expand('$a-$' + '{b}', (n) => n.toUpperCase()),
      'A-B',
    );
  });
});

describe('env', () => {
  it('reads the context environment', () => {
    assert.equal(f.env?.impl('HOME'), '/home/u');
    assert.equal(f.env?.impl('UNSET'), '');
    assert.equal(f.env?.impl('EMPTY'), '');
  });
  it('has Go signatures', () => {
    assert.deepEqual(f.env?.params, ['string']);
    assert.equal(f.expandenv?.result, 'string');
  });
});

describe('through templates', () => {
  it('sprig_env (shared conformance case)', () => {
    const funcs = envFuncs(fixedContext({ env: { DUAT_T: 'tv' } }));
    assert.equal(renderTemplate('t', '{{ env "DUAT_T" }}', null, { funcs }), 'tv');
    assert.equal(
      renderTemplate('t', '{{ expandenv "$DUAT_T/$' + '{DUAT_T}/$NOPE." }}', null, { funcs }),
      'tv/tv/.',
    );
  });
});
