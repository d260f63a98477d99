import { PartialType } from '@nestjs/swagger';
import { CreateOperatorDto } from './create-operator.dto';

/** Any subset of the operator's fields. Lowering max_load below current_load is allowed. */
export class UpdateOperatorDto extends PartialType(CreateOperatorDto, {
  // null is not "absent": it is validated, and refused, like any other wrong value.
  skipNullProperties: false,
}) {}
