/**
 * The shapes DuckDB's JSON functions need to turn CloudTrail JSON into the `events` table,
 * derived from table.ts so the loader and the table cannot drift apart:
 *
 * - `read_json(..., columns = {...})` takes column name → type as a struct literal;
 * - `json_transform(json, structure)` takes the same types written as a JSON "structure"
 *   (`{"userIdentity": {"type": "VARCHAR", ...}}`), which is how DuckDB spells a
 *   non-strict transform (unknown keys ignored, as CloudTrail adds fields over time).
 */
import { EVENTS_COLUMNS, type EventColumn } from './table.js';

/**
 * A SQL string literal, for what DuckDB takes only as literal text: our own constants (types,
 * column names) and the cache's own file paths in `COPY … TO` (which takes no parameter; the
 * folder is the operator's CTRB_CACHE_DIR, never anything a Slack user or a log file says).
 * Values from runbooks, parameters and rows are always bound instead.
 */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `{'eventVersion': 'VARCHAR', 'userIdentity': 'STRUCT(...)', ...}` for read_json. */
export function readJsonColumnsSql(columns: ReadonlyArray<EventColumn> = EVENTS_COLUMNS): string {
  const entries = columns.map(([name, type]) => `${sqlLiteral(name)}: ${sqlLiteral(type)}`);
  return `{${entries.join(', ')}}`;
}

export type Structure = string | { [field: string]: Structure } | Structure[];

/** The json_transform structure of one event, as JSON text. */
export function eventStructureJson(columns: ReadonlyArray<EventColumn> = EVENTS_COLUMNS): string {
  const structure: Record<string, Structure> = {};
  for (const [name, type] of columns) structure[name] = typeToStructure(type);
  return JSON.stringify(structure);
}

/**
 * Turn a DuckDB type as written in table.ts (`VARCHAR`, `STRUCT(a VARCHAR, b STRUCT(...))`,
 * `VARCHAR[]`) into json_transform's structure notation.
 */
export function typeToStructure(type: string): Structure {
  const parser = new TypeParser(type);
  const result = parser.parseType();
  parser.expectEnd();
  return result;
}

class TypeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseType(): Structure {
    const word = this.word();
    let result: Structure;
    if (word.toUpperCase() === 'STRUCT') {
      this.expect('(');
      const fields: Record<string, Structure> = {};
      do {
        const name = this.name();
        fields[name] = this.parseType();
      } while (this.accept(','));
      this.expect(')');
      result = fields;
    } else {
      result = word.toUpperCase();
    }
    while (this.accept('[')) {
      this.expect(']');
      result = [result];
    }
    return result;
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('end of type');
  }

  private name(): string {
    this.skipSpace();
    if (this.text[this.pos] === '"') {
      const close = this.text.indexOf('"', this.pos + 1);
      if (close < 0) this.fail('closing quote');
      const name = this.text.slice(this.pos + 1, close);
      this.pos = close + 1;
      return name;
    }
    return this.word();
  }

  private word(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail('a name');
    this.pos += match[0].length;
    return match[0];
  }

  private accept(token: string): boolean {
    this.skipSpace();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private expect(token: string): void {
    if (!this.accept(token)) this.fail(`"${token}"`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private fail(expected: string): never {
    throw new Error(`cannot read DuckDB type "${this.text}": expected ${expected} at ${this.pos}`);
  }
}
