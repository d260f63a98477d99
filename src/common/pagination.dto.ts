import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import type { ObjectLiteral, Repository } from 'typeorm';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export class PaginationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    example: 100,
  })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit: number = DEFAULT_LIMIT;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, example: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  offset: number = 0;
}

/** A page of rows plus the number of rows that match the filters (sent as X-Total-Count). */
export interface Page<T> {
  items: T[];
  total: number;
}

/** One page of a table by id, with the total row count. */
export async function findPage<T extends ObjectLiteral & { id: number }>(
  repository: Repository<T>,
  { limit, offset }: PaginationQueryDto,
): Promise<Page<T>> {
  const [items, total] = await repository.findAndCount({
    order: { id: 'ASC' } as never,
    take: limit,
    skip: offset,
  });
  return { items, total };
}

/** A page of a list that is small and read whole anyway (a configuration, the strategies). */
export function pageOf<T>(items: readonly T[], { limit, offset }: PaginationQueryDto): Page<T> {
  return { items: items.slice(offset, offset + limit), total: items.length };
}
