import {
  AdminKeys,
  digestsEqual,
  generateApiKey,
  hashApiKey,
  INTAKE_KEY_PREFIX,
  OPERATOR_KEY_PREFIX,
  presentedKey,
} from './api-keys';

describe('api keys', () => {
  it('generates distinct, prefixed keys with 256 bits of randomness', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) {
      expect(key.startsWith(INTAKE_KEY_PREFIX)).toBe(true);
      expect(Buffer.from(key.slice(INTAKE_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    }
  });

  it('gives operator keys their own prefix, which no intake key has', () => {
    const key = generateApiKey(OPERATOR_KEY_PREFIX);
    expect(key).toMatch(/^ldo_[A-Za-z0-9_-]{43}$/);
    // The guard tells the two kinds apart by prefix alone, before any lookup.
    expect(OPERATOR_KEY_PREFIX.startsWith(INTAKE_KEY_PREFIX)).toBe(false);
    expect(INTAKE_KEY_PREFIX.startsWith(OPERATOR_KEY_PREFIX)).toBe(false);
  });

  it('hashes with SHA-256 (hex), deterministically', () => {
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hashApiKey('abc')).toBe(hashApiKey('abc'));
    expect(hashApiKey('abd')).not.toBe(hashApiKey('abc'));
  });

  it('compares digests: equal only when every byte is', () => {
    const digest = hashApiKey('key-1');
    expect(digestsEqual(digest, hashApiKey('key-1'))).toBe(true);
    expect(digestsEqual(digest, hashApiKey('key-2'))).toBe(false);
    expect(digestsEqual(digest, digest.slice(0, 62))).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });

  describe(AdminKeys.name, () => {
    const sut = new AdminKeys(['first-admin-key-0000', 'second-admin-key-000']);

    it('finds which configured key was presented', () => {
      expect(sut.enabled).toBe(true);
      expect(sut.match(hashApiKey('first-admin-key-0000'))).toBe(0);
      expect(sut.match(hashApiKey('second-admin-key-000'))).toBe(1);
      expect(sut.match(hashApiKey('second-admin-key-00'))).toBe(-1);
      expect(sut.match(hashApiKey(''))).toBe(-1);
    });

    it('is disabled without keys', () => {
      expect(new AdminKeys([]).enabled).toBe(false);
      expect(new AdminKeys([]).match(hashApiKey('anything'))).toBe(-1);
    });
  });

  describe(presentedKey.name, () => {
    it.each([
      [{ authorization: 'Bearer abc' }, 'abc'],
      [{ authorization: 'bearer   abc ' }, 'abc'],
      [{ 'x-api-key': 'xyz' }, 'xyz'],
      [{ 'x-api-key': 'xyz', authorization: 'Bearer abc' }, 'xyz'],
      [{ authorization: 'Basic abc' }, undefined],
      [{ authorization: 'Bearer' }, undefined],
      [{ authorization: 'Bearer a b' }, undefined],
      [{ 'x-api-key': '' }, undefined],
      [{}, undefined],
    ])('%p → %p', (headers, expected) => {
      expect(presentedKey(headers)).toBe(expected);
    });
  });
});
