import { replay, type ReplayableEvent } from './replay';

const e = (type: ReplayableEvent['type'], operatorId: number | null = null): ReplayableEvent => ({
  type,
  operatorId,
});

describe(replay.name, () => {
  it('is null without history', () => {
    expect(replay([])).toBeNull();
  });

  it('follows intake, a wait, a drain, a move and a close', () => {
    expect(replay([e('created'), e('waiting'), e('assigned', 2), e('reassigned', 5)])).toEqual({
      status: 'active',
      operatorId: 5,
    });
    expect(replay([e('created'), e('assigned', 2), e('closed', 2)])).toEqual({
      status: 'closed',
      operatorId: 2,
    });
  });

  it('reopens onto the event’s operator, or into the queue', () => {
    const closed = [e('created'), e('assigned', 2), e('closed', 2)];
    expect(replay([...closed, e('reopened', 2)])).toEqual({ status: 'active', operatorId: 2 });
    expect(replay([...closed, e('reopened'), e('waiting')])).toEqual({
      status: 'active',
      operatorId: null,
    });
  });

  it('refuses a history that does not start with created', () => {
    expect(() => replay([e('assigned', 1)])).toThrow(/starts with assigned/);
  });
});
