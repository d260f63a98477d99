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
import {
  AdminKeys,
  digestsEqual,
  hashApiKey,
  INTAKE_KEY_PREFIX,
  OPERATOR_KEY_PREFIX,
  presentedKey,
} from './api-keys';
import { ANONYMOUS, type Principal, type RequestWithPrincipal } from './principal';
import {
  INTAKE_ALLOWED,
  IS_PUBLIC,
  OPERATOR_ACCESS,
  type OperatorAccess,
} from './public.decorator';
import { OperatorApiKeysService } from './operator-api-keys.service';
import { SourceApiKeysService } from './source-api-keys.service';

export const WWW_AUTHENTICATE = 'Bearer realm="lead-distribution-service"';

/** The 403 an operator key gets outside the routes marked @OperatorAllowed() / @OperatorOnly(). */
export const OPERATOR_KEY_SCOPE =
  'an operator key may only call GET /me, GET /me/requests, GET /me/offers, ' +
  'PUT /operators/{its id}/presence, POST /offers/{id}/accept and /decline of its own offers, ' +
  'and GET /requests/{id}, GET /requests/{id}/events and PATCH /requests/{id}/status (close) ' +
  'of its own requests';

/** The 401 of a route about the caller itself (/me) called without an operator key. */
export const OPERATOR_KEY_REQUIRED =
  'this route answers for the operator whose key calls it: send an operator key (ldo_…)';

/**
 * Global and deny-by-default: with ADMIN_API_KEYS set, every route needs a key unless it is
 * marked @Public(). Admin keys may call everything; a source's intake key only the routes marked
 * @IntakeAllowed(), for its own source; an operator's key only the routes marked
 * @OperatorAllowed() or @OperatorOnly(), whose use cases check that it is its own operator or
 * request. Without ADMIN_API_KEYS the API is open (anonymous), but an operator key is still read:
 * /me has no one to answer for without it.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly adminKeys: AdminKeys;

  constructor(
    config: AppConfig,
    private readonly reflector: Reflector,
    private readonly intakeKeys: SourceApiKeysService,
    private readonly operatorKeys: OperatorApiKeysService,
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
    const principal = await this.authenticate(http, presentedKey(request.headers));
    request.principal = principal;

    const operatorAccess = this.reflector.getAllAndOverride<OperatorAccess | undefined>(
      OPERATOR_ACCESS,
      targets,
    );
    if (operatorAccess === 'required' && principal.kind !== 'operator') {
      // A valid admin or intake key (or the open API's anonymous caller) is no failed
      // authentication: not counted, or a console asking /me would lock its address out.
      this.unauthorized(http, OPERATOR_KEY_REQUIRED, { count: false });
    }
    if (principal.kind === 'operator' && operatorAccess === undefined) {
      throw new ForbiddenException(OPERATOR_KEY_SCOPE);
    }
    // Which source the key may write to is the use case's check, on the validated body
    // (RequestsService.create); here only whether the route takes intake keys at all.
    if (
      principal.kind === 'intake' &&
      !this.reflector.getAllAndOverride<boolean>(INTAKE_ALLOWED, targets)
    ) {
      throw new ForbiddenException(
        `this intake key may only create requests (POST /requests) for source ${principal.sourceId}`,
      );
    }
    return true;
  }

  /** Who presents `key`: 401 (counted) for a missing key while keys are required, or a bad key. */
  private async authenticate(http: HttpArgumentsHost, key: string | undefined): Promise<Principal> {
    const isOperatorKey = key?.startsWith(OPERATOR_KEY_PREFIX) ?? false;
    if (!this.adminKeys.enabled && !isOperatorKey) return ANONYMOUS;
    if (key === undefined) {
      this.unauthorized(http, 'an API key is required');
    }
    const digest = hashApiKey(key);
    if (this.adminKeys.match(digest) >= 0) {
      return { kind: 'admin', id: `admin:${digest.slice(0, 16)}` };
    }
    if (isOperatorKey) {
      const found = await this.operatorKeys.findActiveByHash(digest);
      if (!found || !digestsEqual(found.keyHash, digest)) {
        this.unauthorized(http, 'invalid or revoked API key');
      }
      return {
        kind: 'operator',
        id: `operator-key:${found.id}`,
        keyId: found.id,
        operatorId: found.ownerId,
      };
    }
    const intake = key.startsWith(INTAKE_KEY_PREFIX)
      ? await this.intakeKeys.findActiveByHash(digest)
      : null;
    if (!intake || !digestsEqual(intake.keyHash, digest)) {
      this.unauthorized(http, 'invalid or revoked API key');
    }
    return {
      kind: 'intake',
      id: `intake:${intake.id}`,
      keyId: intake.id,
      sourceId: intake.ownerId,
    };
  }

  /** 401, counted against the client's address by FailedAuthLimiter unless told otherwise. */
  private unauthorized(
    http: HttpArgumentsHost,
    message: string,
    { count }: { count: boolean } = { count: true },
  ): never {
    if (count) this.failures.recordFailure(clientIp(http.getRequest<Request>()));
    http.getResponse<Response>().setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    throw new UnauthorizedException(message);
  }
}
