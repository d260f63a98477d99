import { inspect } from 'node:util';
import { AppConfig } from './app-config';

describe(AppConfig.name, () => {
  it('has the documented defaults', () => {
    const sut = AppConfig.fromEnv({});
    expect(sut).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      SQLITE_PATH: 'data/crm.sqlite',
      SQLITE_SYNCHRONOUS: 'full',
      SQLITE_TRANSACTION_TIMEOUT_MS: 30000,
      DATABASE_URL: undefined,
      DISTRIBUTION_STRATEGY: 'weighted-random',
      LOG_LEVEL: 'info',
      BODY_LIMIT: '100kb',
      NODE_ENV: 'development',
      ADMIN_API_KEYS: undefined,
      METRICS_TOKEN: undefined,
      IDEMPOTENCY_TTL_HOURS: 24,
      RATE_LIMIT_PER_MINUTE: 0,
      CORS_ORIGINS: undefined,
      TRUST_PROXY: undefined,
    });
    expect(sut.usesPostgres).toBe(false);
    expect(sut.adminApiKeys).toEqual([]);
    expect(sut.corsOrigins).toBeUndefined();
    expect(sut.trustProxy).toBe(false);
  });

  it('reads and converts given values, ignoring empty ones', () => {
    const sut = AppConfig.fromEnv({
      PORT: '8080',
      SQLITE_PATH: '',
      DATABASE_URL: 'postgres://u@localhost:5432/db',
      DATABASE_POOL_SIZE: '20',
    });
    expect(sut).toMatchObject({
      PORT: 8080,
      SQLITE_PATH: 'data/crm.sqlite',
      DATABASE_POOL_SIZE: 20,
    });
    expect(sut.usesPostgres).toBe(true);
  });

  it('reads the security and operations variables', () => {
    const sut = AppConfig.fromEnv({
      ADMIN_API_KEYS: ' first-admin-key-0001 ,second-admin-key-002 ',
      CORS_ORIGINS: 'https://a.example, https://b.example:8443',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '600',
      IDEMPOTENCY_TTL_HOURS: '48',
      NODE_ENV: 'production',
    });
    expect(sut.adminApiKeys).toEqual(['first-admin-key-0001', 'second-admin-key-002']);
    expect(sut.corsOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(sut.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(sut).toMatchObject({ RATE_LIMIT_PER_MINUTE: 600, IDEMPOTENCY_TTL_HOURS: 48 });
    expect(sut.isProduction).toBe(true);
    expect(AppConfig.fromEnv({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(AppConfig.fromEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(AppConfig.fromEnv({ CORS_ORIGINS: '*' }).corsOrigins).toBeUndefined();
  });

  it.each([
    ['ADMIN_API_KEYS', 'short'],
    ['ADMIN_API_KEYS', 'a-long-enough-key-1,,x'],
    ['METRICS_TOKEN', 'short'],
    ['IDEMPOTENCY_TTL_HOURS', '0'],
    ['RATE_LIMIT_PER_MINUTE', '-1'],
    ['CORS_ORIGINS', 'crm.example.com'],
    ['TRUST_PROXY', 'yes!'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_CONNECT_TIMEOUT_MS', '50'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT', 'huge'],
    ['DISTRIBUTION_STRATEGY', 'fastest-first'],
    ['SQLITE_SYNCHRONOUS', 'off'],
    ['SQLITE_SYNCHRONOUS', 'extra'],
    ['SQLITE_TRANSACTION_TIMEOUT_MS', '0'],
  ])('refuses %s=%p with one line naming the variable', (name, value) => {
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name} `),
    );
  });

  it.each(['maybe', 'yes', '10.0.0.0/33', '10.0.0.1,not-an-ip', 'loopback;rm'])(
    'refuses TRUST_PROXY=%s in one line naming it',
    (value) => {
      expect(() => AppConfig.fromEnv({ TRUST_PROXY: value })).toThrow(
        /^Invalid configuration: TRUST_PROXY must be/,
      );
    },
  );

  it.each([
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['192.168.0.1/255.255.255.0,::1', ['192.168.0.1/255.255.255.0', '::1']],
  ])('accepts TRUST_PROXY=%s', (value, expected) => {
    expect(AppConfig.fromEnv({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('refuses WEBHOOK_BACKOFF_BASE_MS above WEBHOOK_BACKOFF_MAX_MS in one line naming both', () => {
    expect(() =>
      AppConfig.fromEnv({ WEBHOOK_BACKOFF_BASE_MS: '5000', WEBHOOK_BACKOFF_MAX_MS: '1000' }),
    ).toThrow(
      /^Invalid configuration: WEBHOOK_BACKOFF_BASE_MS \(5000\) must not be greater than WEBHOOK_BACKOFF_MAX_MS \(1000\)$/,
    );
    expect(
      AppConfig.fromEnv({ WEBHOOK_BACKOFF_BASE_MS: '1000', WEBHOOK_BACKOFF_MAX_MS: '1000' })
        .WEBHOOK_BACKOFF_BASE_MS,
    ).toBe(1000);
  });

  it('never prints its secrets: JSON and util.inspect show them redacted', () => {
    const secrets = {
      DATABASE_URL: 'postgres://crm:hunter2-password@db:5432/crm',
      ADMIN_API_KEYS: 'admin-key-0123456789abcdef',
      METRICS_TOKEN: 'metrics-token-0123456789',
    };
    const config = AppConfig.fromEnv({ ...secrets, PORT: '4000' });
    expect(config.DATABASE_URL).toBe(secrets.DATABASE_URL);
    for (const printed of [JSON.stringify(config), inspect(config, { depth: 5 })]) {
      for (const secret of Object.values(secrets)) expect(printed).not.toContain(secret);
      expect(printed).toContain('4000');
      expect(printed).toContain('[redacted]');
    }
  });
});
