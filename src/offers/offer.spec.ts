import {
  decisionOn,
  excludesOperator,
  expiryOf,
  isDue,
  missedEnough,
  OFFER_STATUSES,
} from './offer';

describe('the offer state machine', () => {
  it('applies an accept or a decline only to a pending offer', () => {
    expect(decisionOn({ status: 'pending' }, 'accept')).toBe('apply');
    expect(decisionOn({ status: 'pending' }, 'decline')).toBe('apply');
  });

  it('answers an accept of an accepted offer the same, and refuses everything else', () => {
    for (const status of OFFER_STATUSES.filter((s) => s !== 'pending')) {
      expect([status, decisionOn({ status }, 'accept')]).toEqual([
        status,
        status === 'accepted' ? 'same' : 'refuse',
      ]);
      expect([status, decisionOn({ status }, 'decline')]).toEqual([status, 'refuse']);
    }
  });

  it('is due at its expiry, not a millisecond before, and only while pending', () => {
    const createdAt = new Date('2026-01-27T10:30:00.000Z');
    const expiresAt = expiryOf(createdAt, 60);
    expect(expiresAt.toISOString()).toBe('2026-01-27T10:31:00.000Z');
    expect(isDue({ status: 'pending', expiresAt }, new Date(expiresAt.getTime() - 1))).toBe(false);
    expect(isDue({ status: 'pending', expiresAt }, expiresAt)).toBe(true);
    expect(isDue({ status: 'declined', expiresAt }, new Date(expiresAt.getTime() + 1))).toBe(false);
  });
});

describe('the exclusion rule', () => {
  it('keeps out those who declined or let it expire, not those whose offer was withdrawn', () => {
    expect(excludesOperator('declined')).toBe(true);
    expect(excludesOperator('expired')).toBe(true);
    expect(excludesOperator('withdrawn')).toBe(false);
    expect(excludesOperator('accepted')).toBe(false);
  });
});

describe('missed offers', () => {
  it('set away at the limit in a row; a limit of 0 never does', () => {
    expect(missedEnough(2, 3)).toBe(false);
    expect(missedEnough(3, 3)).toBe(true);
    expect(missedEnough(4, 3)).toBe(true);
    expect(missedEnough(100, 0)).toBe(false);
  });
});
