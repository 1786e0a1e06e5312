/**
 * Jest runs our code as CommonJS. Nest 12 and some of its dependencies ship ES
 * modules only, and PGlite's CommonJS build loads Node built-ins with import().
 * This transformer compiles our TypeScript and exactly those dependency files
 * to CommonJS with swc, and leaves every other dependency file untouched.
 */
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
});

const ESM_SYNTAX = /^\s*(import\s*[\w{*"']|export\s+[\w{*])|\bimport\s*\(|\bimport\.meta\b/m;

function needsTransform(src, filename) {
  if (!filename.includes('/node_modules/')) return true;
  return ESM_SYNTAX.test(src);
}

module.exports = {
  canInstrument: false,
  getCacheKey(src, filename, options) {
    return swc.getCacheKey(src, filename, options) + (needsTransform(src, filename) ? ':swc' : ':raw');
  },
  process(src, filename, options) {
    if (!needsTransform(src, filename)) return { code: src };
    return swc.process(src, filename, options);
  },
};
