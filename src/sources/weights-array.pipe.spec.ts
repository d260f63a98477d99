import { BadRequestException } from '@nestjs/common';
import { WeightsArrayPipe } from './weights-array.pipe';

describe(WeightsArrayPipe.name, () => {
  const sut = new WeightsArrayPipe();

  it('returns valid weights as given', async () => {
    await expect(
      sut.transform([
        { operator_id: 1, weight: 0 },
        { operator_id: 2, weight: 1_000_000 },
      ]),
    ).resolves.toEqual([
      { operator_id: 1, weight: 0 },
      { operator_id: 2, weight: 1_000_000 },
    ]);
    await expect(sut.transform([])).resolves.toEqual([]);
  });

  it.each([
    [{}, 'body must be an array'],
    [
      [
        { operator_id: 1, weight: 1 },
        { operator_id: 1, weight: 2 },
      ],
      'operator_id 1 appears more than once',
    ],
    [[{ operator_id: 1, weight: -1 }], '[0].weight'],
    [
      [
        { operator_id: 1, weight: 1 },
        { operator_id: 'x', weight: 1 },
      ],
      '[1].operator_id',
    ],
    [[null], '[0] must be an object'],
    [Array.from({ length: 1001 }, (_, i) => ({ operator_id: i + 1, weight: 1 })), 'at most 1000'],
  ])('rejects %j', async (body, message) => {
    const error: unknown = await sut.transform(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify((error as BadRequestException).getResponse())).toContain(message);
  });
});
