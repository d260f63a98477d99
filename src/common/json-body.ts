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
