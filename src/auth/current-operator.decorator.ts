import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf } from './principal';

/**
 * The calling operator's id, on routes marked @OperatorOnly() (the guard has already refused
 * any other caller; this only keeps a route that forgot the mark from running without one).
 */
export const CurrentOperatorId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number => {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (principal.kind !== 'operator') {
      throw new UnauthorizedException('this route needs an operator key');
    }
    return principal.operatorId;
  },
);
