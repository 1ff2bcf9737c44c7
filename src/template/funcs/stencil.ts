/**
 * The functions the original duat stencil added on top of sprig (karlmutch/duat template.go):
 * `toJson` (encoding/json.Marshal, errors give ""), `toYaml` (github.com/go-yaml/yaml v2.1.0
 * Marshal, errors give "": yaml-encode.ts), `toToml` (github.com/BurntSushi/toml v1.2.0 Encoder,
 * errors give the error's text: toml-encode.ts) and `RaiseError` (records an error for the stencil
 * run and returns "").
 */
import { defineFunc, type GoFunc } from '../value.js';
import type { FuncContext } from './context.js';
import { JsonMarshalError, marshalJSON } from './json.js';
import { marshalTOML, TomlEncodeError } from './toml-encode.js';
import { marshalYAML } from './yaml-encode.js';

export interface StencilHooks {
  /** Called by RaiseError: the stencil run records the message and fails at the end. */
  raise(message: string): void;
}

export function stencilFuncs(_ctx: FuncContext, hooks: StencilHooks): Record<string, GoFunc> {
  return {
    toJson: defineFunc('toJson', { params: ['interface {}'], result: 'string' }, (v) => {
      try {
        return marshalJSON(v, { escapeHTML: true });
      } catch (e) {
        if (e instanceof JsonMarshalError) return '';
        throw e;
      }
    }),
    toYaml: defineFunc('toYaml', { params: ['interface {}'], result: 'string' }, (v) => marshalYAML(v)),
    toToml: defineFunc('toToml', { params: ['interface {}'], result: 'string' }, (v) => {
      try {
        return marshalTOML(v);
      } catch (e) {
        if (e instanceof TomlEncodeError) return e.message;
        throw e;
      }
    }),
    RaiseError: defineFunc('RaiseError', { params: ['string'], result: 'string' }, (msg) => {
      hooks.raise(msg as string);
      return '';
    }),
  };
}
