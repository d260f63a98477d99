import { ForbiddenException, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import type { RequestStatus } from './entities/request.entity';
import type { RequestView } from './dto/request-response.dto';

/**
 * Who may read or change one request, beyond what the guard decided for the route: admin keys
 * and the open API may touch any request; an operator key only its own (deny by default).
 */
@Injectable()
export class RequestAccess {
  /**
   * Whether the caller may read the request (GET /requests/{id}, its events). The one place that
   * says which requests are an operator's to read: those assigned to it now, and the one it has
   * a pending offer for (it must see what it is asked to take).
   */
  canSee(principal: Principal, request: RequestView): boolean {
    switch (principal.kind) {
      case 'admin':
      case 'anonymous':
        return true;
      case 'operator':
        return (
          request.operatorId === principal.operatorId ||
          request.pendingOffer?.operatorId === principal.operatorId
        );
      case 'intake':
        return false;
    }
  }

  /** 403 naming why, when the caller may not read the request. */
  assertCanSee(principal: Principal, request: RequestView): void {
    if (this.canSee(principal, request)) return;
    throw new ForbiddenException(this.notYours(principal, request));
  }

  /**
   * PATCH /requests/{id}/status: an operator key may close its own request (closing it again is
   * the same no-op it is for an admin), and nothing else. Call with the request locked, so it
   * cannot change hands between this check and the close.
   */
  assertMayChangeStatus(principal: Principal, request: RequestView, status: RequestStatus): void {
    if (principal.kind === 'admin' || principal.kind === 'anonymous') return;
    if (principal.kind === 'operator' && status !== 'closed') {
      throw new ForbiddenException(
        'an operator key may only close requests (status closed), not reopen them',
      );
    }
    if (principal.kind !== 'operator' || request.operatorId !== principal.operatorId) {
      throw new ForbiddenException(
        `request ${request.id} is not assigned to ${this.caller(principal)}; ` +
          'an operator key may only close its own requests',
      );
    }
  }

  private notYours(principal: Principal, request: RequestView): string {
    return `request ${request.id} is neither assigned nor offered to ${this.caller(principal)}`;
  }

  private caller(principal: Principal): string {
    return principal.kind === 'operator' ? `operator ${principal.operatorId}` : 'this key';
  }
}
