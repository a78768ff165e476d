import type { StoredFields, StoredValue } from '../core/model';

/**
 * DynamoDB's 400 KB item limit, measured the way DynamoDB measures it (UTF-8 bytes of
 * attribute names and values, a few bytes of overhead per list or map element). Estimated
 * slightly high on purpose: an estimate that is too low makes a write fail.
 */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;

export function storedValueSize(value: StoredValue): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 21;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + 1 + storedValueSize(element), 3);
  return Object.entries(value).reduce(
    (sum, [name, element]) => sum + 1 + Buffer.byteLength(name, 'utf8') + storedValueSize(element),
    3,
  );
}

export function fieldsSize(fields: StoredFields): number {
  return Object.entries(fields).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + storedValueSize(value), 0);
}

export const cutMarker = (kept: number, total: number): string =>
  `\n--- ssm-history: cut to ${kept} of ${total} characters to fit DynamoDB's 400 KB item limit ---`;

export interface FittedFields {
  readonly fields: StoredFields;
  /** Paths of the string fields that were cut, e.g. "CommandPlugins[0].Output". */
  readonly cut: readonly string[];
}

interface StringLeaf {
  readonly path: string;
  readonly bytes: number;
  readonly set: (value: string) => void;
  readonly value: string;
}

function stringLeaves(value: StoredValue, path: string, set: (v: string) => void, into: StringLeaf[]): void {
  if (typeof value === 'string') {
    into.push({ path, bytes: Buffer.byteLength(value, 'utf8'), set, value });
  } else if (Array.isArray(value)) {
    value.forEach((element, index) => stringLeaves(element, `${path}[${index}]`, (v) => (value[index] = v), into));
  } else if (value !== null && typeof value === 'object') {
    for (const [name, element] of Object.entries(value)) {
      stringLeaves(element, path ? `${path}.${name}` : name, (v) => (value[name] = v), into);
    }
  }
}

/**
 * Cuts the longest string fields (outputs, in practice) until the fields fit in `budgetBytes`,
 * keeping each cut field's head and a marker saying how much was kept. Never drops a record.
 */
export function fitFields(fields: StoredFields, budgetBytes: number, protectedNames: ReadonlySet<string>): FittedFields {
  let size = fieldsSize(fields);
  if (size <= budgetBytes) return { fields, cut: [] };
  const copy = structuredClone(fields);
  const cut = new Set<string>();
  while (size > budgetBytes) {
    const leaves: StringLeaf[] = [];
    for (const [name, value] of Object.entries(copy)) {
      if (!protectedNames.has(name)) stringLeaves(value, name, (v) => (copy[name] = v), leaves);
    }
    const longest = leaves.sort((a, b) => b.bytes - a.bytes)[0];
    if (!longest || longest.bytes < 1024) {
      throw new RangeError(`record still ${size} bytes after cutting every long field; budget ${budgetBytes}`);
    }
    const excess = size - budgetBytes;
    const originalLength = originalLengthOf(longest.value);
    // Keep at least half of the field's bytes, or less when that alone would not fit.
    const keepBytes = Math.max(0, Math.min(Math.floor(longest.bytes / 2), longest.bytes - excess - 200));
    const kept = headOfBytes(stripMarker(longest.value), keepBytes);
    const replaced = kept + cutMarker(kept.length, originalLength);
    longest.set(replaced);
    cut.add(longest.path);
    size = fieldsSize(copy);
  }
  return { fields: copy, cut: [...cut] };
}

const MARKER_PATTERN = /\n--- ssm-history: cut to \d+ of (\d+) characters to fit DynamoDB's 400 KB item limit ---$/;

function originalLengthOf(value: string): number {
  const match = MARKER_PATTERN.exec(value);
  return match?.[1] ? Number(match[1]) : value.length;
}

function stripMarker(value: string): string {
  return value.replace(MARKER_PATTERN, '');
}

function headOfBytes(value: string, bytes: number): string {
  const buffer = Buffer.from(value, 'utf8').subarray(0, bytes);
  // Drop a split multi-byte character at the end rather than storing U+FFFD.
  return buffer.toString('utf8').replace(/\uFFFD$/, '');
}
