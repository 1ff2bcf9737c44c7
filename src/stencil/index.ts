export { buildStencilData, type StencilData, type StencilDataOptions, scrubForDocker } from './data.js';
export {
  noValueLines,
  renderStencil,
  renderStencilHere,
  type StencilOptions,
  type StencilResult,
} from './render.js';
export { parseValuesFlag, readValuesFile } from './values.js';
