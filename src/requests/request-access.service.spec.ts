import { ForbiddenException } from '@nestjs/common';
import { ANONYMOUS, type Principal } from '../auth/principal';
import type { RequestView } from './dto/request-response.dto';
import { RequestAccess } from './request-access.service';

const admin: Principal = { kind: 'admin', id: 'admin:abc' };
const intake: Principal = { kind: 'intake', id: 'intake:1', keyId: 1, sourceId: 1 };
const operator = (operatorId: number): Principal => ({
  kind: 'operator',
  id: `operator-key:${operatorId}`,
  keyId: operatorId,
  operatorId,
});
const request = (operatorId: number | null) => ({ id: 5, operatorId }) as RequestView;

describe(RequestAccess.name, () => {
  const sut = new RequestAccess();

  it.each([
    ['admin', admin, request(2), true],
    ['the open API', ANONYMOUS, request(2), true],
    ['its operator', operator(2), request(2), true],
    ['another operator', operator(3), request(2), false],
    ['an operator, a waiting request', operator(2), request(null), false],
    ['an intake key', intake, request(2), false],
  ])('canSee: %s → %p', async (_name, principal, view, expected) => {
    await expect(sut.canSee(principal, view)).resolves.toBe(expected);
  });

  it('says why an operator may not see a request', async () => {
    await expect(sut.assertCanSee(operator(3), request(2))).rejects.toThrow(
      new ForbiddenException('request 5 is not assigned to operator 3'),
    );
  });

  it.each([
    ['admin closes', admin, request(2), 'closed', null],
    ['admin reopens', admin, request(2), 'active', null],
    ['its operator closes', operator(2), request(2), 'closed', null],
    ['its operator reopens', operator(2), request(2), 'active', 'not reopen them'],
    ['another operator closes', operator(3), request(2), 'closed', 'not assigned to operator 3'],
    ['an operator closes a waiting one', operator(2), request(null), 'closed', 'not assigned'],
    ['an intake key closes', intake, request(2), 'closed', 'its own requests'],
  ] as const)('assertMayChangeStatus: %s', (_name, principal, view, status, refusal) => {
    const check = () => sut.assertMayChangeStatus(principal, view, status);
    if (refusal === null) expect(check).not.toThrow();
    else expect(check).toThrow(refusal);
  });
});
