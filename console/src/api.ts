import type { OperatorResponseDto } from './api-types';

/** The console's HTTP client: same origin, the signed-in key (admin or operator) as a Bearer token. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The service's own words (`operator 3 is at capacity (1/1)`), without method and path. */
    readonly detail: string = message,
  ) {
    super(message);
  }
}

const KEY_STORAGE = 'lds.console.adminKey';

export const session = {
  key(): string | null {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  save(key: string): void {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  clear(): void {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};

export function authHeaders(): Record<string, string> {
  const key = session.key();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

function messageOf(body: unknown, status: number): string {
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
  }
  return `HTTP ${status}`;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await call<T>(method, path, body)).body;
}

/** A read of the periodic background refresh: the service logs it at debug, not info. */
export async function backgroundRead<T>(path: string): Promise<T> {
  return (await call<T>('GET', path, undefined, { 'X-Background-Refresh': '1' })).body;
}

/** A page of a list route: its rows and X-Total-Count, the number of rows matching the filters. */
export async function apiPage<T>(path: string): Promise<{ items: T[]; total: number }> {
  const { body, headers } = await call<T[]>('GET', path);
  const total = Number(headers.get('X-Total-Count'));
  return { items: body, total: Number.isFinite(total) ? total : body.length };
}

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...authHeaders(),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...extraHeaders,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The service does not answer (network error)');
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const detail = messageOf(parsed, response.status);
    throw new ApiError(response.status, `${method} ${path}: ${detail}`, detail);
  }
  return { body: parsed as T, headers: response.headers };
}

/** Whether the service wants a key (ADMIN_API_KEYS set): a public route, so no failed call. */
export async function authRequired(): Promise<boolean> {
  const config = await api<{ auth_required: boolean }>('GET', '/console/config');
  return config.auth_required;
}

/** Operator keys start with this (admin keys are whatever ADMIN_API_KEYS lists). */
export const OPERATOR_KEY_PREFIX = 'ldo_';

/**
 * The operator whose key is in use, or null for an admin key (or none). Only a key that looks
 * like an operator's is asked about: GET /me refuses any other with a 401, which the browser
 * would log and the service would count as a failed sign-in. A 401 or 403 here means "not an
 * operator key": the board then tries it as an admin key, as before.
 */
export async function whoAmI(): Promise<OperatorResponseDto | null> {
  if (!session.key()?.startsWith(OPERATOR_KEY_PREFIX)) return null;
  try {
    return await api<OperatorResponseDto>('GET', '/me');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}
