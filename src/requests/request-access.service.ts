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
   * says which requests are an operator's: those assigned to it now.
   * TODO(offers): "or offered to it", a pending offer of this request to principal.operatorId.
   */
  // Async already: the offers check (TODO above) reads the database.
  // eslint-disable-next-line @typescript-eslint/require-await
  async canSee(principal: Principal, request: RequestView): Promise<boolean> {
    switch (principal.kind) {
      case 'admin':
      case 'anonymous':
        return true;
      case 'operator':
        return request.operatorId === principal.operatorId;
      case 'intake':
        return false;
    }
  }

  /** 403 naming why, when the caller may not read the request. */
  async assertCanSee(principal: Principal, request: RequestView): Promise<void> {
    if (await this.canSee(principal, request)) return;
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
        `${this.notYours(principal, request)}; an operator key may only close its own requests`,
      );
    }
  }

  private notYours(principal: Principal, request: RequestView): string {
    return principal.kind === 'operator'
      ? `request ${request.id} is not assigned to operator ${principal.operatorId}`
      : `request ${request.id} is not this key's`;
  }
}
