// Builds the `vigie` command's TypeScript into .vigie/cli/ (run by `npm ci` as the `prepare` script), so the
// command starts without a TypeScript loader: tsx's loader alone costs Node 20 about a quarter of a second.
// Two folders deep on purpose: the sources find templates/ and package.json at `../../`, and so does the build.
// inputs.json lists the sources it was built from and when; bin/vigie.mjs runs the sources through tsx
// instead whenever the build is missing or a source is newer (a developer's edit).
import { rename, rm, writeFile } from 'node:fs/promises';

const ROOT = new URL('../', import.meta.url);
const OUT = new URL('.vigie/cli/', ROOT);
// Built beside, then swapped in: a `vigie` starting meanwhile finds the old build or none, never half of one.
const NEXT = new URL(`.vigie/cli-${process.pid}/`, ROOT);

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // An install without dev dependencies: the command runs from the sources, as before any build.
  console.warn('vigie: esbuild not installed, the command will run from its TypeScript sources');
  process.exit(0);
}

const builtAt = Date.now();
const result = await build({
  absWorkingDir: ROOT.pathname,
  entryPoints: ['functions/cli/main.ts'],
  bundle: true,
  // One chunk per command's lazy import: `vigie --help` loads the flag parser only, as from the sources.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir: NEXT.pathname,
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const inputs = Object.keys(result.metafile.inputs).sort();
await writeFile(new URL('inputs.json', NEXT), `${JSON.stringify({ builtAt, inputs }, null, 2)}\n`);
await rm(OUT, { recursive: true, force: true });
await rename(NEXT, OUT);
