/**
 * The operators' configuration table (docs/operators.md) and .env.example name exactly the declared
 * variables (src/settings/declarations.ts), and the table's defaults are the declared ones.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { DECLARATIONS, type Declaration, type VariableName } from '../../src/settings';

const ROOT = path.resolve(__dirname, '..', '..');
const DECLARED = Object.keys(DECLARATIONS) as VariableName[];
const declaration = (name: string): Declaration<unknown> | undefined => (DECLARATIONS as Record<string, Declaration<unknown>>)[name];

interface Row {
  names: string[];
  defaults: string;
}

/** The rows of the table under "## Configuration": the variables of the first cell, the default cell. */
function configurationTable(): Row[] {
  const text = readFileSync(path.join(ROOT, 'docs', 'operators.md'), 'utf8');
  const section = text.split(/^## /m).find((part) => part.startsWith('Configuration\n'));
  if (section === undefined) throw new Error('docs/operators.md has no "## Configuration" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [variables = '', defaults = ''] = line.split(' | ');
      return { names: [...variables.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1] as string), defaults };
    });
}

/** Names assigned in .env.example, commented out or not (`NAME=…`, `# NAME=…`). */
function exampleNames(): string[] {
  const text = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  return text.split('\n').flatMap((line) => {
    const name = /^(?:#\s*)?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
    return name === undefined ? [] : [name];
  });
}

/** A declared default as the table writes it: `value`, empty or unset; null when it depends on NODE_ENV. */
function documentedDefault(name: string): string | null {
  const declared = declaration(name);
  if (declared === undefined || typeof declared.default === 'function') return null;
  const value = declared.default;
  if (value === null) return 'unset';
  if (value === '' || (Array.isArray(value) && value.length === 0)) return 'empty';
  if (typeof value === 'boolean') return declared.form.includes('"on"') ? `\`${value ? 'on' : 'off'}\`` : `\`${String(value)}\``;
  return `\`${String(value)}\``;
}

describe('the documented configuration', () => {
  const rows = configurationTable();
  const documented = rows.flatMap((row) => row.names);

  it('lists every declared variable in the operators’ table', () => {
    expect(DECLARED.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('lists no variable in the operators’ table that is not declared, and none twice', () => {
    expect(documented.filter((name) => declaration(name) === undefined)).toEqual([]);
    expect(documented.filter((name, index) => documented.indexOf(name) !== index)).toEqual([]);
  });

  it('gives in .env.example every variable an operator sets', () => {
    const listed = exampleNames();
    expect(DECLARED.filter((name) => declaration(name)?.isTooling !== true && !listed.includes(name))).toEqual([]);
  });

  it('names no variable in .env.example that is not declared', () => {
    expect(exampleNames().filter((name) => declaration(name) === undefined)).toEqual([]);
  });

  it('gives the declared defaults where the table lists one default per variable', () => {
    const checked: string[] = [];
    for (const row of rows) {
      const parts = row.defaults.split(/,\s+/).map((part) => part.trim());
      if (parts.length !== row.names.length) continue;
      row.names.forEach((name, index) => {
        const part = parts[index] as string;
        const expected = documentedDefault(name);
        if (expected === null) return;
        // A backquoted value may be followed by its unit ("`30000` ms").
        const written = /^`[^`]*`/.exec(part)?.[0] ?? part;
        expect(`${name}: ${written}`).toBe(`${name}: ${expected}`);
        checked.push(name);
      });
    }
    expect(checked.length).toBeGreaterThan(DECLARED.length / 2);
  });
});
