import type { Request } from 'express';

/** Who is calling, as the API key guard established it. */
export type Principal =
  | { kind: 'anonymous'; id: 'anonymous' }
  | { kind: 'admin'; id: string }
  | { kind: 'intake'; id: string; keyId: number; sourceId: number }
  /** A person with its own key (operator_api_keys): the routes marked @OperatorAllowed(). */
  | { kind: 'operator'; id: string; keyId: number; operatorId: number };

export const ANONYMOUS: Principal = { kind: 'anonymous', id: 'anonymous' };

export type RequestWithPrincipal = Request & { principal?: Principal };

/** The caller of a request the guard let through (anonymous when authentication is off). */
export function principalOf(request: Request): Principal {
  return (request as RequestWithPrincipal).principal ?? ANONYMOUS;
}
