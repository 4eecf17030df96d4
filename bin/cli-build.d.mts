/** True when `<root>/.vigie/cli/` was built from the sources as they are now (no source newer than it). */
export function buildIsFresh(root: URL): boolean;
