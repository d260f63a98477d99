import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { MAX_ID } from './validation';

/** Path ids: a positive integer in the stored range, or 400 naming the parameter. */
@Injectable()
export class PositiveIntPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const parsed = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
    if (!(parsed <= MAX_ID)) {
      throw new BadRequestException(`${metadata.data ?? 'id'} must be a positive integer`);
    }
    return parsed;
  }
}
