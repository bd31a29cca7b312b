/**
 * Compiles the app into dist/ once; every integration test boots Strapi from there. The browser
 * tests (tests/e2e) also need the admin build: it is made here when dist/build does not hold one.
 */
const { execFileSync } = require('child_process');
const { existsSync } = require('fs');
const path = require('path');

module.exports = async () => {
  const root = path.resolve(__dirname, '..', '..');
  if (!existsSync(path.join(root, 'dist', 'build', 'index.html'))) {
    console.log('\nNo admin build in dist/build: running `strapi build` for the browser tests (about 2 minutes).');
    // Not require.resolve: @strapi/strapi's package exports do not list bin/strapi.js.
    execFileSync(process.execPath, [path.join(root, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'build'], { cwd: root, stdio: 'inherit' });
  }
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
};
