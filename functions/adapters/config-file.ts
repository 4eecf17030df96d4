/** Reads a config (YAML or JSON) and validates it; the only place config touches the disk. */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { CATALOGUE } from '../engine/catalogue.js';
import { type Config, parseConfig } from '../engine/config.js';
import { firstLineOf, UsageError } from './errors.js';

/** A config that cannot be used; the message is one line naming the file and the key. */
export class ConfigError extends UsageError {
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
  return configFromText(text, path);
}

/** Settings that win over the document's own (a deployment's time zone, sender, archive URL). */
export interface ConfigOverrides {
  readonly timezone?: string;
  readonly archive_url?: string;
  readonly mail_from?: string;
}

/** Parses and validates the text of a YAML or JSON config (read from a file or an S3 object). */
export function configFromText(text: string, source: string, overrides: ConfigOverrides = {}): Config {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML/JSON: ${firstLineOf(error)}`, { cause: error });
  }
  return configFrom(withOverrides(document, overrides), source);
}

/** Overrides go in before validation, so a bad override is reported like a bad key. */
function withOverrides(document: unknown, overrides: ConfigOverrides): unknown {
  if (Object.keys(overrides).length === 0) return document;
  const base = typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};
  const mail = typeof base.mail === 'object' && base.mail !== null ? (base.mail as Record<string, unknown>) : {};
  return {
    ...base,
    ...(overrides.timezone === undefined ? {} : { timezone: overrides.timezone }),
    ...(overrides.archive_url === undefined ? {} : { archive_url: overrides.archive_url }),
    ...(overrides.mail_from === undefined ? {} : { mail: { ...mail, from: overrides.mail_from } }),
  };
}
