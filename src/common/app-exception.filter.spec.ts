import { ArgumentsHost, HttpStatus, Logger, NotFoundException } from '@nestjs/common';
import { AppExceptionFilter } from './app-exception.filter';

function hostFor(request: object) {
  const replies: Array<{ body: unknown; status: number }> = [];
  const adapter = {
    isHeadersSent: () => false,
    reply: (_response: unknown, body: unknown, status: number) => replies.push({ body, status }),
    end: () => undefined,
  };
  const host = {
    getArgByIndex: (index: number) => (index === 0 ? request : {}),
    getType: () => 'http',
  } as unknown as ArgumentsHost;
  return { adapter, host, replies };
}

describe(AppExceptionFilter.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers an unexpected error with a generic 500 and logs it with the request id', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { adapter, host, replies } = hostFor({ id: 'req-42', method: 'GET', originalUrl: '/x' });
    const sut = new AppExceptionFilter(adapter as never);

    sut.catch(new Error('driver exploded'), host);

    expect(replies).toEqual([
      {
        status: HttpStatus.INTERNAL_SERVER_ERROR,
        body: { statusCode: 500, message: 'Internal server error' },
      },
    ]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][0]).toMatchObject({
      msg: 'driver exploded',
      req: { id: 'req-42', method: 'GET', url: '/x' },
      err: expect.any(Error),
    });
  });

  it("answers PostgreSQL's pool running dry with 503 and Retry-After, not a 500", () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const headers = new Map<string, string>();
    const response = { setHeader: (name: string, value: string) => headers.set(name, value) };
    const { adapter, host, replies } = hostFor({ id: 'req-44' });
    const withResponse = {
      ...host,
      getArgByIndex: (index: number) => (index === 1 ? response : host.getArgByIndex(index)),
    } as ArgumentsHost;
    const sut = new AppExceptionFilter(adapter as never);

    sut.catch(new Error('timeout exceeded when trying to connect'), withResponse);

    expect(replies).toHaveLength(1);
    expect(replies[0].status).toBe(503);
    expect(headers.get('Retry-After')).toBe('1');
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['GET', 'ask for less', undefined],
    ['POST', 'nothing was written; retry', '1'],
    ['PATCH', 'nothing was written; retry', '1'],
  ])(
    'answers a %s cancelled by the statement timeout with 503 naming its remedy',
    (method, remedy, retryAfter) => {
      const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const headers = new Map<string, string>();
      const response = { setHeader: (name: string, value: string) => headers.set(name, value) };
      const { adapter, host, replies } = hostFor({ id: 'req-45', method });
      const withResponse = {
        ...host,
        getArgByIndex: (index: number) => (index === 1 ? response : host.getArgByIndex(index)),
      } as ArgumentsHost;
      const sut = new AppExceptionFilter(adapter as never);

      sut.catch(
        Object.assign(new Error('canceling statement due to statement timeout'), {
          code: '57014',
        }),
        withResponse,
      );

      expect(replies).toHaveLength(1);
      expect(replies[0].status).toBe(503);
      expect(JSON.stringify(replies[0].body)).toContain('DATABASE_STATEMENT_TIMEOUT_MS');
      expect(JSON.stringify(replies[0].body)).toContain(remedy);
      expect(headers.get('Retry-After')).toBe(retryAfter);
      expect(error).not.toHaveBeenCalled();
    },
  );

  it('answers a full disk with 503 and Retry-After, and one error line for the operator', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const headers = new Map<string, string>();
    const response = { setHeader: (name: string, value: string) => headers.set(name, value) };
    const { adapter, host, replies } = hostFor({ id: 'req-46', method: 'POST' });
    const withResponse = {
      ...host,
      getArgByIndex: (index: number) => (index === 1 ? response : host.getArgByIndex(index)),
    } as ArgumentsHost;
    const sut = new AppExceptionFilter(adapter as never);

    sut.catch(
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      withResponse,
    );

    expect(replies).toHaveLength(1);
    expect(replies[0].status).toBe(503);
    expect(JSON.stringify(replies[0].body)).toContain("the database's disk is full");
    expect(headers.get('Retry-After')).toBe('60');
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('database or disk is full');
  });

  it('leaves HTTP exceptions to Nest, unlogged', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { adapter, host, replies } = hostFor({ id: 'req-43' });
    const sut = new AppExceptionFilter(adapter as never);

    sut.catch(new NotFoundException('source 9 not found'), host);

    expect(replies).toHaveLength(1);
    expect(replies[0].status).toBe(404);
    expect(error).not.toHaveBeenCalled();
  });
});
