// Whether the build of the `vigie` command in .vigie/cli/ (scripts/build-cli.mjs) matches the sources.
import { readFileSync, statSync } from 'node:fs';

/** True when `<root>/.vigie/cli/` was built from the sources as they are now (no source newer than it). */
export function buildIsFresh(root) {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('.vigie/cli/inputs.json', root), 'utf8'));
    return inputs.length > 0 && inputs.every((input) => statSync(new URL(input, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}
