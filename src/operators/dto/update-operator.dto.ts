import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { IsOptionalNonNull } from '../../common/validation';
import { CreateOperatorDto, MAX_LOAD_LIMIT } from './create-operator.dto';

/**
 * Any subset of the operator's fields. Lowering max_load below current_load is allowed.
 *
 * is_active and max_load are declared here, not inherited: their creation defaults would come
 * along with PartialType, and a `default` in a PATCH schema makes generated clients
 * (openapi-typescript) require the field. A PATCH changes what it names and implies nothing.
 */
export class UpdateOperatorDto extends PartialType(
  OmitType(CreateOperatorDto, ['is_active', 'max_load'] as const),
  // null is not "absent": it is validated, and refused, like any other wrong value.
  { skipNullProperties: false },
) {
  @ApiPropertyOptional({
    example: false,
    description: 'false: the operator gets no new requests',
  })
  @IsOptionalNonNull()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_LOAD_LIMIT,
    example: 10,
    description: 'Most active requests this operator may hold at once',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(MAX_LOAD_LIMIT)
  max_load?: number;
}
