import { BadRequestException } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AppException } from '../common/errors/app.exception';
import { parsePayload, toAckError } from './ack';

class Dto {
  @IsString()
  @MaxLength(3)
  name!: string;
}

describe('toAckError', () => {
  it('keeps what an AppException says', () => {
    expect(toAckError(AppException.notFound('Room'))).toEqual({ status: 404, code: 'not-found', detail: 'Room not found.' });
    const validation = AppException.invalidField('text', 'text is too long', 'maxLength');
    expect(toAckError(validation)).toEqual({
      status: 400,
      code: 'validation-failed',
      detail: 'The request is invalid.',
      errors: [{ field: 'text', message: 'text is too long', code: 'maxLength' }],
    });
  });

  it('maps Nest exceptions and never leaks an unexpected error', () => {
    expect(toAckError(new BadRequestException('nope'))).toMatchObject({ status: 400, code: 'bad-request', detail: 'nope' });
    expect(toAckError(new WsException('bad'))).toEqual({ status: 400, code: 'bad-request', detail: 'bad' });
    expect(toAckError(new Error('password=hunter2 at db.internal'))).toEqual({ status: 500, code: 'internal', detail: 'An unexpected error occurred.' });
  });
});

describe('parsePayload', () => {
  it('validates like the HTTP pipe', async () => {
    await expect(parsePayload(Dto, { name: 'abc' })).resolves.toEqual({ name: 'abc' });
    await expect(parsePayload(Dto, { name: 'abcd' })).rejects.toMatchObject({ status: 400, code: 'validation-failed', errors: [expect.objectContaining({ field: 'name', code: 'maxLength' })] });
    await expect(parsePayload(Dto, { name: 'a', admin: true })).rejects.toMatchObject({ code: 'validation-failed', errors: [expect.objectContaining({ field: 'admin' })] });
  });

  it('refuses anything but a plain object; an absent optional payload is {}', async () => {
    for (const bad of ['x', 1, null, [], undefined]) await expect(parsePayload(Dto, bad)).rejects.toMatchObject({ status: 400, code: 'invalid-payload' });
    class Optional {
      @IsOptional()
      @IsString()
      nonce?: string;
    }
    await expect(parsePayload(Optional, undefined, { optional: true })).resolves.toEqual({});
  });

  it('refuses a payload nested too deeply before transforming it', async () => {
    let name: unknown = 'a';
    for (let i = 0; i < 100_000; i++) name = { name };
    await expect(parsePayload(Dto, { name })).rejects.toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'payload', code: 'maxDepth' })] });
  });

  it('refuses NUL characters and lone surrogates, naming the field', async () => {
    for (const name of ['a\u0000', '\uD800']) {
      await expect(parsePayload(Dto, { name })).rejects.toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'payload.name', code: 'wellFormedText' })] });
    }
  });
});
