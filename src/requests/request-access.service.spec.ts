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
const request = (operatorId: number | null, offeredTo: number | null = null) =>
  ({
    id: 5,
    operatorId,
    pendingOffer:
      offeredTo === null ? null : { id: 7, operatorId: offeredTo, expiresAt: new Date() },
  }) as RequestView;

describe(RequestAccess.name, () => {
  const sut = new RequestAccess();

  it.each([
    ['admin', admin, request(2), true],
    ['the open API', ANONYMOUS, request(2), true],
    ['its operator', operator(2), request(2), true],
    ['another operator', operator(3), request(2), false],
    ['an operator, a waiting request', operator(2), request(null), false],
    ['an operator, a request offered to it', operator(2), request(null, 2), true],
    ['an operator, a request offered to another', operator(2), request(null, 3), false],
    ['an intake key', intake, request(2), false],
  ])('canSee: %s → %p', (_name, principal, view, expected) => {
    expect(sut.canSee(principal, view)).toBe(expected);
  });

  it('says why an operator may not see a request', () => {
    expect(() => sut.assertCanSee(operator(3), request(2))).toThrow(
      new ForbiddenException('request 5 is neither assigned nor offered to operator 3'),
    );
  });

  it.each([
    ['admin closes', admin, request(2), 'closed', null],
    ['admin reopens', admin, request(2), 'active', null],
    ['its operator closes', operator(2), request(2), 'closed', null],
    ['its operator reopens', operator(2), request(2), 'active', 'not reopen them'],
    ['another operator closes', operator(3), request(2), 'closed', 'not assigned to operator 3'],
    ['an operator closes a waiting one', operator(2), request(null), 'closed', 'not assigned'],
    [
      'an operator closes one offered to it',
      operator(2),
      request(null, 2),
      'closed',
      'not assigned',
    ],
    ['an intake key closes', intake, request(2), 'closed', 'its own requests'],
  ] as const)('assertMayChangeStatus: %s', (_name, principal, view, status, refusal) => {
    const check = () => sut.assertMayChangeStatus(principal, view, status);
    if (refusal === null) expect(check).not.toThrow();
    else expect(check).toThrow(refusal);
  });
});
