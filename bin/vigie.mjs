#!/usr/bin/env node
// The `vigie` command. Sources are TypeScript: `npm ci` builds them into .vigie/cli/ (scripts/build-cli.mjs),
// which starts at once; without that build, or once a source is newer than it, they run through tsx's loader,
// so a clone needs no build step and an edit never runs stale. VIGIE_CLI=sources forces the sources.
import { buildIsFresh } from './cli-build.mjs';

const root = new URL('../', import.meta.url);
let entry;
if (process.env.VIGIE_CLI !== 'sources' && buildIsFresh(root)) {
  entry = await import(new URL('.vigie/cli/main.mjs', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import('../functions/cli/main.ts');
}
process.exitCode = await entry.main(process.argv.slice(2));
