import { PartialType } from '@nestjs/swagger';
import { CreateSourceDto } from './create-source.dto';

/**
 * Any subset of name, description, strategy and sticky; null clears description and strategy
 * (back to the DISTRIBUTION_STRATEGY default; a changed strategy restarts the round-robin
 * sequence).
 */
export class UpdateSourceDto extends PartialType(CreateSourceDto, {
  // null is not "absent": a null name is validated, and refused.
  skipNullProperties: false,
}) {}
