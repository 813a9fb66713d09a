/**
 * The one-way house: bot/ → dialogs/ → domain/ → knowledge/. Reads every production file's imports (static and
 * dynamic) and fails naming the file and the import that runs the wrong way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const LAYERS = ['bot', 'dialogs', 'domain', 'knowledge'] as const;
type Layer = (typeof LAYERS)[number];
/** Packages a framework-free layer must not import. */
const FRAMEWORKS = ['botbuilder', 'botbuilder-dialogs', 'restify', 'lowdb', 'nodemailer', 'ws', 'pino'];

function filesOf(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesOf(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(pattern)) found.push(match[1] ?? match[2] ?? '');
  return found;
}

const layerOf = (path: string): Layer | undefined => LAYERS.find((layer) => path.startsWith(`${layer}/`));

describe('layout: imports run one way (bot → dialogs → domain → knowledge)', () => {
  const files = LAYERS.flatMap((layer) => filesOf(layer));

  it('finds the production files and their imports', () => {
    expect(files.length).to.be.above(50);
    expect(importsOf("import { a } from './a.ts';\nexport { b } from '../b.ts';\nawait import('x');")).to.deep.equal([
      './a.ts',
      '../b.ts',
      'x',
    ]);
  });

  it('no layer imports a layer above it', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (!from) continue;
      for (const spec of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = layerOf(relative(ROOT, resolve(ROOT, file, '..', spec)));
        if (target && LAYERS.indexOf(target) < LAYERS.indexOf(from)) wrong.push(`${file} imports ${spec}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('domain/ and knowledge/ import no framework', () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => f.startsWith('domain/') || f.startsWith('knowledge/'))) {
      for (const spec of importsOf(readFileSync(join(ROOT, file), 'utf8')))
        if (FRAMEWORKS.some((name) => spec === name || spec.startsWith(`${name}/`)))
          wrong.push(`${file} imports ${spec}`);
    }
    expect(wrong).to.deep.equal([]);
  });
});
