import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, ValidateNested, validateSync } from 'class-validator';
import { VALIDATION_OPTIONS, validationMessages } from './validation-errors';

class Item {
  @IsInt()
  @Min(0)
  @Max(10)
  weight: number;
}

class Body {
  @IsString()
  name: string;

  @IsInt()
  @Min(1)
  @Max(100)
  count: number;

  @ValidateNested({ each: true })
  @Type(() => Item)
  items: Item[];
}

const messagesFor = (value: object) =>
  validationMessages(validateSync(plainToInstance(Body, value), VALIDATION_OPTIONS));

describe(validationMessages.name, () => {
  it('gives a missing field one "is required", not every rule it fails', () => {
    expect(messagesFor({ items: [] })).toEqual(['name is required', 'count is required']);
  });

  it('keeps every broken rule of a present field, and names nested fields by their path', () => {
    expect(messagesFor({ name: 'a', count: 0, items: [{ weight: 11 }, {}] })).toEqual([
      'count must not be less than 1',
      'items.0.weight must not be greater than 10',
      'items.1.weight is required',
    ]);
  });

  it('names unknown fields', () => {
    expect(messagesFor({ name: 'a', count: 1, items: [], extra: 1 })).toEqual([
      'property extra should not exist',
    ]);
  });

  it('gives a value of the wrong type one message, its type, and not its range', () => {
    expect(messagesFor({ name: 5, count: '5', items: [{ weight: 'x' }] })).toEqual([
      'name must be a string',
      'count must be an integer',
      'items.0.weight must be an integer',
    ]);
  });
});
