import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { IS_PUBLIC } from './public.decorator';

const WINDOW_MS = 60_000;
/** Above this many tracked addresses, expired windows are swept on the next failure. */
const SWEEP_ABOVE = 10_000;

interface Window {
  failures: number;
  endsAt: number;
}

/**
 * Failed authentications per client IP (OWASP API4): after AUTH_FAILURES_PER_MINUTE 401s within a
 * minute, the address gets 429 until that minute is over, before any key is looked at (an
 * intake key costs a database read). In memory, per instance, like the rate limit.
 */
@Injectable()
export class FailedAuthLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;

  constructor(config: AppConfig) {
    this.limit = config.AUTH_FAILURES_PER_MINUTE;
  }

  /** Seconds until `ip` may try again; 0 when it may try now. */
  retryAfter(ip: string, now = Date.now()): number {
    const window = this.windows.get(ip);
    if (this.limit === 0 || !window || window.endsAt <= now) return 0;
    return window.failures >= this.limit ? Math.ceil((window.endsAt - now) / 1000) : 0;
  }

  recordFailure(ip: string, now = Date.now()): void {
    if (this.limit === 0) return;
    if (this.windows.size > SWEEP_ABOVE) {
      for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    }
    const window = this.windows.get(ip);
    if (!window || window.endsAt <= now) {
      this.windows.set(ip, { failures: 1, endsAt: now + WINDOW_MS });
    } else {
      window.failures += 1;
    }
  }
}

/** Runs before ApiKeyGuard: an address with too many recent failures is refused unread. */
@Injectable()
export class FailedAuthGuard implements CanActivate {
  constructor(
    private readonly limiter: FailedAuthLimiter,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const retryAfter = this.limiter.retryAfter(clientIp(http.getRequest<Request>()));
    if (retryAfter === 0) return true;
    http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `too many failed authentications from this address; retry after ${retryAfter} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

export const clientIp = (request: Request): string => request.ip ?? 'unknown';
