import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from './failure-limiter.js';

describe('failure limiter', () => {
  const options = { maxFailures: 3, windowMs: 1000, lockoutMs: 5000 };

  it('locks an address out after too many failures within the window, for the lockout time', () => {
    const limiter = createFailureLimiter(options);
    limiter.fail('a', 0);
    limiter.fail('a', 10);
    expect(limiter.blockedFor('a', 20)).toBe(0);
    limiter.fail('a', 20);
    expect(limiter.blockedFor('a', 20)).toBe(5000);
    expect(limiter.blockedFor('a', 4020)).toBe(1000);
    expect(limiter.blockedFor('a', 5020)).toBe(0);
    expect(limiter.blockedFor('b', 20)).toBe(0);
  });

  it('forgets failures older than the window, and all of them after a success', () => {
    const limiter = createFailureLimiter(options);
    limiter.fail('a', 0);
    limiter.fail('a', 10);
    limiter.fail('a', 2000);
    expect(limiter.blockedFor('a', 2000)).toBe(0);
    limiter.fail('a', 2001);
    limiter.succeed('a');
    limiter.fail('a', 2002);
    expect(limiter.blockedFor('a', 2002)).toBe(0);
  });

  it('tracks a bounded number of addresses, forgetting the oldest', () => {
    const limiter = createFailureLimiter({ ...options, maxFailures: 1, maxTracked: 2 });
    limiter.fail('a', 0);
    limiter.fail('b', 0);
    limiter.fail('c', 0);
    expect(limiter.blockedFor('a', 1)).toBe(0);
    expect(limiter.blockedFor('b', 1)).toBe(5000 - 1);
    expect(limiter.blockedFor('c', 1)).toBe(5000 - 1);
  });
});
