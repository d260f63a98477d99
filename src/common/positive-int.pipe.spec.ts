import { BadRequestException } from '@nestjs/common';
import { PositiveIntPipe } from './positive-int.pipe';

describe(PositiveIntPipe.name, () => {
  const sut = new PositiveIntPipe();
  const metadata = { type: 'param' as const, data: 'id' };

  it.each([
    ['1', 1],
    ['42', 42],
    ['2147483647', 2147483647],
  ])('accepts %p', (value, expected) => {
    expect(sut.transform(value, metadata)).toBe(expected);
  });

  it.each(['0', '-1', '01', '1.5', '1e3', 'abc', '', ' 1', '2147483648', '99999999999'])(
    'rejects %p with a message naming the parameter',
    (value) => {
      expect(() => sut.transform(value, metadata)).toThrow(
        new BadRequestException('id must be a positive integer'),
      );
    },
  );
});
