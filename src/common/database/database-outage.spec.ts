import { Logger } from '@nestjs/common';
import { DatabaseOutage } from './database-outage';

describe('DatabaseOutage', () => {
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs the first failure of an outage once, without a stack, and its end once', () => {
    const outage = new DatabaseOutage();
    expect(outage.failed(refused())).toBe(true);
    expect(outage.failed(refused())).toBe(true);
    expect(outage.failed(refused())).toBe(true);
    expect(outage.ongoing).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith({ msg: 'database unreachable', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432' });

    outage.succeeded();
    outage.succeeded();
    expect(outage.ongoing).toBe(false);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(expect.objectContaining({ msg: 'database reachable again', downMs: expect.any(Number) }));

    // The next outage is news again.
    outage.failed(refused());
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('ignores errors that do not say the database is unreachable, and successes outside an outage', () => {
    const outage = new DatabaseOutage();
    expect(outage.failed(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    outage.succeeded();
    expect(outage.ongoing).toBe(false);
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });
});
