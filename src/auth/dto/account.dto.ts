import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { trim } from '../../common/http/transforms';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,200}$/;
const tokenMessage = { message: 'token must be the token from the e-mail' };

/** The token from a verification or reset e-mail. */
export class EmailTokenDto {
  @ApiProperty({ description: 'The token from the e-mail link.', example: 'mN3c0x5qR2rJ9w8sV1uB4yT7aZ6eL0kD3fG5hJ8iK2o' })
  @IsString()
  @Matches(TOKEN_PATTERN, tokenMessage)
  token!: string;
}

/** `GET /auth/verify-email?token=...`: the link in the verification e-mail. */
export class VerifyEmailQueryDto extends EmailTokenDto {}

export class EmailVerifiedDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ enum: [true], description: 'Always true: the address is now verified.' }) emailVerified!: true;
}

/** A 202 answer: the request was taken; what follows happens by e-mail. */
export class AcceptedDto {
  @ApiProperty({ example: 'If the address belongs to an account, a link is on its way.' }) message!: string;
}

export class RequestPasswordResetDto {
  // No TLD required: the default admin is admin@localhost.
  @ApiProperty({ format: 'email' }) @Transform(trim) @IsEmail({ require_tld: false }) @MaxLength(254) email!: string;
}

export class ConfirmPasswordResetDto extends EmailTokenDto {
  @ApiProperty({ minLength: 10, maxLength: 128, description: 'The new password (same policy as registration).' })
  @IsString()
  @MaxLength(128)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 128 }) @IsString() @Length(1, 128) currentPassword!: string;
  @ApiProperty({ minLength: 10, maxLength: 128, description: 'Same policy as registration.' }) @IsString() @MaxLength(128) newPassword!: string;
}
