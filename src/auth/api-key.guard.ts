import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpArgumentsHost } from '@nestjs/common/interfaces';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { FailedAuthLimiter, clientIp } from './failed-auth-limiter';
import { AdminKeys, digestsEqual, hashApiKey, INTAKE_KEY_PREFIX, presentedKey } from './api-keys';
import { ANONYMOUS, type RequestWithPrincipal } from './principal';
import { INTAKE_ALLOWED, IS_PUBLIC } from './public.decorator';
import { SourceApiKeysService } from './source-api-keys.service';

export const WWW_AUTHENTICATE = 'Bearer realm="lead-distribution-service"';

/**
 * Global and deny-by-default: with ADMIN_API_KEYS set, every route needs a key unless it is
 * marked @Public(). Admin keys may call everything; a source's intake key only the routes marked
 * @IntakeAllowed(), for its own source. Without ADMIN_API_KEYS the API is open (anonymous).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly adminKeys: AdminKeys;

  constructor(
    config: AppConfig,
    private readonly reflector: Reflector,
    private readonly intakeKeys: SourceApiKeysService,
    private readonly failures: FailedAuthLimiter,
  ) {
    this.adminKeys = new AdminKeys(config.adminApiKeys);
  }

  get enabled(): boolean {
    return this.adminKeys.enabled;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithPrincipal>();
    if (!this.adminKeys.enabled) {
      request.principal = ANONYMOUS;
      return true;
    }

    const key = presentedKey(request.headers);
    if (key === undefined) {
      this.unauthorized(http, 'an API key is required');
    }
    const digest = hashApiKey(key);
    const admin = this.adminKeys.match(digest);
    if (admin >= 0) {
      request.principal = { kind: 'admin', id: `admin:${digest.slice(0, 16)}` };
      return true;
    }

    const intake = key.startsWith(INTAKE_KEY_PREFIX)
      ? await this.intakeKeys.findActiveByHash(digest)
      : null;
    if (!intake || !digestsEqual(intake.keyHash, digest)) {
      this.unauthorized(http, 'invalid or revoked API key');
    }
    request.principal = {
      kind: 'intake',
      id: `intake:${intake.id}`,
      keyId: intake.id,
      sourceId: intake.sourceId,
    };
    // Which source the key may write to is the use case's check, on the validated body
    // (RequestsService.create); here only whether the route takes intake keys at all.
    const allowed = this.reflector.getAllAndOverride<boolean>(INTAKE_ALLOWED, targets);
    if (!allowed) {
      throw new ForbiddenException(
        `this intake key may only create requests (POST /requests) for source ${intake.sourceId}`,
      );
    }
    return true;
  }

  /** 401, counted against the client's address by FailedAuthLimiter. */
  private unauthorized(http: HttpArgumentsHost, message: string): never {
    this.failures.recordFailure(clientIp(http.getRequest<Request>()));
    http.getResponse<Response>().setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    throw new UnauthorizedException(message);
  }
}
