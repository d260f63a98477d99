/**
 * JSON.parse reviver for request bodies: PostgreSQL cannot store U+0000 in text, and no field of
 * this API needs it, so such a body is refused as malformed (400 naming the field) on every
 * database alike.
 */
export function rejectNulCharacters(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new SyntaxError(`${key || 'body'} must not contain the NUL character (\\u0000)`);
  }
  return value;
}

interface BodyRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Same rule as type-is's hasBody: a chunked body, or a Content-Length other than 0. */
function hasBody(request: BodyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Every body this API takes is JSON. Anything else (a form-encoded `curl -d`, text, no
 * Content-Type) is refused with 415 before a parser can turn it into odd fields.
 */
export function requireJsonBody(
  request: BodyRequest,
  _response: unknown,
  next: (error?: unknown) => void,
): void {
  const type = request.headers['content-type'];
  if (!hasBody(request) || (typeof type === 'string' && JSON_TYPE.test(type))) {
    next();
    return;
  }
  next(
    Object.assign(new Error('the body must be JSON: send Content-Type: application/json'), {
      statusCode: 415,
      expose: true,
    }),
  );
}
