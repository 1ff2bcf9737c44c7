/**
 * The sprig v3.3.0 function set (sprig.TxtFuncMap()), one module per family, plus the extras duat
 * stencil and Helm templates rely on. Each family is a factory over a FuncContext so tests can fix the
 * clock, randomness and environment.
 */
import type { FuncMap } from '../value.js';
import { type FuncContext, systemContext } from './context.js';
import { conversionFuncs } from './convert.js';
import { cryptoFuncs } from './crypto.js';
import { dateFuncs } from './dates.js';
import { defaultFuncs } from './defaults.js';
import { dictFuncs } from './dicts.js';
import { encodingFuncs } from './encoding.js';
import { envFuncs } from './env.js';
import { jsonFuncs } from './json.js';
import { listFuncs } from './lists.js';
import { mathFuncs } from './math.js';
import { networkFuncs } from './network.js';
import { pathFuncs } from './paths.js';
import { randomFuncs } from './random.js';
import { reflectionFuncs } from './reflection.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { stringFuncs } from './strings.js';
import { urlFuncs } from './urls.js';

export type { FuncContext } from './context.js';
export { fixedContext, systemContext } from './context.js';

/** Every sprig v3.3.0 text function, as sprig.TxtFuncMap() gives them. */
export function sprigFuncs(ctx: FuncContext = systemContext()): FuncMap {
  return {
    ...stringFuncs(ctx),
    ...regexFuncs(ctx),
    ...encodingFuncs(ctx),
    ...cryptoFuncs(ctx),
    ...pathFuncs(ctx),
    ...urlFuncs(ctx),
    ...semverFuncs(ctx),
    ...randomFuncs(ctx),
    ...conversionFuncs(ctx),
    ...listFuncs(ctx),
    ...dictFuncs(ctx),
    ...mathFuncs(ctx),
    ...defaultFuncs(ctx),
    ...reflectionFuncs(ctx),
    ...dateFuncs(ctx),
    ...jsonFuncs(ctx),
    ...envFuncs(ctx),
    ...networkFuncs(ctx),
  };
}
