/**
 * Runs before every command-line tool (package.json): compiles the app into dist/ with `tsc -b` only
 * when a source file is newer than the last compile (.tsbuildinfo), so a command on an unchanged
 * checkout starts at once instead of spending most of a second in tsc's own up-to-date check. Plain
 * JavaScript: it runs before anything is compiled.
 */
const { spawnSync } = require('child_process');
const { existsSync, readdirSync, statSync } = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
// What tsconfig.json compiles (its "include"), and the config that shapes the output.
const SOURCES = ['config', 'src', 'scripts', 'tests', 'types', 'bench'];
const SKIPPED = new Set(['node_modules', 'admin', 'plugins', 'screenshots', 'artifacts', '.data']);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  const info = path.join(ROOT, '.tsbuildinfo');
  if (!existsSync(info) || !existsSync(path.join(ROOT, 'dist', 'scripts'))) return true;
  const compiledAt = statSync(info).mtimeMs;
  if (statSync(path.join(ROOT, 'tsconfig.json')).mtimeMs > compiledAt) return true;
  return SOURCES.some((dir) => existsSync(path.join(ROOT, dir)) && newestSource(path.join(ROOT, dir)) > compiledAt);
}

if (isStale()) {
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
