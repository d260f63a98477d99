import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';
export const INTAKE_ALLOWED = 'auth:intakeAllowed';
export const OPERATOR_ACCESS = 'auth:operatorAccess';

/** How a route treats operator keys; without either mark, an operator key gets 403. */
export type OperatorAccess = 'allowed' | 'required';

/** Opens a route (or a controller) to callers without a key. Everything else needs one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * Lets a source's intake key call the route, for its own source only: the guard compares the
 * body's `source_id` with the key's source. Admin keys can call it too.
 */
export const IntakeAllowed = () => SetMetadata(INTAKE_ALLOWED, true);

/**
 * Lets an operator's key call the route. The guard only admits the key; whether the operator may
 * touch this operator or request (its own?) is the use case's check, answered with a 403 that
 * says why. Admin keys can call it too.
 */
export const OperatorAllowed = () =>
  SetMetadata<string, OperatorAccess>(OPERATOR_ACCESS, 'allowed');

/**
 * The route is about the caller itself (`/me`): only an operator key may call it. Any other
 * caller, admin keys and the open API (ADMIN_API_KEYS unset) included, has no such identity: 401.
 */
export const OperatorOnly = () => SetMetadata<string, OperatorAccess>(OPERATOR_ACCESS, 'required');
