import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';
export const INTAKE_ALLOWED = 'auth:intakeAllowed';

/** Opens a route (or a controller) to callers without a key. Everything else needs one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * Lets a source's intake key call the route, for its own source only: the guard compares the
 * body's `source_id` with the key's source. Admin keys can call it too.
 */
export const IntakeAllowed = () => SetMetadata(INTAKE_ALLOWED, true);
