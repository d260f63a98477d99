import type { Test } from 'supertest';
import type { ConflictCode } from '../../src/common/conflict';

/** The call answers 409 with this code (and a message); returns the response. */
export async function expectConflict(call: Test, code: ConflictCode) {
  const response = await call.expect(409);
  expect(response.body).toMatchObject({ statusCode: 409, error: 'Conflict', code });
  expect(typeof response.body.message).toBe('string');
  return response;
}
