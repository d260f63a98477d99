import { AppConfig } from './app-config';

describe(AppConfig.name, () => {
  it('has the documented defaults', () => {
    const sut = AppConfig.fromEnv({});
    expect(sut).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      SQLITE_PATH: 'data/crm.sqlite',
      DATABASE_URL: undefined,
      DISTRIBUTION_STRATEGY: 'weighted-random',
      LOG_LEVEL: 'info',
      BODY_LIMIT: '100kb',
    });
    expect(sut.usesPostgres).toBe(false);
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

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_POOL_SIZE', '0'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT', 'huge'],
    ['DISTRIBUTION_STRATEGY', 'fastest-first'],
  ])('refuses %s=%p with one line naming the variable', (name, value) => {
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name} `),
    );
  });
});
