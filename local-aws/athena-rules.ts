/**
 * What Athena refuses before it reads a byte, as the stand-in checks it: the size of `QueryString`, where
 * `?` execution parameters may stand, and the grammar (Trino's, through dt-sql-parser's `TrinoSQL`; an
 * UNLOAD's wrapper against Athena's documented syntax, its SELECT by the grammar). Also the reading of a
 * statement the stand-in bills by: which tables each query names, how often once its common table
 * expressions are expanded (Trino evaluates a CTE once per reference), and what each reference filters on.
 * Pure text analysis: no DuckDB, no S3.
 */
import { TrinoSQL } from 'dt-sql-parser';

/** Athena's quota on `QueryString`, in bytes; not adjustable ("Service quotas", Athena user guide). */
export const QUERY_STRING_MAX_BYTES = 262_144;

/** A refusal with Athena's own words and where it comes from. */
export class AthenaRuleError extends Error {
  override readonly name = 'AthenaRuleError';
  constructor(
    message: string,
    /** `request`: StartQueryExecution answers 400; `query`: the query is accepted, then FAILED. */
    readonly stage: 'request' | 'query',
  ) {
    super(message);
  }
}

/**
 * The QueryString size check StartQueryExecution makes (the AWS Knowledge Center's text for it,
 * "How can I increase the maximum query string length in Athena?").
 */
export function checkQueryStringSize(query: string): void {
  const bytes = Buffer.byteLength(query, 'utf8');
  if (bytes > QUERY_STRING_MAX_BYTES) {
    throw new AthenaRuleError(
      `1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length less than or equal to ${QUERY_STRING_MAX_BYTES} (the query has ${bytes} bytes)`,
      'request',
    );
  }
}

type TokenKind = 'word' | 'string' | 'identifier' | 'param' | 'open' | 'close' | 'comma' | 'other';

/** One token of an SQL text, with its offset. */
export interface SqlToken {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: number;
}

/** Splits SQL into tokens, skipping blanks and comments; `'…'` strings and `"…"` identifiers are one token. */
export function tokenize(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j += 1;
      }
      tokens.push({ kind: c === "'" ? 'string' : 'identifier', text: sql.slice(i, j + 1), at: i });
      i = j + 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j] as string)) j += 1;
      tokens.push({ kind: 'word', text: sql.slice(i, j), at: i });
      i = j;
    } else {
      const kind: TokenKind =
        c === '?' ? 'param' : c === '(' ? 'open' : c === ')' ? 'close' : c === ',' ? 'comma' : 'other';
      tokens.push({ kind, text: c, at: i });
      i += 1;
    }
  }
  return tokens;
}

/** Keywords that open a clause, and the clause they open. */
const CLAUSES: Readonly<Record<string, string>> = {
  SELECT: 'SELECT',
  FROM: 'FROM',
  JOIN: 'FROM',
  USING: 'FROM',
  WHERE: 'WHERE',
  GROUP: 'GROUP BY',
  HAVING: 'HAVING',
  ORDER: 'ORDER BY',
  ON: 'ON',
  VALUES: 'VALUES',
  LIMIT: 'LIMIT',
  OFFSET: 'OFFSET',
  WINDOW: 'WINDOW',
  PARTITION: 'PARTITION BY',
  WITH: 'WITH',
};

const lineAndColumn = (sql: string, at: number): string => {
  const before = sql.slice(0, at);
  const line = before.split('\n').length;
  return `${line}:${at - before.lastIndexOf('\n')}`;
};

/**
 * Each `?` that does not stand in a WHERE clause, as `<clause> at line:column`. A parenthesised group
 * is in the clause around it until a keyword of its own opens another (a subquery's SELECT, a VALUES).
 */
export function placeholdersOutsideWhere(sql: string): string[] {
  const found: string[] = [];
  const stack: string[] = ['NONE'];
  for (const token of tokenize(sql)) {
    if (token.kind === 'open') stack.push(stack.at(-1) ?? 'NONE');
    else if (token.kind === 'close') {
      if (stack.length > 1) stack.pop();
    } else if (token.kind === 'word') {
      const clause = CLAUSES[token.text.toUpperCase()];
      if (clause !== undefined) stack[stack.length - 1] = clause;
    } else if (token.kind === 'param' && stack.at(-1) !== 'WHERE') {
      found.push(`${stack.at(-1)} at ${lineAndColumn(sql, token.at)}`);
    }
  }
  return found;
}

/**
 * The execution-parameter rule ("Use parameterized queries", Athena user guide: "Currently, `?`
 * parameters can be placed only in the WHERE clause. Syntax like `SELECT ? FROM table` is not supported.").
 */
export function checkPlaceholders(sql: string): void {
  const outside = placeholdersOutsideWhere(sql);
  if (outside.length > 0) {
    throw new AthenaRuleError(
      `INVALID_PARAMETER_USAGE: ? parameters can be placed only in the WHERE clause; found ${outside.length} elsewhere (${outside.slice(0, 3).join(', ')})`,
      'query',
    );
  }
}

/** An UNLOAD taken apart by Athena's documented syntax: `UNLOAD (SELECT …) TO 's3://…' WITH ( name = value [, …] )`. */
export interface UnloadParts {
  readonly select: string;
  readonly location: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** The UNLOAD properties Athena documents ("UNLOAD", Athena user guide). */
const UNLOAD_PROPERTIES = new Set(['format', 'compression', 'compression_level', 'field_delimiter', 'partitioned_by']);
const UNLOAD_FORMATS = new Set(['AVRO', 'JSON', 'ORC', 'PARQUET', 'TEXTFILE']);

/** Splits an UNLOAD into its parts, or `undefined` when the text does not start with UNLOAD. */
export function unloadParts(sql: string): UnloadParts | undefined {
  const tokens = tokenize(sql);
  if (tokens[0]?.kind !== 'word' || tokens[0].text.toUpperCase() !== 'UNLOAD') return undefined;
  const refuse = (why: string): never => {
    throw new AthenaRuleError(
      `SYNTAX_ERROR: UNLOAD: ${why} (expected UNLOAD (SELECT …) TO 's3://…' WITH (…))`,
      'query',
    );
  };
  if (tokens[1]?.kind !== 'open') refuse('the SELECT must be in parentheses');
  let depth = 0;
  let close = -1;
  for (let i = 1; i < tokens.length; i += 1) {
    const kind = tokens[i]?.kind;
    if (kind === 'open') depth += 1;
    else if (kind === 'close') {
      depth -= 1;
      if (depth === 0) {
        close = i;
        break;
      }
    }
  }
  if (close < 0) refuse('unbalanced parentheses');
  const select = sql.slice((tokens[1]?.at ?? 0) + 1, tokens[close]?.at ?? 0);
  const to = tokens[close + 1];
  const location = tokens[close + 2];
  if (to?.kind !== 'word' || to.text.toUpperCase() !== 'TO') refuse('TO expected after the SELECT');
  if (location?.kind !== 'string') refuse('the location must be a string literal');
  const target = (location?.text ?? "''").slice(1, -1).replaceAll("''", "'");
  if (!/^s3:\/\/[^/]+\/.*\/$/.test(target)) refuse(`the location must be s3://bucket/prefix/ (got ${target})`);
  const rest = tokens.slice(close + 3);
  const properties: Record<string, string> = {};
  if (rest.length > 0) {
    if (rest[0]?.kind !== 'word' || rest[0].text.toUpperCase() !== 'WITH' || rest[1]?.kind !== 'open')
      refuse('WITH ( … ) expected after the location');
    const text = sql.slice((rest[1]?.at ?? 0) + 1, sql.lastIndexOf(')'));
    if (sql.slice(sql.lastIndexOf(')') + 1).replace(/;?\s*$/, '') !== '') refuse('text after WITH ( … )');
    for (const entry of text.split(/,(?![^[]*\])/)) {
      const match = /^\s*(\w+)\s*=\s*(.+?)\s*$/s.exec(entry);
      const name = match?.[1]?.toLowerCase();
      if (match === null || name === undefined) return refuse(`a property is not name = value: ${entry.trim()}`);
      if (!UNLOAD_PROPERTIES.has(name)) refuse(`unknown property ${name}`);
      properties[name] = match[2] ?? '';
    }
  }
  const format = properties.format?.replace(/^'(.*)'$/, '$1').toUpperCase() ?? 'PARQUET';
  if (!UNLOAD_FORMATS.has(format)) refuse(`format ${format} is not one of ${[...UNLOAD_FORMATS].join(', ')}`);
  return { select, location: target, properties };
}

let trino: TrinoSQL | undefined;
/** Texts the grammar accepted: a common table expression repeated across queries is parsed once. */
const accepted = new Set<string>();

/** Trino grammar errors of one statement (dt-sql-parser's TrinoSQL, from Trino's ANTLR grammar), as `line:column message`. */
export function trinoGrammarErrors(sql: string): string[] {
  if (accepted.has(sql)) return [];
  trino ??= new TrinoSQL();
  const errors: string[] = [];
  trino.parse(sql, (e) => errors.push(`line ${e.startLine}:${e.startColumn}: ${e.message}`));
  const semicolons = tokenize(sql).filter((t) => t.text === ';');
  if (semicolons.length > 1 || (semicolons.length === 1 && sql.slice((semicolons[0]?.at ?? 0) + 1).trim() !== ''))
    errors.push('line 1:1: one statement per query (Athena runs a single statement)');
  if (errors.length === 0) {
    if (accepted.size > 10_000) accepted.clear();
    accepted.add(sql);
  }
  return errors;
}

/** The top-level common table expressions of a statement (name and body) and where its main query starts. */
function topLevelCtes(tokens: readonly SqlToken[]): {
  bodies: Map<string, { from: number; to: number }>;
  main: number;
} {
  const bodies = new Map<string, { from: number; to: number }>();
  let main = 0;
  if (tokens[0]?.kind === 'word' && tokens[0].text.toUpperCase() === 'WITH') {
    let i = 1;
    while (i < tokens.length) {
      const name = tokens[i];
      if (name?.kind !== 'word' || tokens[i + 1]?.text.toUpperCase() !== 'AS' || tokens[i + 2]?.kind !== 'open') break;
      let depth = 0;
      let j = i + 2;
      for (; j < tokens.length; j += 1) {
        const kind = tokens[j]?.kind;
        if (kind === 'open') depth += 1;
        else if (kind === 'close' && --depth === 0) break;
      }
      bodies.set(name.text.toLowerCase(), { from: i + 3, to: j });
      i = j + 1;
      if (tokens[i]?.kind === 'comma') i += 1;
      else break;
    }
    main = i;
  }
  return { bodies, main };
}

/**
 * Refuses a statement Trino's grammar does not accept; an UNLOAD is taken apart first. Each common table
 * expression is a query of its own to the grammar, so each is parsed apart (and once across queries),
 * then the statement with its bodies stood in for.
 */
export function checkGrammar(sql: string): void {
  const unload = unloadParts(sql);
  const text = unload === undefined ? sql : unload.select;
  const tokens = tokenize(text);
  const { bodies, main } = topLevelCtes(tokens);
  const errors: string[] = [];
  let skeleton = text;
  for (const [, { from, to }] of [...bodies].reverse()) {
    const start = tokens[from]?.at ?? 0;
    const end = tokens[to]?.at ?? text.length;
    errors.push(...trinoGrammarErrors(text.slice(start, end)));
    skeleton = `${skeleton.slice(0, start)}SELECT 1${skeleton.slice(end)}`;
  }
  if (main > 0 || bodies.size === 0) errors.push(...trinoGrammarErrors(skeleton));
  if (errors.length > 0) throw new AthenaRuleError(`SYNTAX_ERROR: ${errors[0]}`, 'query');
}

/** A table a query reads from, once per evaluation, with the text of the SELECT that filters it. */
export interface TableScan {
  readonly table: string;
  /** The innermost parenthesised text around the reference (or the whole statement): its filters. */
  readonly scope: string;
}

/**
 * Every scan of a base table a statement makes: each `FROM`/`JOIN` reference to a table, a reference to a
 * common table expression standing for the scans of its body (so a CTE named twice scans its tables twice).
 * Names are lower-cased; `ctes` of the statement are not tables.
 */
export function tableScans(sql: string): TableScan[] {
  const unload = unloadParts(sql);
  const text = unload === undefined ? sql : unload.select;
  const tokens = tokenize(text);
  const { bodies, main } = topLevelCtes(tokens);
  const referencesIn = (from: number, to: number): { name: string; at: number }[] => {
    const found: { name: string; at: number }[] = [];
    for (let i = from; i < to; i += 1) {
      const t = tokens[i];
      if (t?.kind !== 'word' || !/^(FROM|JOIN)$/i.test(t.text)) continue;
      const next = tokens[i + 1];
      if (next?.kind === 'word' && tokens[i + 2]?.kind !== 'open' && !/^(UNNEST|LATERAL)$/i.test(next.text))
        found.push({ name: next.text.toLowerCase(), at: i + 1 });
    }
    return found;
  };
  const scopeOf = (index: number): string => {
    // The innermost group of parentheses around the token.
    let depth = 0;
    let open = -1;
    for (let i = index; i >= 0; i -= 1) {
      const kind = tokens[i]?.kind;
      if (kind === 'close') depth += 1;
      else if (kind === 'open') {
        if (depth === 0) {
          open = i;
          break;
        }
        depth -= 1;
      }
    }
    if (open < 0) return text;
    depth = 0;
    for (let i = open; i < tokens.length; i += 1) {
      const kind = tokens[i]?.kind;
      if (kind === 'open') depth += 1;
      else if (kind === 'close' && --depth === 0) return text.slice(tokens[open]?.at ?? 0, (tokens[i]?.at ?? 0) + 1);
    }
    return text.slice(tokens[open]?.at ?? 0);
  };
  const expand = (from: number, to: number, seen: ReadonlySet<string>): TableScan[] =>
    referencesIn(from, to).flatMap(({ name, at }) => {
      const body = bodies.get(name);
      if (body !== undefined && !seen.has(name)) return expand(body.from, body.to, new Set([...seen, name]));
      return [{ table: name, scope: scopeOf(at) }];
    });
  return expand(main, tokens.length, new Set());
}
