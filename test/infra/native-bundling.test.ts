/**
 * The bundling step that puts the Lambda's native chart package into the asset: run in a shell as CDK runs
 * it, with the npm registry unreachable. Without the linux-arm64 binary the synth must fail, not warn.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_PACKAGES, nativePackageCommands, PROJECT_ROOT } from '../../infra/constructs/vigie-function.js';

/** Runs the commands joined as CDK's local bundling joins them, with npm pointed at a closed port. */
function bundle(outputDir: string): { status: number | null; stderr: string } {
  const offline = mkdtempSync(join(tmpdir(), 'vigie-npm-cache-'));
  const result = spawnSync('bash', ['-c', nativePackageCommands(PROJECT_ROOT, outputDir).join(' && ')], {
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: offline,
      npm_config_fetch_retries: '0',
      npm_config_fetch_timeout: '5000',
      npm_config_prefer_offline: 'false',
    },
  });
  return { status: result.status, stderr: result.stderr };
}

describe('bundling the native chart package', () => {
  const [resvg] = NATIVE_PACKAGES;
  if (resvg === undefined) throw new Error('no native package');

  it('fails, naming the package, when the Lambda binary is neither installed nor installable', () => {
    const out = mkdtempSync(join(tmpdir(), 'vigie-asset-'));

    const { status, stderr } = bundle(out);

    expect(status).not.toBe(0);
    expect(stderr).toContain(`vigie: cannot bundle ${resvg.binary}@${resvg.version}`);
  }, 60_000);

  it('copies the package and goes on when the Lambda binary is already there', () => {
    const out = mkdtempSync(join(tmpdir(), 'vigie-asset-'));
    const binary = join(out, 'node_modules', resvg.binary);
    mkdirSync(binary, { recursive: true });
    writeFileSync(join(binary, 'resvgjs.linux-arm64-gnu.node'), '');

    const { status } = bundle(out);

    expect(status).toBe(0);
    expect(spawnSync('test', ['-f', join(out, 'node_modules', resvg.name, 'package.json')]).status).toBe(0);
  }, 60_000);
});
