/** Reads a config file (YAML or JSON) and validates it; the only place config touches the disk. */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { CATALOGUE } from '../engine/catalogue.js';
import { type Config, parseConfig } from '../engine/config.js';

/** A config that cannot be used; the message is one line naming the file and the key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const CATALOGUE_UNITS = new Map(CATALOGUE.map((k) => [k.id, { unit: k.unit }]));

/** Validates an already-parsed config document (defaults when `undefined`). */
export function configFrom(document: unknown, source = 'config'): Config {
  const result = parseConfig(document, CATALOGUE_UNITS);
  if (!result.ok)
    throw new ConfigError(
      `${source}: ${result.errors[0]}${result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : ''}`,
    );
  return result.config;
}

/** Reads and validates a YAML or JSON config file. */
export async function readConfigFile(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`${path}: not valid YAML/JSON: ${detail}`, { cause: error });
  }
  return configFrom(document, path);
}
