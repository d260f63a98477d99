import fc from 'fast-check';
import { canonicalJson, hashBody } from './body-hash';

describe(hashBody.name, () => {
  it('ignores key order, at every level', () => {
    expect(hashBody({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      hashBody({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(canonicalJson({ b: 1, a: [{ z: 1, y: 2 }] })).toBe('{"a":[{"y":2,"z":1}],"b":1}');
  });

  it('tells different bodies apart', () => {
    const base = { lead_external_id: 'c-1', source_id: 1, message: 'hi' };
    expect(hashBody(base)).not.toBe(hashBody({ ...base, source_id: 2 }));
    expect(hashBody(base)).not.toBe(hashBody({ ...base, message: 'hi ' }));
    expect(hashBody(base)).not.toBe(hashBody({ ...base, extra: null }));
    expect(hashBody({ source_id: 1 })).not.toBe(hashBody({ source_id: '1' }));
    expect(hashBody([1, 2])).not.toBe(hashBody([2, 1]));
  });

  it('is a hex SHA-256 and stable for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const hash = hashBody(value);
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(hashBody(JSON.parse(JSON.stringify(value)))).toBe(hash);
      }),
    );
  });
});
