/**
 * The `vigie` command's build (scripts/build-cli.mjs, run by `npm ci`): used only while no source is newer
 * than it, and answering exactly as the sources do through tsx (`VIGIE_CLI=sources`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildIsFresh } from '../../bin/cli-build.mjs';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const VIGIE = join(ROOT, 'bin', 'vigie.mjs');

/** `vigie …` from the build or the sources: exit code, stdout, stderr. */
async function vigie(from: 'build' | 'sources', ...args: string[]) {
  const env = { ...process.env, VIGIE_CLI: from === 'sources' ? 'sources' : '' };
  return exec(process.execPath, [VIGIE, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('when the build is used', () => {
  it('only while every source it was built from is as old as the build', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigie-cli-build-'));
    const url = pathToFileURL(`${root}/`);
    await mkdir(join(root, '.vigie', 'cli'), { recursive: true });
    await mkdir(join(root, 'functions'));
    await writeFile(join(root, 'functions', 'a.ts'), '');
    await writeFile(join(root, 'functions', 'b.ts'), '');
    const builtAt = Date.now();
    const past = new Date(builtAt - 60_000);
    await utimes(join(root, 'functions', 'a.ts'), past, past);
    await utimes(join(root, 'functions', 'b.ts'), past, past);
    expect(buildIsFresh(url)).toBe(false); // no build
    const inputs = ['functions/a.ts', 'functions/b.ts'];
    await writeFile(join(root, '.vigie', 'cli', 'inputs.json'), JSON.stringify({ builtAt, inputs }));
    expect(buildIsFresh(url)).toBe(true);
    const later = new Date(builtAt + 1_000);
    await utimes(join(root, 'functions', 'b.ts'), later, later); // an edit after the build
    expect(buildIsFresh(url)).toBe(false);
    await utimes(join(root, 'functions', 'b.ts'), past, past);
    await rm(join(root, 'functions', 'a.ts')); // a source gone
    expect(buildIsFresh(url)).toBe(false);
    await writeFile(join(root, '.vigie', 'cli', 'inputs.json'), '{"builtAt":'); // a build cut short
    expect(buildIsFresh(url)).toBe(false);
    await rm(root, { recursive: true, force: true });
  });
});

describe('the built command', () => {
  it('answers help, version and usage errors exactly as the sources do', async () => {
    // `npm ci` built it; after an edit, build again (atomically: other tests may be running `vigie`).
    if (!buildIsFresh(pathToFileURL(`${ROOT}/`)))
      await exec(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')]);
    expect(buildIsFresh(pathToFileURL(`${ROOT}/`))).toBe(true);
    for (const args of [['--help'], ['run', '--help'], ['--version'], ['run', '--date', 'nope'], ['frobnicate']]) {
      const built = await vigie('build', ...args);
      expect(built).toEqual(await vigie('sources', ...args));
      expect(built.code).toBe(args.includes('--help') || args.includes('--version') ? 0 : 2);
    }
  }, 120_000);
});
