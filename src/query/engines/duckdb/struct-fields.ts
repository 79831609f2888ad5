/**
 * Loading only the sub-fields of a struct a run reads. userIdentity is the widest column a
 * query usually touches (fifteen fields, three levels deep), and most queries read one or two
 * of them (`userIdentity.arn`): typing only those cut a million-event load by 15-20%
 * (measured). A struct column is then loaded as a narrower STRUCT holding just the fields
 * asked for; a query reading another field of it fails, naming it (ColumnNotLoadedError).
 */
import { typeToStructure, type Structure } from './schema.js';

/** `STRUCT("a" VARCHAR, "b" STRUCT(...))`, `VARCHAR[]`: a structure back as a DuckDB type. */
export function structureToType(structure: Structure): string {
  if (typeof structure === 'string') return structure;
  if (Array.isArray(structure)) return `${structureToType(structure[0]!)}[]`;
  return `STRUCT(${Object.entries(structure)
    .map(([name, field]) => `"${name}" ${structureToType(field)}`)
    .join(', ')})`;
}

/**
 * The type of `column` (of type `type`) narrowed to the given sub-field paths (each a list of
 * field names, in the type's order); a path naming no field of it is refused.
 */
export function narrowType(column: string, type: string, paths: readonly (readonly string[])[]): string {
  return structureToType(narrowStructure(column, typeToStructure(type), paths));
}

function narrowStructure(at: string, structure: Structure, paths: readonly (readonly string[])[]): Structure {
  if (paths.some((p) => p.length === 0)) return structure;
  if (typeof structure === 'string' || Array.isArray(structure)) {
    throw new Error(`"${at}" has no sub-fields (asked for ${paths.map((p) => `${at}.${p.join('.')}`).join(', ')})`);
  }
  const narrowed: Record<string, Structure> = {};
  for (const [name, field] of Object.entries(structure)) {
    const below = paths.filter((p) => p[0] === name).map((p) => p.slice(1));
    if (below.length > 0) narrowed[name] = narrowStructure(`${at}.${name}`, field, below);
  }
  const unknown = paths.filter((p) => !Object.hasOwn(structure, p[0]!));
  if (unknown.length > 0) throw new Error(`"${at}" has no field ${unknown.map((p) => `"${p[0]}"`).join(', ')}`);
  return narrowed;
}

/** Whether values of type `have` hold everything of type `need` (the same, or a wider struct). */
export function typeCovers(have: string, need: string): boolean {
  return have === need || structureCovers(typeToStructure(have), typeToStructure(need));
}

function structureCovers(have: Structure, need: Structure): boolean {
  if (typeof need === 'string' || typeof have === 'string') return have === need;
  if (Array.isArray(need) || Array.isArray(have)) return Array.isArray(need) && Array.isArray(have) && structureCovers(have[0]!, need[0]!);
  return Object.entries(need).every(([name, field]) => Object.hasOwn(have, name) && structureCovers(have[name]!, field));
}

/**
 * A select expression reading `column` of type `have` as the narrower type `need`: struct
 * fields are picked by name (a wider struct does not cast to a narrower one).
 */
export function narrowingSql(column: string, have: string, need: string): string {
  if (have === need) return `"${column}"`;
  return `${pickSql(`"${column}"`, typeToStructure(need))} AS "${column}"`;
}

function pickSql(expr: string, need: Structure): string {
  if (typeof need === 'string' || Array.isArray(need)) return expr;
  const fields = Object.entries(need).map(([name, field]) => `'${name}': ${pickSql(`${expr}."${name}"`, field)}`);
  // A missing struct stays missing rather than becoming a struct of missing fields.
  return `CASE WHEN ${expr} IS NULL THEN NULL ELSE {${fields.join(', ')}} END`;
}
