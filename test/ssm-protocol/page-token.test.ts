import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { PageTokens } from '../../lambdas/ssm-protocol/page-token';
import { thrown } from '../support/ssm-errors';

// The real comparison, watched: the signature check must go through it.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

/** NextTokens: opaque, bound to their operation and query, and signed. */
describe('PageTokens', () => {
  const tokens = new PageTokens('secret-1');
  const query = { commandId: 'c', filters: [{ key: 'Status', value: 'Failed' }] };
  const invalid = { type: 'InvalidNextToken', message: 'The specified token is not valid.', httpStatus: 400 };

  it('gives back the position a token was issued with, for the same operation and query', () => {
    const token = tokens.issue('ListCommands', query, ['2026-11-20T10:00:00.000Z', 'c-1', 7]);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(tokens.read('ListCommands', { ...query }, token)).toEqual(['2026-11-20T10:00:00.000Z', 'c-1', 7]);
    expect(new PageTokens('secret-1').read('ListCommands', query, token)).toEqual(['2026-11-20T10:00:00.000Z', 'c-1', 7]);
    expect(tokens.read('ListCommands', undefined, tokens.issue('ListCommands', undefined, []))).toEqual([]);
  });

  it('refuses a token of another operation, another query or another secret', () => {
    const token = tokens.issue('ListCommands', query, ['a']);
    expect(thrown(() => tokens.read('ListCommandInvocations', query, token))).toEqual(invalid);
    expect(thrown(() => tokens.read('ListCommands', { ...query, commandId: 'd' }, token))).toEqual(invalid);
    expect(thrown(() => tokens.read('ListCommands', null, token))).toEqual(invalid);
    expect(thrown(() => new PageTokens('secret-2').read('ListCommands', query, token))).toEqual(invalid);
  });

  it('refuses an edited, truncated or extended token', () => {
    const token = tokens.issue('ListCommands', query, ['a']);
    const [payload = '', signature = ''] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ o: 'ListCommands', q: 'x', a: ['b'] })).toString('base64url');
    for (const bad of [`${forged}.${signature}`, payload, `${payload}.`, `${token}.extra`, `${payload}.${signature.slice(1)}`, '', 'garbage']) {
      expect(thrown(() => tokens.read('ListCommands', query, bad))).toEqual(invalid);
    }
  });

  it('compares signatures in constant time, and refuses one of another byte length without throwing', () => {
    const token = tokens.issue('ListCommands', query, ['a']);
    const [payload = '', signature = ''] = token.split('.');
    const compare = jest.mocked(timingSafeEqual);
    compare.mockClear();
    expect(tokens.read('ListCommands', query, token)).toEqual(['a']);
    const wrong = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(thrown(() => tokens.read('ListCommands', query, `${payload}.${wrong}`))).toEqual(invalid);
    expect(compare).toHaveBeenCalledTimes(2);
    // 22 characters, 44 bytes: refused as a bad token, not a RangeError from the comparison.
    expect(thrown(() => tokens.read('ListCommands', query, `${payload}.${'é'.repeat(22)}`))).toEqual(invalid);
  });

  it('refuses a signed token whose content is not a position', () => {
    // Signed with the right secret, but built by hand: the signature alone is not enough.
    const sign = (content: string): string => {
      const payload = Buffer.from(content).toString('base64url');
      return `${payload}.${createHmac('sha256', 'secret-1').update(payload).digest('base64url').slice(0, 22)}`;
    };
    const digestOf = (value: unknown): string => createHash('sha256').update(JSON.stringify(value) ?? '').digest('base64url').slice(0, 16);
    expect(tokens.read('op', 'q', sign(JSON.stringify({ o: 'op', q: digestOf('q'), a: ['x', 1] })))).toEqual(['x', 1]);
    for (const content of [
      'not json',
      'null',
      '"a string"',
      JSON.stringify({ o: 'op', q: digestOf('q'), a: 'x' }),
      JSON.stringify({ o: 'op', q: digestOf('q'), a: [true] }),
      JSON.stringify({ o: 'op', q: digestOf('q'), a: [null] }),
      JSON.stringify({ o: 'other', q: digestOf('q'), a: [] }),
      JSON.stringify({ q: digestOf('q'), a: [] }),
    ]) {
      expect(thrown(() => tokens.read('op', 'q', sign(content)))).toEqual(invalid);
    }
  });
});
