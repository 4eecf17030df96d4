/**
 * ObjectStore over a local folder: the archive of the embedded default. Every file is written whole: to a
 * temporary name beside it, then renamed (a reader sees the old file or the new one, never a cut one);
 * a conditional create links the finished temporary file to its name, which fails if the name exists.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { ObjectStore } from '../pipeline/ports.js';

/** A file of the local archive or outbox could not be written; the message names it and says why. */
export class LocalWriteError extends Error {
  override readonly name = 'LocalWriteError';
}

/** Temporary files start with this: never listed as keys, never taken for a mail. */
const TEMPORARY = '.vigie-tmp-';

/**
 * Writes `body` to a temporary file beside `path`, then `commit`s it (a rename, or a link for a create);
 * the temporary file is removed whatever happens. A failure names `path` and the system's reason
 * (ENOSPC: "no space left on device").
 */
/** How a file's bytes are written (`fs.promises.writeFile`; tests pass a disk that fills up). */
export type WriteFile = (path: string, body: string | Uint8Array, options: { flag: string }) => Promise<void>;

export async function writeWhole(
  path: string,
  body: string | Uint8Array,
  commit: (temporary: string, path: string) => Promise<void>,
  write: WriteFile = writeFile,
): Promise<void> {
  const temporary = join(
    dirname(path),
    `${TEMPORARY}${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}`,
  );
  try {
    await mkdir(dirname(path), { recursive: true });
    await write(temporary, body, { flag: 'wx' });
    await commit(temporary, path);
  } catch (error) {
    throw new LocalWriteError(`cannot write ${path}: ${reasonOf(error)}`, { cause: error });
  } finally {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

/** The system's reason for a failed file operation: `ENOSPC: no space left on device, write` → that. */
function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code !== undefined && typeof e.message === 'string' ? (e.message.split(', ')[0] ?? e.code) : String(error);
}

/** Creates `path` with `body` only if absent, whole; `false` when it already existed. */
export async function createWhole(path: string, body: string | Uint8Array, write?: WriteFile): Promise<boolean> {
  let created = true;
  await writeWhole(
    path,
    body,
    async (temporary, target) => {
      try {
        // A hard link fails if the name exists: the file system's own conditional create, of a finished file.
        await link(temporary, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        created = false;
      }
    },
    write,
  );
  return created;
}

/** Files under a root folder, keyed by their relative path with `/` separators. */
export class LocalFolderStore implements ObjectStore {
  private readonly root: string;

  constructor(
    root: string,
    private readonly options: { readonly write?: WriteFile } = {},
  ) {
    this.root = resolve(root);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    await writeWhole(this.pathOf(key), body, rename, this.options.write);
  }

  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    return createWhole(this.pathOf(key), body, this.options.write);
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (!entry.name.startsWith(TEMPORARY)) keys.push(relative(this.root, path).split(sep).join('/'));
      }
    };
    await walk(this.root);
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }

  locate(key: string): string {
    return this.pathOf(key);
  }

  /** The file of a key; a key may not climb out of the root. */
  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep))
      throw new RangeError(`key escapes the archive: ${key}`);
    return path;
  }
}
