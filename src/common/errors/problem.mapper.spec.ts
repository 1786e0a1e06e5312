import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AppException } from './app.exception';
import { toProblem } from './problem.mapper';

describe('toProblem', () => {
  it('maps a domain exception with its code, fields and extensions', () => {
    const error = new AppException(409, 'invite-used-up', { detail: 'This invite has been used up.', extensions: { capacity: 10 } });
    const { body, unexpected } = toProblem(error, '/api/v1/rooms/x', 'req-1');
    expect(body).toEqual({
      type: 'urn:collab:problem:invite-used-up',
      title: 'Conflict',
      status: 409,
      detail: 'This invite has been used up.',
      instance: '/api/v1/rooms/x',
      code: 'invite-used-up',
      requestId: 'req-1',
      capacity: 10,
    });
    expect(unexpected).toBe(false);
  });

  it('maps validation errors with errors[]', () => {
    const { body } = toProblem(AppException.invalidField('email', 'email must be an email', 'isEmail'), '/', 'r');
    expect(body).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ field: 'email', code: 'isEmail' }] });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'), '/x', 'r').body).toMatchObject({ status: 404, code: 'not-found', detail: 'Cannot GET /x' });
    expect(toProblem(new BadRequestException(['a', 'b']), '/x', 'r').body).toMatchObject({ status: 400, detail: 'a; b' });
  });

  it('recognises a Fastify JSON parse error behind an HTTP exception', () => {
    const cause = Object.assign(new Error('Body is not valid JSON'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
    expect(toProblem(new HttpException('Body is not valid JSON', 400, { cause }), '/x', 'r').body.code).toBe('malformed-json');
  });

  it('maps a unique violation to 409 and hides other database errors', () => {
    const unique = new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key value violates "users_email_key"'), { code: '23505' }));
    const mapped = toProblem(unique, '/x', 'r');
    expect(mapped.body).toMatchObject({ status: 409, code: 'conflict' });
    expect(JSON.stringify(mapped.body)).not.toContain('users_email_key');

    const other = toProblem(new QueryFailedError('SELECT', [], Object.assign(new Error('relation "x" does not exist'), { code: '42P01' })), '/x', 'r');
    expect(other.body).toMatchObject({ status: 500, detail: 'An unexpected error occurred.' });
    expect(other.unexpected).toBe(true);
  });

  it('maps every PostgreSQL data exception (class 22) to a 400, never a 500', () => {
    for (const sqlState of ['22008', '22003', '22007', '22021', '22P05', '22P02']) {
      const error = new QueryFailedError('SELECT', [], Object.assign(new Error('date/time field value out of range: "0000-01-01"'), { code: sqlState }));
      const { body, unexpected } = toProblem(error, '/x', 'r');
      expect(body).toMatchObject({ status: 400, code: 'bad-request' });
      expect(body.detail).not.toContain('0000');
      expect(unexpected).toBe(false);
    }
  });

  it('answers a pool that found no free connection in time with a 503 to retry', () => {
    const { body, headers, unexpected } = toProblem(new Error('timeout exceeded when trying to connect'), '/x', 'r');
    expect(body).toMatchObject({ status: 503, code: 'service-unavailable' });
    expect(headers).toEqual({ 'retry-after': '1' });
    expect(unexpected).toBe(false);
  });

  describe('an unreachable database', () => {
    const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
    const unreachable: Array<[string, unknown]> = [
      ['a refused connection from pool.connect', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
      ['a connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
      ['a connection timed out', withCode('connect ETIMEDOUT 10.0.0.1:5432', 'ETIMEDOUT')],
      ['a broken pipe', withCode('write EPIPE', 'EPIPE')],
      ['every address of the host refusing', Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''), { code: 'ECONNREFUSED' })],
      ['pg losing its connection mid-query', new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly'))],
      ['a pooled client that already lost its connection', new QueryFailedError('SELECT 1', [], new Error('Client has encountered a connection error and is not queryable'))],
      ['pg-pool giving up on a new connection', new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') })],
      ['a connection exception (class 08)', new QueryFailedError('SELECT 1', [], withCode('connection failure', '08006'))],
      ['an administrator shutting the server down', new QueryFailedError('SELECT 1', [], withCode('terminating connection due to administrator command', '57P01'))],
      ['a crash shutdown', withCode('terminating connection because of crash of another server process', '57P02')],
      ['a server still starting', withCode('the database system is starting up', '57P03')],
      ['a failure wrapped in a cause', new Error('could not run the transaction', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
    ];

    it.each(unreachable)('answers %s with a 503 to retry, not an unexpected 500', (_name, error) => {
      const { body, headers, unexpected, databaseUnreachable } = toProblem(error, '/x', 'r');
      expect(body).toMatchObject({ status: 503, code: 'service-unavailable', detail: 'The database is unreachable; retry shortly.' });
      expect(headers).toEqual({ 'retry-after': '5' });
      expect(unexpected).toBe(false);
      expect(databaseUnreachable).toBe(true);
    });

    it('leaves errors of the statement itself alone', () => {
      const wrongSql = toProblem(new QueryFailedError('SELECT', [], withCode('relation "x" does not exist', '42P01')), '/x', 'r');
      expect(wrongSql).toMatchObject({ body: { status: 500 }, unexpected: true, databaseUnreachable: false });
      expect(toProblem(new Error('Connection terminated'), '/x', 'r').databaseUnreachable).toBe(false);
      expect(toProblem(withCode('no such file', 'ENOENT'), '/x', 'r').body.status).toBe(500);
    });
  });

  it('turns anything else into an opaque 500', () => {
    const { body, unexpected } = toProblem(new TypeError('cannot read x of undefined'), '/x', 'r');
    expect(body).toMatchObject({ status: 500, code: 'internal', detail: 'An unexpected error occurred.' });
    expect(unexpected).toBe(true);
  });
});
