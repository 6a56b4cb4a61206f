import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The libraries form a graph without cycles (their sources, not their tests), and nest-cli.json lists every one:
 * test support that needs two libraries lives in a testing library of its own (device-testing).
 */
const ROOT = join(__dirname, '..', '..');
const LIBS = readdirSync(join(ROOT, 'libs')).sort();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const edges = new Map(
  LIBS.map((lib) => {
    const deps = new Set<string>();
    for (const file of sources(join(ROOT, 'libs', lib, 'src')))
      for (const m of readFileSync(file, 'utf8').matchAll(/from '@graftlab\/([\w-]+)'/g))
        if (m[1] !== lib) deps.add(m[1]);
    return [lib, deps];
  }),
);

describe('the library graph', () => {
  it('has no cycle', () => {
    const cycles: string[] = [];
    const visit = (lib: string, path: string[]) => {
      if (path.includes(lib)) return void cycles.push([...path.slice(path.indexOf(lib)), lib].join(' → '));
      for (const dep of edges.get(lib) ?? []) visit(dep, [...path, lib]);
    };
    for (const lib of LIBS) visit(lib, []);
    expect([...new Set(cycles)]).toEqual([]);
  });

  it('keeps the drivers free of the twins, and the engine free of SQL and Nest', () => {
    expect([...edges.get('devices')!]).not.toContain('twins');
    for (const file of sources(join(ROOT, 'libs', 'engine', 'src'))) {
      const text = readFileSync(file, 'utf8');
      expect([relative(ROOT, file), /from 'drizzle-orm'|@nestjs\//.test(text)]).toEqual([
        relative(ROOT, file),
        false,
      ]);
    }
  });

  it('is listed in nest-cli.json, every library', () => {
    const projects = (
      JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as {
        projects: Record<string, { type: string; root: string }>;
      }
    ).projects;
    const listed = Object.values(projects)
      .filter((p) => p.type === 'library')
      .map((p) => p.root.replace(/^libs\//, ''))
      .sort();
    expect(listed).toEqual(LIBS);
  });
});
