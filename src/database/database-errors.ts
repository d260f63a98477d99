import { QueryFailedError } from 'typeorm';
import { TransientConflict } from './transient-conflict';

function driverCode(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: unknown } | undefined;
  return typeof driverError?.code === 'string' ? driverError.code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = driverCode(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * PostgreSQL serialization failure, deadlock or a NOWAIT lock refused, or the service's own
 * TransientConflict: the transaction can simply run again.
 */
export function isTransientConflict(error: unknown): boolean {
  if (error instanceof TransientConflict) return true;
  const code = driverCode(error);
  return code === '40001' || code === '40P01' || code === '55P03';
}
