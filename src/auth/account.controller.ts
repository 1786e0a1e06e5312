import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { AuthRateLimit } from '../common/throttle/auth-rate-limit.decorator';
import { AcceptedDto, ConfirmPasswordResetDto, EmailTokenDto, EmailVerifiedDto, RequestPasswordResetDto, VerifyEmailQueryDto } from './dto/account.dto';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';
import { Endpoint } from '../common/http/endpoint.decorator';

/** E-mail verification and password reset: the flows driven by single-use tokens sent by e-mail. */
@ApiTags('auth')
@Controller('auth')
export class AccountController {
  constructor(
    private readonly verification: EmailVerificationService,
    private readonly passwordReset: PasswordResetService,
  ) {}

  @Get('verify-email')
  @Endpoint({ summary: 'Verify an e-mail address: the link in the verification e-mail (single use)', access: 'public', ok: EmailVerifiedDto })
  @AuthRateLimit()
  verifyEmail(@Query() query: VerifyEmailQueryDto): Promise<EmailVerifiedDto> {
    return this.verification.verify(query.token);
  }

  @Post('verify-email')
  @Endpoint({
    summary: 'Verify an e-mail address with the token from the e-mail (for front ends with their own page)',
    access: 'public',
    ok: EmailVerifiedDto,
  })
  @AuthRateLimit()
  confirmEmailVerification(@Body() dto: EmailTokenDto): Promise<EmailVerifiedDto> {
    return this.verification.verify(dto.token);
  }

  @Post('verify-email/resend')
  @Endpoint({
    summary: "Send a new verification e-mail to the caller's address; earlier links stop working",
    access: 'authenticated',
    accepted: AcceptedDto,
    problems: [404, 409],
  })
  @AuthRateLimit()
  resendVerificationEmail(@CurrentPrincipal() principal: Principal): Promise<AcceptedDto> {
    return this.verification.resend(principal);
  }

  @Post('password-reset')
  @Endpoint({
    summary: 'Mail a password reset token; the answer is the same whether or not the address exists',
    access: 'public',
    accepted: AcceptedDto,
  })
  @AuthRateLimit()
  requestPasswordReset(@Body() dto: RequestPasswordResetDto): Promise<AcceptedDto> {
    return this.passwordReset.request(dto.email);
  }

  @Post('password-reset/confirm')
  @Endpoint({
    summary: 'Set a new password with a reset token; every session of the user ends',
    access: 'public',
    noContent: 'Password changed; sign in with the new one',
  })
  @AuthRateLimit()
  confirmPasswordReset(@Body() dto: ConfirmPasswordResetDto): Promise<void> {
    return this.passwordReset.confirm(dto);
  }
}
