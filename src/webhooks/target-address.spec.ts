import type { LookupAddress } from 'node:dns';
import {
  addressBytes,
  blockedReason,
  BlockedTargetError,
  refusedName,
  refusedUrl,
  safeLookup,
} from './target-address';

describe(blockedReason.name, () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'unspecified or loopback'],
    ['::', 'unspecified or loopback'],
    ['fd00:ec2::254', 'unique local (incl. metadata fd00:ec2::254)'],
    ['fc00::1', 'unique local (incl. metadata fd00:ec2::254)'],
    ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local (cloud metadata)'],
    ['64:ff9b::7f00:1', 'NAT64 (an embedded IPv4 address)'],
  ])('refuses %s (%s)', (ip, why) => {
    expect(blockedReason(ip)).toBe(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '1.1.1.1'])(
    'allows the public address %s',
    (ip) => {
      expect(blockedReason(ip)).toBeNull();
    },
  );

  it('parses IPv6 forms to 16 bytes', () => {
    expect(addressBytes('::1')).toEqual([...Array<number>(15).fill(0), 1]);
    expect(addressBytes('1.2.3.4')?.slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(addressBytes('[fe80::1%eth0]')?.slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(addressBytes('example.com')).toBeUndefined();
  });
});

describe(refusedUrl.name, () => {
  it.each([
    ['ftp://example.com/x', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['http://127.0.0.1:8080/hook', /loopback/],
    ['http://localhost/hook', /loopback/],
    ['http://api.localhost/hook', /loopback/],
    ['http://[::1]/hook', /loopback/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://169.254.169.254/latest/meta-data', /metadata/],
    ['http://[fd00:ec2::254]/', /metadata/],
    ['http://10.0.0.5/', /private/],
    ['https://user:pass@example.com/', /credentials/],
  ])('refuses %s', (url, why) => {
    expect(refusedUrl(url, false)).toMatch(why);
  });

  it('allows public http(s) URLs, and private ones only when told to', () => {
    expect(refusedUrl('https://crm.example.com/hooks', false)).toBeNull();
    expect(refusedUrl('http://127.0.0.1:8080/hook', true)).toBeNull();
    expect(refusedUrl('ftp://127.0.0.1/', true)).toMatch(/http or https/);
  });
});

type Resolve = Parameters<typeof safeLookup>[0];
const resolvingTo =
  (...addresses: string[]): NonNullable<Resolve> =>
  (_host, callback) =>
    callback(
      null,
      addresses.map((address): LookupAddress => ({
        address,
        family: address.includes(':') ? 6 : 4,
      })),
    );

function lookupWith(
  resolve: NonNullable<Resolve>,
  options: { all?: boolean; family?: number } = {},
) {
  return new Promise<{ error: Error | null; address: unknown; family?: number }>((done) =>
    safeLookup(resolve)('hooks.example.com', options, (error, address, family) =>
      done({ error, address, family }),
    ),
  );
}

describe(safeLookup.name, () => {
  it('refuses a name that resolves to loopback (DNS rebinding included)', async () => {
    const { error } = await lookupWith(resolvingTo('127.0.0.1'));
    expect(error).toBeInstanceOf(BlockedTargetError);
    expect(error?.message).toMatch(/loopback/);
  });

  it('refuses a name when any of its addresses is private', async () => {
    const { error } = await lookupWith(resolvingTo('93.184.216.34', '10.0.0.7'));
    expect(error?.message).toMatch(/private/);
  });

  it('hands the connection the address it checked (pinned)', async () => {
    expect(await lookupWith(resolvingTo('93.184.216.34'))).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    const all = await lookupWith(resolvingTo('2606:4700::1111', '93.184.216.34'), { all: true });
    expect(all.address).toEqual([{ address: '2606:4700::1111', family: 6 }]);
  });

  it('passes resolution errors on', async () => {
    const failing: NonNullable<Resolve> = (_host, callback) =>
      callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    expect((await lookupWith(failing)).error?.message).toBe('ENOTFOUND');
  });
});

describe(refusedName.name, () => {
  it('refuses at creation a name that resolves to a metadata address now', async () => {
    await expect(
      refusedName('https://hooks.example.com/x', resolvingTo('169.254.169.254')),
    ).resolves.toMatch(/metadata/);
  });

  it('accepts a public name, and a name that does not resolve (checked again at send time)', async () => {
    await expect(
      refusedName('https://hooks.example.com/x', resolvingTo('93.184.216.34')),
    ).resolves.toBeNull();
    await expect(
      refusedName('https://hooks.example.com/x', (_h, cb) => cb(new Error('ENOTFOUND'), [])),
    ).resolves.toBeNull();
  });
});
