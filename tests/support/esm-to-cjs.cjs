/**
 * A jest transform for the few ES-module-only packages the code under test loads (pdf.js): esbuild
 * turns a module into CommonJS, with `import.meta.url` made from the file's path, since jest runs
 * tests as CommonJS. Wired in jest.config.cjs for those packages only.
 */
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      loader: 'js',
      sourcefile: filename,
      sourcemap: 'external',
      banner: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;',
      define: { 'import.meta.url': '__importMetaUrl' },
      // Dynamic import() becomes require(), which jest can follow.
      supported: { 'dynamic-import': false },
      logLevel: 'silent',
    });
    return { code, map };
  },
};
