/**
 * The cases of /work/shared/conformance/go-template-sprig.jsonl (Go 1.26 text/template with sprig
 * v3.3.0) that call no sprig function: the engine alone must reproduce Go's output or error text
 * exactly. Cases using sprig functions belong to the sprig and differential harness suites.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fromJSON, Template, TemplateError } from '../../../src/template/index.js';
import { ItemType, Lexer } from '../../../src/template/lex.js';

const CASES = '/work/shared/conformance/go-template-sprig.jsonl';

/** Every name in sprig v3.3.0's genericMap (functions.go), which TxtFuncMap returns. */
const SPRIG_NAMES: ReadonlySet<string> = new Set([
  'abbrev',
  'abbrevboth',
  'add',
  'add1',
  'add1f',
  'addf',
  'adler32sum',
  'ago',
  'all',
  'any',
  'append',
  'atoi',
  'b32dec',
  'b32enc',
  'b64dec',
  'b64enc',
  'base',
  'bcrypt',
  'biggest',
  'buildCustomCert',
  'camelcase',
  'cat',
  'ceil',
  'chunk',
  'clean',
  'coalesce',
  'compact',
  'concat',
  'contains',
  'date',
  'dateInZone',
  'dateModify',
  'date_in_zone',
  'date_modify',
  'decryptAES',
  'deepCopy',
  'deepEqual',
  'default',
  'derivePassword',
  'dict',
  'dig',
  'dir',
  'div',
  'divf',
  'duration',
  'durationRound',
  'empty',
  'encryptAES',
  'env',
  'expandenv',
  'ext',
  'fail',
  'first',
  'float64',
  'floor',
  'fromJson',
  'genCA',
  'genCAWithKey',
  'genPrivateKey',
  'genSelfSignedCert',
  'genSelfSignedCertWithKey',
  'genSignedCert',
  'genSignedCertWithKey',
  'get',
  'getHostByName',
  'has',
  'hasKey',
  'hasPrefix',
  'hasSuffix',
  'hello',
  'htmlDate',
  'htmlDateInZone',
  'htpasswd',
  'indent',
  'initial',
  'initials',
  'int',
  'int64',
  'isAbs',
  'join',
  'kebabcase',
  'keys',
  'kindIs',
  'kindOf',
  'last',
  'list',
  'lower',
  'max',
  'maxf',
  'merge',
  'mergeOverwrite',
  'min',
  'minf',
  'mod',
  'mul',
  'mulf',
  'mustAppend',
  'mustChunk',
  'mustCompact',
  'mustDateModify',
  'mustDeepCopy',
  'mustFirst',
  'mustFromJson',
  'mustHas',
  'mustInitial',
  'mustLast',
  'mustMerge',
  'mustMergeOverwrite',
  'mustPrepend',
  'mustRegexFind',
  'mustRegexFindAll',
  'mustRegexMatch',
  'mustRegexReplaceAll',
  'mustRegexReplaceAllLiteral',
  'mustRegexSplit',
  'mustRest',
  'mustReverse',
  'mustSlice',
  'mustToDate',
  'mustToJson',
  'mustToPrettyJson',
  'mustToRawJson',
  'mustUniq',
  'mustWithout',
  'must_date_modify',
  'nindent',
  'nospace',
  'now',
  'omit',
  'osBase',
  'osClean',
  'osDir',
  'osExt',
  'osIsAbs',
  'pick',
  'pluck',
  'plural',
  'prepend',
  'quote',
  'randAlpha',
  'randAlphaNum',
  'randAscii',
  'randBytes',
  'randInt',
  'randNumeric',
  'regexFind',
  'regexFindAll',
  'regexMatch',
  'regexQuoteMeta',
  'regexReplaceAll',
  'regexReplaceAllLiteral',
  'regexSplit',
  'repeat',
  'replace',
  'rest',
  'reverse',
  'round',
  'semver',
  'semverCompare',
  'seq',
  'set',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'shuffle',
  'slice',
  'snakecase',
  'sortAlpha',
  'split',
  'splitList',
  'splitn',
  'squote',
  'sub',
  'subf',
  'substr',
  'swapcase',
  'ternary',
  'title',
  'toDate',
  'toDecimal',
  'toJson',
  'toPrettyJson',
  'toRawJson',
  'toString',
  'toStrings',
  'trim',
  'trimAll',
  'trimPrefix',
  'trimSuffix',
  'trimall',
  'trunc',
  'tuple',
  'typeIs',
  'typeIsLike',
  'typeOf',
  'uniq',
  'unixEpoch',
  'unset',
  'until',
  'untilStep',
  'untitle',
  'upper',
  'urlJoin',
  'urlParse',
  'uuidv4',
  'values',
  'without',
  'wrap',
  'wrapWith',
]);

interface ConformanceCase {
  name: string;
  template: string;
  data: unknown;
  expected: string | null;
  error: string | null;
}

/** The identifiers (function names) a template calls, as the lexer sees them. */
function identifiers(text: string): string[] {
  const l = new Lexer(text, '', '');
  const out: string[] = [];
  for (;;) {
    const item = l.nextItem();
    if (item.type === ItemType.EOF || item.type === ItemType.Error) return out;
    if (item.type === ItemType.Identifier) out.push(item.val);
  }
}

const all: ConformanceCase[] = existsSync(CASES)
  ? readFileSync(CASES, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ConformanceCase)
  : [];
const engineOnly = all.filter((c) => !identifiers(c.template).some((n) => SPRIG_NAMES.has(n)));

test('shared conformance cases are available', {
  skip: all.length === 0 ? `${CASES} not found` : undefined,
}, () => {
  assert.ok(engineOnly.length >= 40, `only ${engineOnly.length} engine-only cases`);
});

for (const c of engineOnly) {
  test(`conformance: ${c.name}`, () => {
    let output: string | undefined;
    let error: string | null = null;
    try {
      output = new Template(c.name).parse(c.template).execute(fromJSON(c.data));
    } catch (e) {
      assert.ok(e instanceof TemplateError, String(e));
      error = e.message;
    }
    assert.equal(error, c.error);
    if (c.error === null) assert.equal(output, c.expected);
  });
}
