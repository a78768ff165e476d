import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SsmError } from './errors';

/**
 * Opaque NextToken: the sort key of the last item returned (keyset paging, so items added
 * or forgotten between pages cause neither loss nor repeats), bound to the operation and
 * query it came from, with an HMAC so a token that was edited or belongs to another query
 * is rejected as InvalidNextToken.
 */
export class PageTokens {
  constructor(private readonly secret: string) {}

  issue(operation: string, query: unknown, after: readonly (string | number)[]): string {
    const payload = Buffer.from(JSON.stringify({ o: operation, q: digest(query), a: after })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The `after` key of a token this instance issued for the same operation and query. */
  read(operation: string, query: unknown, token: string): readonly (string | number)[] {
    const [payload, signature, extra] = token.split('.');
    if (payload === undefined || signature === undefined || extra !== undefined || !this.signs(payload, signature)) {
      throw invalid();
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (typeof parsed !== 'object' || parsed === null) throw invalid();
    const { o, q, a } = parsed as { o?: unknown; q?: unknown; a?: unknown };
    if (o !== operation || q !== digest(query) || !Array.isArray(a)) throw invalid();
    if (!a.every((part): part is string | number => typeof part === 'string' || typeof part === 'number')) throw invalid();
    return a;
  }

  /**
   * Compared in constant time: a comparison that stops at the first wrong character would let
   * a caller find a valid signature for a forged payload one character at a time.
   */
  private signs(payload: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }
}

function digest(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query) ?? '').digest('base64url').slice(0, 16);
}

function invalid(): SsmError {
  return new SsmError('InvalidNextToken', 'The specified token is not valid.');
}
