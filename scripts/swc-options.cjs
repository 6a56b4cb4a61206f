// One SWC configuration for the build and for jest, so tests run the code as it ships.
// Decorator metadata is required by Nest's dependency injection.
const path = require('node:path');

const root = path.resolve(__dirname, '..');

module.exports = function swcOptions({ sourceMaps = true } = {}) {
  return {
    sourceMaps,
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      baseUrl: root,
      paths: { '@graftlab/*': ['libs/*/src'] },
    },
  };
};
