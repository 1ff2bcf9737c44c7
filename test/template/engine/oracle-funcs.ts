/**
 * Twins of the functions in go-oracle/main.go, with the same Go signatures, so that the fixture
 * cases Go rendered run here unchanged.
 */
import { sprint, sprintf } from '../../../src/template/gofmt.js';
import {
  defineFunc,
  FuncError,
  type FuncMap,
  GoComplex,
  GoFloat32,
  type GoFunc,
  GoInt,
  GoNil,
  GoObject,
  typedMap,
  typedSlice,
  type Value,
} from '../../../src/template/index.js';

const int = (n: bigint): GoInt => new GoInt('int', n);

/** *main.Obj: fields Name, Count, Inner, Any, M, F and methods Greet, Twice, Fail, Nothing, Self, Vari. */
export function mkObj(name: string, inner = true): GoObject {
  const methods: Record<string, GoFunc> = {
    Greet: defineFunc('Greet', { params: ['string'], result: 'string' }, (s) => `hi ${s} from ${name}`),
    Twice: defineFunc('Twice', { params: ['int'], result: 'int' }, (n) => int(2n * (n as GoInt).value)),
    Fail: defineFunc('Fail', { params: [], result: 'string', error: true }, () => {
      throw new FuncError('method failed');
    }),
    Nothing: defineFunc('Nothing', { params: [], result: 'interface {}' }, () => null),
    Vari: defineFunc('Vari', { params: ['string'], variadic: 'int', result: 'string' }, (a, ...b) =>
      sprint([a, typedSlice(b, '[]int')]),
    ),
  };
  const fields = new Map<string, Value>([
    ['Name', name],
    ['Count', int(3n)],
    ['Inner', inner ? mkObj('inner', false) : new GoNil('*main.Obj')],
    ['Any', null],
    ['M', typedMap(new Map([['k', 'v']]), 'map[string]string')],
    ['F', defineFunc('F', { params: ['string'], result: 'string' }, (s) => (s as string).toUpperCase())],
  ]);
  const o = new GoObject('*main.Obj', fields, methods);
  methods.Self = defineFunc('Self', { params: [], result: '*main.Obj' }, () => o);
  return o;
}

const f = defineFunc;

export const oracleFuncs: FuncMap = {
  toInt: f('toInt', { params: ['float64'], result: 'int' }, (x) => int(BigInt(Math.trunc(x as number)))),
  i64: f('i64', { params: ['int'], result: 'int64' }, (x) => new GoInt('int64', (x as GoInt).value)),
  u64: f('u64', { params: ['int'], result: 'uint64' }, (x) => new GoInt('uint64', (x as GoInt).value)),
  u8: f('u8', { params: ['int'], result: 'uint8' }, (x) => new GoInt('uint8', (x as GoInt).value)),
  i8: f('i8', { params: ['int'], result: 'int8' }, (x) => new GoInt('int8', (x as GoInt).value)),
  f32: f('f32', { params: ['float64'], result: 'float32' }, (x) => new GoFloat32(x as number)),
  strs: f('strs', { params: [], variadic: 'string', result: '[]string' }, (...s) =>
    typedSlice(s, '[]string'),
  ),
  ints: f('ints', { params: [], variadic: 'int', result: '[]int' }, (...s) => typedSlice(s, '[]int')),
  smap: f('smap', { params: [], variadic: 'string', result: 'map[string]string' }, (...kv) => {
    const m = new Map<string, Value>();
    for (let i = 0; i + 1 < kv.length; i += 2) m.set(kv[i] as string, kv[i + 1]);
    return typedMap(m, 'map[string]string');
  }),
  nilf: f('nilf', { params: [], result: 'interface {}' }, () => null),
  errf: f('errf', { params: ['string'], result: 'string', error: true }, (s) => {
    throw new FuncError(s as string);
  }),
  // Go: panic(s) with a string; JS: throwing a non-Error value.
  panicf: f('panicf', { params: ['string'], result: 'string' }, (s) => {
    throw s;
  }),
  panice: f('panice', { params: ['string'], result: 'string' }, (s) => {
    throw new Error(s as string);
  }),
  obj: f('obj', { params: ['string'], result: '*main.Obj' }, (s) => mkObj(s as string)),
  nilobj: f('nilobj', { params: [], result: '*main.Obj' }, () => new GoNil('*main.Obj')),
  bytes: f('bytes', { params: ['string'], result: '[]uint8' }, (s) => new TextEncoder().encode(s as string)),
  str: f(
    'str',
    { params: ['string'], result: 'main.Str' },
    (s) => new GoObject('main.Str', new Map([['V', s]]), {}, () => `Str(${s})`),
  ),
  upperf: f('upperf', { params: [], result: 'func(string) string' }, () =>
    defineFunc('ToUpper', { params: ['string'], result: 'string' }, (s) => (s as string).toUpperCase()),
  ),
  addf: f(
    'addf',
    { params: ['float64', 'float64'], result: 'float64' },
    (a, b) => (a as number) + (b as number),
  ),
  addi: f('addi', { params: ['int', 'int'], result: 'int' }, (a, b) =>
    int((a as GoInt).value + (b as GoInt).value),
  ),
  addu: f(
    'addu',
    { params: ['uint', 'uint'], result: 'uint' },
    (a, b) => new GoInt('uint', (a as GoInt).value + (b as GoInt).value),
  ),
  cat: f(
    'cat',
    { params: ['string'], variadic: 'interface {}', result: 'string' },
    (a, ...r) => `${a}${sprint(r)}`,
  ),
  two: f('two', { params: ['string', 'string'], result: 'string' }, (a, b) => `${a}${b}`),
  anyf: f('anyf', { params: ['interface {}'], result: 'string' }, (a) => sprintf('%T:%v', [a, a])),
  nilmap: f('nilmap', { params: [], result: 'map[string]string' }, () => new GoNil('map[string]string')),
  cplx: f('cplx', { params: ['complex128'], result: 'complex128' }, (c) => {
    const z = c as GoComplex;
    return new GoComplex(z.re * 2, z.im * 2);
  }),
  boolf: f('boolf', { params: ['bool'], result: 'bool' }, (b) => !b),
  u8f: f('u8f', { params: ['uint8'], result: 'uint8' }, (b) => new GoInt('uint8', (b as GoInt).value + 1n)),
};
