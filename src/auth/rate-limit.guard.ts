import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { principalOf } from './principal';

/**
 * RATE_LIMIT_PER_MINUTE per API key, or per client IP for anonymous callers (TRUST_PROXY decides
 * which IP that is). Runs after ApiKeyGuard, so the caller is known. Counters live in memory:
 * with several instances the limit applies per instance.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = principalOf(request as unknown as Request);
    const ip = (request as unknown as Request).ip ?? 'unknown';
    return Promise.resolve(principal.kind === 'anonymous' ? `ip:${ip}` : principal.id);
  }

  /** One budget per caller across all routes (the default keeps one per route). */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override throwThrottlingException(_context: ExecutionContext): Promise<void> {
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: 'rate limit exceeded; retry after the number of seconds in Retry-After',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
