import type { LookupAddress } from 'node:dns';
import {
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
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd00:ec2::254', 'unique local (incl. metadata fd00:ec2::254)'],
    ['fc00::1', 'unique local (incl. metadata fd00:ec2::254)'],
    ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local (cloud metadata)'],
    ['64:ff9b::7f00:1', 'NAT64 (an embedded IPv4 address)'],
    ['64:ff9b::127.0.0.1', 'NAT64 (an embedded IPv4 address)'],
    ['64:ff9b::8.8.8.8', 'NAT64 (an embedded IPv4 address)'],
    ['64:ff9b:1::7f00:1', 'local-use NAT64'],
    ['64:ff9b:1:7f00:1::', 'local-use NAT64'],
    ['::127.0.0.1', 'IPv4-compatible form of a loopback'],
    ['::7f00:1', 'IPv4-compatible form of a loopback'],
    ['::a00:1', 'IPv4-compatible form of a private'],
    ['::a9fe:a9fe', 'IPv4-compatible form of a link-local (cloud metadata)'],
    ['::ffff:0:7f00:1', 'IPv4-translated form of a loopback'],
    ['2002:7f00:1::', '6to4 form of a loopback'],
    ['2002:7f00:1:0:0:0:0:1', '6to4 form of a loopback'],
    ['2002:a00:1::1', '6to4 form of a private'],
    ['2002:c0a8:101::', '6to4 form of a private'],
    ['2002:a9fe:a9fe::1', '6to4 form of a link-local (cloud metadata)'],
    ['[fe80::1%eth0]', 'link-local'],
  ])('refuses %s (%s)', (ip, why) => {
    expect(blockedReason(ip)).toBe(why);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '1.1.1.1',
    // 6to4 of a public address is public.
    '2002:808:808::1',
  ])('allows the public address %s', (ip) => {
    expect(blockedReason(ip)).toBeNull();
  });

  it('is not fooled by what is not an address', () => {
    expect(blockedReason('example.com')).toBe('not an IP address');
    expect(blockedReason('')).toBe('not an IP address');
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
    ['http://[::127.0.0.1]/hook', /IPv4-compatible form of a loopback/],
    ['http://[::7f00:1]/hook', /IPv4-compatible form of a loopback/],
    ['http://[64:ff9b::127.0.0.1]/hook', /NAT64/],
    ['http://[64:ff9b:1::7f00:1]/hook', /local-use NAT64/],
    ['http://[2002:7f00:1::]/hook', /6to4 form of a loopback/],
    ['http://[2002:a9fe:a9fe::]/latest/meta-data', /6to4 form of a link-local \(cloud metadata\)/],
    ['https://user:pass@example.com/', /credentials/],
  ])('refuses %s', (url, why) => {
    expect(refusedUrl(url, false)).toMatch(why);
  });

  it('allows public http(s) URLs, and private ones only when told to', () => {
    expect(refusedUrl('https://crm.example.com/hooks', false)).toBeNull();
    expect(refusedUrl('http://127.0.0.1:8080/hook', true)).toBeNull();
    expect(refusedUrl('http://[::127.0.0.1]/hook', true)).toBeNull();
    expect(refusedUrl('http://[64:ff9b:1::7f00:1]/hook', true)).toBeNull();
    expect(refusedUrl('http://[2002:7f00:1::]/hook', true)).toBeNull();
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

  it.each([
    ['::7f00:1', /IPv4-compatible form of a loopback/],
    ['64:ff9b:1::a00:1', /local-use NAT64/],
    ['2002:a00:1::1', /6to4 form of a private/],
  ])('refuses a name that resolves to %s', async (address, why) => {
    const { error } = await lookupWith(resolvingTo(address));
    expect(error).toBeInstanceOf(BlockedTargetError);
    expect(error?.message).toMatch(why);
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
