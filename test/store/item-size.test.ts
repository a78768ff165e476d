import type { StoredFields } from '../../lambdas/core/model';
import { cutMarker, DYNAMODB_ITEM_LIMIT_BYTES, fieldsSize, fitFields, storedValueSize } from '../../lambdas/store/item-size';

/**
 * Fitting a record into DynamoDB's item limit, measured as DynamoDB measures it: UTF-8 bytes,
 * not characters. Sizes are checked here with Buffer.byteLength, apart from the code's own
 * estimate.
 */
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const MARKER = /\n--- ssm-history: cut to (\d+) of (\d+) characters to fit DynamoDB's 400 KB item limit ---$/;
const BUDGET = 100_000;
const none: ReadonlySet<string> = new Set();

/** The UTF-8 bytes of every string (names and values) in the fields: a floor for the item size. */
function stringBytes(value: unknown): number {
  if (typeof value === 'string') return bytes(value);
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + stringBytes(element), 0);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).reduce((sum, [name, element]) => sum + bytes(name) + stringBytes(element), 0);
  }
  return 0;
}

/** The head a cut field kept and what its marker says. */
function cutOf(value: string): { kept: string; keptCharacters: number; originalCharacters: number } {
  const marker = MARKER.exec(value);
  if (!marker) throw new Error(`not cut: ${value.slice(0, 40)}…`);
  return { kept: value.slice(0, marker.index), keptCharacters: Number(marker[1]), originalCharacters: Number(marker[2]) };
}

const outputs = (values: readonly string[]): StoredFields => ({
  CommandId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
  CommandPlugins: values.map((Output, index) => ({ Name: `plugin-${index}`, Output })),
});

const pluginOutputs = (fields: StoredFields): string[] => (fields.CommandPlugins as { Output: string }[]).map((plugin) => plugin.Output);

describe('item size in UTF-8 bytes', () => {
  it('counts a string by its UTF-8 bytes: two, three and four bytes a character', () => {
    expect(storedValueSize('abc')).toBe(3);
    expect(storedValueSize('ü')).toBe(2);
    expect(storedValueSize('€€')).toBe(6);
    expect(storedValueSize('😀')).toBe(4);
    expect(fieldsSize({ 'Näme': '漢字' })).toBe(5 + 6);
  });

  it('counts lists and maps with their names and a few bytes of overhead, never less than their strings', () => {
    const value = { Ünïcode: ['€', 'ab', { inner: '😀' }] };
    expect(fieldsSize({ field: value })).toBeGreaterThanOrEqual(stringBytes({ field: value }));
    expect(storedValueSize([])).toBeGreaterThan(0);
    expect(storedValueSize({})).toBeGreaterThan(0);
    expect(storedValueSize(['a', 'b'])).toBeGreaterThan(storedValueSize(['a']) + 1);
  });

  it('counts null and booleans as one byte and numbers as 21, the most a DynamoDB number takes', () => {
    expect(storedValueSize(null)).toBe(1);
    expect(storedValueSize(true)).toBe(1);
    expect(storedValueSize(false)).toBe(1);
    expect(storedValueSize(0)).toBe(21);
    expect(storedValueSize(-1234.5678)).toBe(21);
    expect(fieldsSize({ ResponseCode: 0, Done: true, Missing: null })).toBe('ResponseCode'.length + 21 + 'Done'.length + 1 + 'Missing'.length + 1);
  });

  it('counts a list or map as DynamoDB does: 3 bytes, plus 1 a element, plus the names and values', () => {
    expect(storedValueSize([])).toBe(3);
    expect(storedValueSize({})).toBe(3);
    expect(storedValueSize(['a', 'bc'])).toBe(3 + (1 + 1) + (1 + 2));
    expect(storedValueSize({ a: 'b', cd: ['e'] })).toBe(3 + (1 + 1 + 1) + (1 + 2 + (3 + 1 + 1)));
  });

  it('leaves fields that fit as they are', () => {
    const fields = outputs(['€'.repeat(1000)]);
    expect(fitFields(fields, BUDGET, none)).toEqual({ fields, cut: [] });
  });

  it('cuts a field that fits in characters but not in bytes, to fit in bytes', () => {
    // 40,000 characters, 120,000 bytes: under the budget counted in characters, over it in bytes.
    const fields = outputs(['€'.repeat(40_000), 'short']);
    const fitted = fitFields(fields, BUDGET, none);
    expect(fitted.cut).toEqual(['CommandPlugins[0].Output']);
    expect(stringBytes(fitted.fields)).toBeLessThanOrEqual(BUDGET);
    expect(pluginOutputs(fitted.fields)[1]).toBe('short');
  });

  it('keeps the head of a cut field whole characters, and says in characters what it kept of how many', () => {
    for (const character of ['€', '😀', 'ü']) {
      const original = `${character.repeat(60_000)}`;
      const fitted = fitFields(outputs([original]), BUDGET, none);
      const [output = ''] = pluginOutputs(fitted.fields);
      const { kept, keptCharacters, originalCharacters } = cutOf(output);
      expect(original.startsWith(kept)).toBe(true);
      expect(kept).not.toContain('\uFFFD');
      expect(kept.length % character.length).toBe(0);
      expect(keptCharacters).toBe(kept.length);
      expect(originalCharacters).toBe(original.length);
      // At most half is dropped when half is enough.
      expect(bytes(kept)).toBeGreaterThan(0);
      expect(stringBytes(fitted.fields)).toBeLessThanOrEqual(BUDGET);
    }
  });

  it('goes on cutting, longest field first, until the fields fit: one cut is not always enough', () => {
    // Eight outputs of 20,000 bytes: 160,000 bytes, each less than the 60,000 to lose.
    const values = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((fill, index) => fill.repeat(20_000 - index));
    const fitted = fitFields(outputs(values), BUDGET, none);
    expect(fitted.cut.length).toBeGreaterThanOrEqual(3);
    expect(stringBytes(fitted.fields)).toBeLessThanOrEqual(BUDGET);
    // The longest were cut first.
    expect(fitted.cut).toContain('CommandPlugins[0].Output');
    const after = pluginOutputs(fitted.fields);
    after.forEach((output, index) => {
      if (fitted.cut.includes(`CommandPlugins[${index}].Output`)) {
        const { kept, originalCharacters } = cutOf(output);
        expect(values[index]?.startsWith(kept)).toBe(true);
        expect(originalCharacters).toBe(values[index]?.length);
      } else {
        expect(output).toBe(values[index]);
      }
    });
  });

  it('keeps half of a field when half is enough', () => {
    const original = 'x'.repeat(80_000);
    const fitted = fitFields({ Output: original, Other: 'y'.repeat(30_000) }, BUDGET, none);
    expect(fitted.cut).toEqual(['Output']);
    expect(cutOf(fitted.fields.Output as string).kept).toBe('x'.repeat(40_000));
    expect(fitted.fields.Other).toBe('y'.repeat(30_000));
  });

  it('keeps only what fits when half would still be too much', () => {
    const fitted = fitFields({ Output: 'x'.repeat(300_000) }, BUDGET, none);
    const { kept } = cutOf(fitted.fields.Output as string);
    expect(kept.length).toBeLessThan(150_000);
    expect(kept.length).toBeGreaterThan(BUDGET - 1_000);
    expect(fieldsSize(fitted.fields)).toBeLessThanOrEqual(BUDGET);
  });

  it('returns the fields themselves, not a copy, when they fit, to the byte', () => {
    const fields: StoredFields = { Output: 'x'.repeat(BUDGET - 'Output'.length) };
    expect(fieldsSize(fields)).toBe(BUDGET);
    const fitted = fitFields(fields, BUDGET, none);
    expect(fitted.fields).toBe(fields);
    expect(fitted.cut).toEqual([]);
  });

  it('cuts strings that are list elements themselves (a command\'s script lines), not only fields of objects', () => {
    const script = '#'.repeat(150_000);
    const fields: StoredFields = { Parameters: { commands: [script, 'echo done'] } };
    const fitted = fitFields(fields, BUDGET, none);
    expect(fitted.cut).toEqual(['Parameters.commands[0]']);
    const [first, second] = (fitted.fields.Parameters as { commands: string[] }).commands;
    expect(script.startsWith(cutOf(first ?? '').kept)).toBe(true);
    expect(second).toBe('echo done');
    expect(stringBytes(fitted.fields)).toBeLessThanOrEqual(BUDGET);
  });

  it('cuts a field of exactly 1 KB when nothing longer is left', () => {
    const fields = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`F${index}`, String(index).repeat(1024)]));
    const fitted = fitFields(fields, 9_000, none);
    expect(fitted.cut.length).toBeGreaterThan(0);
    expect(fieldsSize(fitted.fields)).toBeLessThanOrEqual(9_000);
  });

  it('keeps replacement characters that were in the output itself', () => {
    // SSM stores undecodable output bytes as U+FFFD: they are content, not a split character.
    const original = 'ok \uFFFD then more '.repeat(10_000);
    const { kept } = cutOf(fitFields({ Output: original }, BUDGET, none).fields.Output as string);
    expect(kept.length).toBeGreaterThan(10_000);
    expect(original.startsWith(kept)).toBe(true);
  });

  it('does not change the fields it was given', () => {
    const fields = outputs(['€'.repeat(40_000)]);
    const before = structuredClone(fields);
    fitFields(fields, BUDGET, none);
    expect(fields).toEqual(before);
  });

  it('never cuts a protected field (the keys), and says so when nothing else can be cut', () => {
    const key = 'k'.repeat(120_000);
    expect(() => fitFields({ CommandId: key, Output: 'short' }, BUDGET, new Set(['CommandId']))).toThrow(RangeError);
    const fitted = fitFields({ CommandId: 'k'.repeat(50_000), Output: 'o'.repeat(80_000) }, BUDGET, new Set(['CommandId']));
    expect(fitted.fields.CommandId).toBe('k'.repeat(50_000));
    expect(fitted.cut).toEqual(['Output']);
  });

  it('refuses to cut fields shorter than 1 KB, however many there are', () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`field${index}`, 'v'.repeat(1000)]));
    expect(() => fitFields(many, BUDGET, none)).toThrow(/after cutting every long field/);
  });

  it('counts the original length once when it cuts a field that already carries a marker', () => {
    const alreadyCut = 'x'.repeat(150_000) + cutMarker(150_000, 500_000);
    const { kept, originalCharacters } = cutOf(fitFields({ Output: alreadyCut }, BUDGET, none).fields.Output as string);
    expect(originalCharacters).toBe(500_000);
    expect(kept).toBe('x'.repeat(kept.length));
  });

  it('budgets against the 400 KB DynamoDB limit', () => {
    expect(DYNAMODB_ITEM_LIMIT_BYTES).toBe(400 * 1024);
  });
});
