import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS } from './logging';

describe('log redaction', () => {
  it('never writes credentials, cookies or passwords', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info({
      req: { headers: { authorization: 'Bearer abc.def', cookie: 'sid=1', 'x-api-key': 'ck_live_1' } },
      body: { password: 'hunter2', refreshToken: 'rt', name: 'kept' },
    });
    const line = lines.join('');
    for (const secret of ['abc.def', 'sid=1', 'ck_live_1', 'hunter2', '"rt"']) expect(line).not.toContain(secret);
    expect(line).toContain('kept');
  });
});
