/**
 * The export files of a run on the embedded engine: a kind's window partitions, or every partition up to the
 * window's end for history kinds, with what stops a file from being read at all.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { EXPORT_SCHEMA, type ExportKind, exportFormatOf } from '../sql/exports-schema.js';
import { firstLineOf, UsageError } from './errors.js';

/** The exports root does not exist or is not a folder: the run cannot start. */
export class ExportsRootError extends UsageError {
  override readonly name = 'ExportsRootError';
}

/** An export file as listed. */
export interface ExportFile {
  readonly kind: ExportKind;
  readonly dt: string;
  readonly path: string;
  readonly format: 'ndjson' | 'csv' | null;
  readonly size: number;
  /** Changes when the file is rewritten. */
  readonly version: string;
  /** Why it cannot be read at all (a broken link, one that leads out of the exports root): one `unreadable_file`. */
  readonly problem?: string;
}

const PARTITION = /^dt=(\d{4}-\d{2}-\d{2})$/;

/** Where export files' paths start under `root`: stored relative to it, so a moved root still reads. */
export const exportsPrefix = (root: string): string => join(root, 'x').slice(0, -1);

/** A path is under a folder (or is it), both resolved. */
const isWithin = (folder: string, path: string): boolean => path === folder || path.startsWith(folder + sep);

/**
 * Lists the export files under `root`: a kind's window partitions, or every partition up to the window's end for history
 * kinds. A link is followed only to a file inside the exports root; a broken or looping link, one that
 * leads out of the root, or a partition folder that cannot be listed is kept with its problem.
 */
export async function listExportFiles(
  root: string,
  partitions: readonly string[],
  kinds: readonly ExportKind[],
  options: { readonly exact?: boolean } = {},
): Promise<ExportFile[]> {
  const rootStat = await stat(root).catch(() => null);
  if (!rootStat?.isDirectory()) throw new ExportsRootError(`exports root not found: ${root}`);
  const realRoot = await realpath(root);
  const last = [...partitions].sort().at(-1) ?? '';
  const window = new Set(partitions);
  const files: ExportFile[] = [];
  for (const kind of kinds) {
    const reach = EXPORT_SCHEMA[kind].reach;
    const dirs = await readdir(join(root, kind)).catch(() => [] as string[]);
    for (const dir of dirs.sort()) {
      const dt = PARTITION.exec(dir)?.[1];
      if (dt === undefined) continue;
      if (reach === 'window' || options.exact ? !window.has(dt) : dt > last) continue;
      const folder = join(root, kind, dir);
      const broken = (path: string, problem: string): ExportFile => ({
        kind,
        dt,
        path,
        format: exportFormatOf(path),
        size: 0,
        version: '',
        problem,
      });
      let names: string[];
      try {
        names = await readdir(folder);
      } catch (error) {
        // A partition that is not a folder (a stray file named dt=…) holds nothing; one that cannot be listed is lost.
        if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR')
          files.push(broken(folder, `the partition cannot be listed: ${firstLineOf(error)}`));
        continue;
      }
      for (const name of names.sort()) {
        // Markers such as _SUCCESS and hidden files are not data.
        if (name.startsWith('_') || name.startsWith('.')) continue;
        const path = join(folder, name);
        let real: string;
        try {
          real = await realpath(path);
        } catch (error) {
          const link = await lstat(path).catch(() => null);
          const code = (error as NodeJS.ErrnoException).code;
          files.push(
            broken(
              path,
              link === null
                ? 'removed while the exports were listed'
                : code === 'ELOOP'
                  ? 'a link that loops'
                  : `a link to a file that does not exist (${code ?? firstLineOf(error)})`,
            ),
          );
          continue;
        }
        if (!isWithin(realRoot, real)) {
          files.push(broken(path, `a link that leads out of the exports root, to ${real}`));
          continue;
        }
        const info = await stat(real).catch(() => null);
        if (info === null) {
          files.push(broken(path, 'removed while the exports were listed'));
          continue;
        }
        if (!info.isFile()) continue;
        files.push({
          kind,
          dt,
          path,
          format: exportFormatOf(name),
          size: info.size,
          version: String(Math.floor(info.mtimeMs)),
        });
      }
    }
  }
  return files;
}
