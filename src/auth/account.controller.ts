import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { Public } from '../common/http/public.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { AuthRateLimit } from '../common/throttle/auth-rate-limit.decorator';
import { AcceptedDto, ConfirmPasswordResetDto, EmailTokenDto, EmailVerifiedDto, RequestPasswordResetDto, VerifyEmailQueryDto } from './dto/account.dto';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';

/** E-mail verification and password reset: the flows driven by single-use tokens sent by e-mail. */
@ApiTags('auth')
@Controller('auth')
export class AccountController {
  constructor(
    private readonly verification: EmailVerificationService,
    private readonly passwordReset: PasswordResetService,
  ) {}

  @Get('verify-email')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Verify an e-mail address: the link in the verification e-mail (single use)' })
  @ApiOkResponse({ type: EmailVerifiedDto })
  @ApiProblems(400)
  verifyEmail(@Query() query: VerifyEmailQueryDto): Promise<EmailVerifiedDto> {
    return this.verification.verify(query.token);
  }

  @Post('verify-email')
  @HttpCode(200)
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Verify an e-mail address with the token from the e-mail (for front ends with their own page)' })
  @ApiOkResponse({ type: EmailVerifiedDto })
  @ApiProblems(400)
  confirmEmailVerification(@Body() dto: EmailTokenDto): Promise<EmailVerifiedDto> {
    return this.verification.verify(dto.token);
  }

  @Post('verify-email/resend')
  @HttpCode(202)
  @Authenticated()
  @AuthRateLimit()
  @ApiOperation({ summary: "Send a new verification e-mail to the caller's address; earlier links stop working" })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(404, 409)
  resendVerificationEmail(@CurrentPrincipal() principal: Principal): Promise<AcceptedDto> {
    return this.verification.resend(principal);
  }

  @Post('password-reset')
  @HttpCode(202)
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Mail a password reset token; the answer is the same whether or not the address exists' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(400)
  requestPasswordReset(@Body() dto: RequestPasswordResetDto): Promise<AcceptedDto> {
    return this.passwordReset.request(dto.email);
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Set a new password with a reset token; every session of the user ends' })
  @ApiNoContentResponse({ description: 'Password changed; sign in with the new one' })
  @ApiProblems(400)
  confirmPasswordReset(@Body() dto: ConfirmPasswordResetDto): Promise<void> {
    return this.passwordReset.confirm(dto);
  }
}
