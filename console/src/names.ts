import { ApiError } from './api';
import type { OperatorResponseDto } from './api-types';

export interface Names {
  operator(id: number | null): string;
  source(id: number): string;
}

/**
 * An error in the words of the console: the service's message with ids turned into names
 * (`operator 3 is at capacity (1/1)` → `Ann is at capacity (1/1)`), without method and path.
 */
export function explain(error: unknown, names: Names): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.status === 0) return error.message;
  const text = error.detail
    .replace(/\boperators? (\d+(?:, \d+)*)/g, (_, ids: string) =>
      ids
        .split(', ')
        .map((id) => names.operator(Number(id)))
        .join(', '),
    )
    .replace(/\bsource (\d+)/g, (_, id: string) => names.source(Number(id)))
    .replace(/\brequest (\d+)/g, 'request #$1');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Why an operator cannot take a request now, or null when it can. */
export function unavailability(operator: OperatorResponseDto): 'inactive' | 'full' | null {
  if (!operator.is_active) return 'inactive';
  if (operator.current_load >= operator.max_load) return 'full';
  return null;
}
