/** How the `vigie` command writes paths and sizes on the terminal. */
import { relative } from 'node:path';

/** A path as the user would type it: relative to the working folder when under it. */
export const show = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

/** Bytes in binary megabytes, as Athena bills them. */
export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
