import type { StoredFields, StoredValue } from '../core/model';

/**
 * SSM records as the SDK returns them, turned into what DynamoDB stores: Dates become ISO
 * strings (millisecond precision, so string order is time order) and undefined disappears.
 * Archive-only attributes start with a lower-case letter; SSM's own fields keep SSM's
 * upper-case names, so the two never collide.
 */
export function toStoredValue(value: unknown): StoredValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    return value.map((element) => toStoredValue(element)).filter((element): element is StoredValue => element !== undefined);
  }
  if (typeof value === 'object') {
    const fields: StoredFields = {};
    for (const [name, element] of Object.entries(value as Record<string, unknown>)) {
      if (name === '$metadata') continue;
      const stored = toStoredValue(element);
      if (stored !== undefined) fields[name] = stored;
    }
    return fields;
  }
  throw new TypeError(`cannot store a value of type ${typeof value}`);
}

export function toStoredFields(record: object): StoredFields {
  return toStoredValue(record) as StoredFields;
}

/** True for SSM's own fields (upper-case initial), false for the archive's. */
export function isSsmField(name: string): boolean {
  const first = name.charAt(0);
  return first !== first.toLowerCase();
}

/**
 * The SSM record back from a stored item: archive attributes dropped and the listed date
 * paths turned back into Dates ("CommandPlugins[].ResponseStartDateTime" walks into lists).
 */
export function toSsmRecord<T>(item: Readonly<Record<string, unknown>>, datePaths: readonly string[]): T {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    // A JSON copy (stored values are JSON-shaped): unlike structuredClone it builds the copy in
    // the caller's realm, so deep equality with the caller's own records holds (jest's vm too).
    if (isSsmField(name)) record[name] = value === undefined ? value : JSON.parse(JSON.stringify(value));
  }
  for (const path of datePaths) reviveDates(record, path.split('.'));
  return record as T;
}

function reviveDates(container: Record<string, unknown>, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const isList = head.endsWith('[]');
  const name = isList ? head.slice(0, -2) : head;
  const value = container[name];
  if (value === undefined || value === null) return;
  if (isList) {
    if (!Array.isArray(value)) return;
    for (const element of value) {
      if (element && typeof element === 'object') reviveDates(element as Record<string, unknown>, rest);
    }
    return;
  }
  if (rest.length === 0) {
    if (typeof value === 'string') container[name] = new Date(value);
    return;
  }
  if (typeof value === 'object') reviveDates(value as Record<string, unknown>, rest);
}

/** Any time SSM or an event gives us, normalised to ISO 8601 with milliseconds. */
export function isoTime(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a time: ${String(value)}`);
  return date.toISOString();
}
