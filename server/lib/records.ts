/**
 * Reads `key` from a plain lookup table only when the table itself defines it. A caller's string indexing a
 * plain object would otherwise reach inherited properties: `table["constructor"]` is Object's constructor.
 * The lint rule greenroom/own-property-lookups sends every such lookup here (or to a Map).
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function hasOwnKey<K extends string>(table: Readonly<Record<K, unknown>>, key: string): key is K {
  return Object.hasOwn(table, key);
}
