/**
 * The house rules of the code, checked rather than kept by discipline: the engine stays pure, imports
 * run down the layers of functions/, and nothing outside test/ imports test/ (docs/development.md).
 * Imports are read with TypeScript's own pre-processor, so dynamic `import()` counts too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The folders of functions/ from the bottom up: a folder may import only folders of a lower rank (and
 * itself). Folders of equal rank do not import each other.
 */
const RANK: Readonly<Record<string, number>> = {
  engine: 0,
  common: 0,
  sql: 1,
  render: 1,
  sample: 2,
  pipeline: 2,
  adapters: 3,
  handlers: 4,
  cli: 4,
};
/** The only packages the engine may import: it reads no clock, file, network or environment. */
const ENGINE_PACKAGES = new Set(['zod', 'luxon']);
/** Top-level folders that are not the product: the product never imports them. */
const NOT_PRODUCT = ['test', 'local-aws', 'bench', 'scripts', 'infra'];

interface SourceFile {
  /** Path relative to the repository root, with `/`. */
  readonly path: string;
  readonly imports: readonly string[];
}

/** Every rule a file's imports break, as readable lines. */
function violations(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const [top, folder] = file.path.split('/');
    for (const specifier of file.imports) {
      const relativeImport = specifier.startsWith('.');
      const target = relativeImport ? relative(ROOT, resolve(ROOT, dirname(file.path), specifier)) : null;
      const [targetTop, targetFolder] = target?.split('/') ?? [];
      if (top !== 'test' && targetTop === 'test') found.push(`${file.path} imports test/: ${specifier}`);
      if (top !== 'functions' || folder === undefined) continue;
      if (target !== null && targetTop !== 'functions') {
        if (targetTop !== 'test' && NOT_PRODUCT.includes(targetTop ?? ''))
          found.push(`${file.path} imports ${targetTop}/: ${specifier}`);
        continue;
      }
      if (folder === 'engine') {
        const allowed = relativeImport ? targetFolder === 'engine' : ENGINE_PACKAGES.has(specifier);
        if (!allowed) found.push(`${file.path}: the engine imports only itself, zod and luxon, not ${specifier}`);
        continue;
      }
      if (target === null || targetFolder === folder || targetFolder === undefined) continue;
      const from = RANK[folder];
      const to = RANK[targetFolder];
      if (from === undefined) found.push(`${file.path}: functions/${folder} has no rank in the layer table`);
      else if (to === undefined || to >= from)
        found.push(`${file.path}: ${folder} may not import ${targetFolder} (${specifier})`);
    }
  }
  return found;
}

function sourceFiles(folder: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|mjs)$/.test(entry.name)) continue;
    const absolute = join(entry.parentPath, entry.name);
    if (absolute.includes('node_modules')) continue;
    const info = ts.preProcessFile(readFileSync(absolute, 'utf8'), true, true);
    files.push({ path: relative(ROOT, absolute), imports: info.importedFiles.map((f) => f.fileName) });
  }
  return files;
}

describe('the layers of the code', () => {
  it('hold in this repository', () => {
    const files = ['functions', 'local-aws', 'bench', 'scripts', 'infra', 'bin'].flatMap(sourceFiles);
    expect(files.filter((f) => f.path.startsWith('functions/engine/')).length).toBeGreaterThan(40);
    expect(violations(files)).toEqual([]);
  });

  it('catch each kind of breach (the check itself can fail)', () => {
    expect(
      violations([
        { path: 'functions/engine/kpis/fcr.ts', imports: ['node:fs', '../../sql/facts.js', '../kpi.js', 'zod'] },
        { path: 'functions/sql/facts.ts', imports: ['../pipeline/ports.js', '../engine/facts.js'] },
        { path: 'functions/render/view.ts', imports: ['../sql/values.js'] },
        { path: 'functions/handlers/nightly.ts', imports: ['../cli/main.js', '../pipeline/nightly.js'] },
        { path: 'functions/adapters/s3.ts', imports: ['../../test/support/exports.js', '../../local-aws/s3rver.js'] },
        { path: 'bench/run.ts', imports: ['../test/support/exports.js'] },
        { path: 'functions/newfolder/x.ts', imports: ['../engine/facts.js'] },
      ]),
    ).toEqual([
      'functions/engine/kpis/fcr.ts: the engine imports only itself, zod and luxon, not node:fs',
      'functions/engine/kpis/fcr.ts: the engine imports only itself, zod and luxon, not ../../sql/facts.js',
      'functions/sql/facts.ts: sql may not import pipeline (../pipeline/ports.js)',
      'functions/render/view.ts: render may not import sql (../sql/values.js)',
      'functions/handlers/nightly.ts: handlers may not import cli (../cli/main.js)',
      'functions/adapters/s3.ts imports test/: ../../test/support/exports.js',
      'functions/adapters/s3.ts imports local-aws/: ../../local-aws/s3rver.js',
      'bench/run.ts imports test/: ../test/support/exports.js',
      'functions/newfolder/x.ts: functions/newfolder has no rank in the layer table',
    ]);
  });
});
