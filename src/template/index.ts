/**
 * duat's Go text/template engine: Go 1.26 text/template semantics and output over the value model
 * of value.ts. Functions (sprig, Helm's include/tpl) are GoFuncs added with Template.funcs().
 */

export { builtinNames } from './builtins.js';
export { TemplateError, type TemplateErrorDetails, type TemplatePhase } from './errors.js';
export { htmlEscapeString, jsEscapeString, urlQueryEscape } from './escape.js';
export { MAX_EXEC_DEPTH } from './exec.js';
export { HELM_RECURSION_MAX, type HelmFuncOptions, helmTemplateFuncs } from './helm.js';
export { MAX_PAREN_DEPTH } from './parse.js';
export { renderTemplate, Template, type TemplateOptions } from './template.js';
export * from './value.js';
