import { accessKeyIdOf, accountOfAccessKeyId, credentialScopeOf } from '../../local/sts-stand-in';

describe('access key ids that carry their account', () => {
  it('decodes a real key as published decodings of AWS keys do', () => {
    // A key from public write-ups of AWS's key format, with the account it belongs to.
    expect(accountOfAccessKeyId('ASIAY34FZKBOKMUTVV7A')).toBe('609629065308');
  });

  it('round-trips every account, whatever the serial', () => {
    for (const account of ['000000000000', '000000000001', '123456789012', '200000000001', '999999999999']) {
      for (const serial of [0, 1, 0xffffffff, 2 ** 39 - 1]) {
        const key = accessKeyIdOf(account, serial);
        expect(key).toMatch(/^ASIA[A-Z2-7]{16}$/);
        expect(accountOfAccessKeyId(key)).toBe(account);
      }
    }
    expect(accessKeyIdOf('123456789012', 1)).not.toBe(accessKeyIdOf('123456789012', 2));
    expect(accessKeyIdOf('123456789012', 1, 'AKIA')).toMatch(/^AKIA/);
  });

  it('names no account for keys not shaped as AWS keys', () => {
    for (const key of ['x', '', 'ASIA', 'asiay34fzkbokmutvv7a', 'ASIAY34FZKBOKMUTVV7A0', 'ABIAY34FZKBOKMUTVV7A', 'ASIAY34FZKBOKMUTVV71']) {
      expect(accountOfAccessKeyId(key)).toBeUndefined();
    }
    expect(() => accessKeyIdOf('12345', 1)).toThrow(RangeError);
    expect(() => accessKeyIdOf('123456789012', 2 ** 39)).toThrow(RangeError);
  });

  it('reads the signer and the Region from a SigV4 Authorization header', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=ASIAY34FZKBOKMUTVV7A/20240603/eu-west-1/ssm/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc123';
    expect(credentialScopeOf(header)).toEqual({ accessKeyId: 'ASIAY34FZKBOKMUTVV7A', date: '20240603', region: 'eu-west-1', service: 'ssm' });
    expect(credentialScopeOf(undefined)).toBeUndefined();
    expect(credentialScopeOf('Bearer abc')).toBeUndefined();
  });
});
