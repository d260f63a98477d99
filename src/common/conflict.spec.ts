import { ArgumentsHost } from '@nestjs/common';
import { AppExceptionFilter } from './app-exception.filter';
import { CONFLICT_CODES, ConflictError, conflictResponse, type ConflictCode } from './conflict';

describe('conflict codes', () => {
  it.each(CONFLICT_CODES.map((code) => [code]))('%s has a response: 409', (code) => {
    expect(conflictResponse(code).status).toBe(409);
  });

  it('says which are worth sending again as they are: a lost race, a key in flight', () => {
    const retry = CONFLICT_CODES.filter((code) => conflictResponse(code).retry);
    expect(retry).toEqual(['CHANGED_MEANWHILE', 'IDEMPOTENCY_CONTENDED']);
  });

  it('refuses a code it does not know (a cast around the type)', () => {
    expect(() => conflictResponse('SOMETHING_ELSE' as ConflictCode)).toThrow('has no response');
  });

  it.each(CONFLICT_CODES.map((code) => [code]))(
    'the exception filter answers a ConflictError %s with its code and message',
    (code) => {
      const replies: Array<{ body: unknown; status: number }> = [];
      const adapter = {
        isHeadersSent: () => false,
        reply: (_response: unknown, body: unknown, status: number) =>
          replies.push({ body, status }),
        end: () => undefined,
      };
      const host = {
        getArgByIndex: (index: number) => (index === 0 ? { id: 'r' } : {}),
        getArgs: () => [{}, {}],
        getType: () => 'http',
      } as unknown as ArgumentsHost;
      new AppExceptionFilter(adapter as never).catch(new ConflictError(code, 'no'), host);
      expect(replies).toEqual([
        { status: 409, body: { statusCode: 409, error: 'Conflict', message: 'no', code } },
      ]);
    },
  );
});
