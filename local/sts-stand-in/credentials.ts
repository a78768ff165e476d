/**
 * Who signed a request: the access key id and the SigV4 credential scope. AWS's access key
 * ids carry the account they belong to, so the stand-in's do too: the SSM simulator answers
 * a call as the account whose key signed it, without asking the stand-in.
 */

/** AWS's prefixes: AKIA for an IAM user's long-term keys, ASIA for STS's temporary ones. */
export const LONG_TERM_KEY_PREFIX = 'AKIA';
export const TEMPORARY_KEY_PREFIX = 'ASIA';

/** Base32 (RFC 4648): the 16 characters after the prefix, 80 bits. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const KEY_FORM = /^(AKIA|ASIA)[A-Z2-7]{16}$/;
const ACCOUNT_FORM = /^\d{12}$/;

/** Bits 79..32 of the key hold a flag bit, the 40-bit account and 7 bits of the serial. */
const ACCOUNT_MASK = 0x7fffffffff80n;
const FLAG_BIT = 1n << 47n;
/** The serial has 39 bits: 7 beside the account, 32 below. */
const MAX_SERIAL = (1n << 39n) - 1n;

/**
 * An access key id for `account`, laid out as AWS's are (the account shifted by 7 bits in the
 * first 48 of the 80 bits after the prefix, as published decodings of real keys show:
 * ASIAY34FZKBOKMUTVV7A belongs to 609629065308). `serial` tells one account's keys apart.
 */
export function accessKeyIdOf(account: string, serial: number, prefix: string = TEMPORARY_KEY_PREFIX): string {
  if (!ACCOUNT_FORM.test(account)) throw new RangeError(`accessKeyIdOf: ${account} is not a 12-digit account id`);
  const s = BigInt(serial);
  if (!Number.isSafeInteger(serial) || s < 0n || s > MAX_SERIAL) throw new RangeError(`accessKeyIdOf: serial ${serial} is out of range`);
  const high = FLAG_BIT | (BigInt(account) << 7n) | (s >> 32n);
  let bits = (high << 32n) | (s & 0xffffffffn);
  let encoded = '';
  for (let i = 0; i < 16; i++) {
    encoded = BASE32.charAt(Number(bits & 31n)) + encoded;
    bits >>= 5n;
  }
  return prefix + encoded;
}

/** The account an access key id belongs to; undefined for anything not shaped as AWS's keys are. */
export function accountOfAccessKeyId(accessKeyId: string): string | undefined {
  if (!KEY_FORM.test(accessKeyId)) return undefined;
  let bits = 0n;
  for (const char of accessKeyId.slice(4)) bits = (bits << 5n) | BigInt(BASE32.indexOf(char));
  const account = ((bits >> 32n) & ACCOUNT_MASK) >> 7n;
  return account < 1_000_000_000_000n ? account.toString().padStart(12, '0') : undefined;
}

/** What a SigV4 signature says about its signer: `Credential=AKID/date/region/service/aws4_request`. */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** The credential scope of an `Authorization: AWS4-HMAC-SHA256 ...` header; undefined when unsigned or otherwise signed. */
export function credentialScopeOf(authorization: string | undefined): CredentialScope | undefined {
  if (authorization === undefined || !authorization.startsWith('AWS4-HMAC-SHA256')) return undefined;
  const match = CREDENTIAL.exec(authorization);
  if (match === null) return undefined;
  const [, accessKeyId = '', date = '', region = '', service = ''] = match;
  return { accessKeyId, date, region, service };
}
