import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { validationMessages } from '../common/validation-errors';
import { MAX_WEIGHTS_PER_SOURCE, SourceWeightDto } from './dto/source-weight.dto';

/** The weights body: a JSON array of {operator_id, weight}, each operator once, bounded in size. */
@Injectable()
export class WeightsArrayPipe implements PipeTransform<unknown, Promise<SourceWeightDto[]>> {
  async transform(value: unknown): Promise<SourceWeightDto[]> {
    if (!Array.isArray(value)) {
      throw new BadRequestException('body must be an array of {operator_id, weight}');
    }
    if (value.length > MAX_WEIGHTS_PER_SOURCE) {
      throw new BadRequestException(`body must contain at most ${MAX_WEIGHTS_PER_SOURCE} weights`);
    }
    const weights: SourceWeightDto[] = [];
    const messages: string[] = [];
    for (const [index, item] of value.entries()) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        messages.push(`[${index}] must be an object {operator_id, weight}`);
        continue;
      }
      const weight = plainToInstance(SourceWeightDto, item);
      const errors = await validate(weight, { whitelist: true, forbidNonWhitelisted: true });
      messages.push(...validationMessages(errors, `[${index}]`));
      weights.push(weight);
    }
    if (messages.length) throw new BadRequestException(messages);

    const seen = new Set<number>();
    for (const { operator_id } of weights) {
      if (seen.has(operator_id)) {
        throw new BadRequestException(`operator_id ${operator_id} appears more than once`);
      }
      seen.add(operator_id);
    }
    return weights;
  }
}
