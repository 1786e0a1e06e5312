import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AccessModule } from '../access/access.module';
import { AppConfig } from '../common/config/app-config';
import { TenantsModule } from '../tenants/tenants.module';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { AccountController } from './account.controller';
import { AdminRecoveryService } from './admin-recovery.service';
import { ApiKeysService } from './api-keys.service';
import { CredentialRevocation } from './credential-revocation.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthenticatorService } from './authenticator.service';
import { BootstrapService } from './bootstrap.service';
import { EmailVerificationService } from './email-verification.service';
import { TenantInvitationsController } from './invitations/tenant-invitations.controller';
import { TenantInvitationsRepository } from './invitations/tenant-invitations.repository';
import { TenantInvitationsService } from './invitations/tenant-invitations.service';
import { LockoutService } from './lockout.service';
import { TenantOnboardingController } from './onboarding/tenant-onboarding.controller';
import { TenantOnboardingService } from './onboarding/tenant-onboarding.service';
import { MeCredentialsController } from './me-credentials.controller';
import { MePasswordController } from './me-password.controller';
import { OidcClients } from './oidc/oidc-clients';
import { OidcIdentityService } from './oidc/oidc-identity.service';
import { OidcStateCodec } from './oidc/oidc-state';
import { OidcController } from './oidc/oidc.controller';
import { OidcService } from './oidc/oidc.service';
import { UserIdentitiesRepository } from './oidc/user-identities.repository';
import { OneTimeTokensRepository } from './one-time-tokens.repository';
import { OneTimeTokensService } from './one-time-tokens.service';
import { PasswordResetService } from './password-reset.service';
import { PrincipalsRepository } from './principals.repository';
import { RegistrationService } from './registration.service';
import { SessionsService } from './sessions.service';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';
import { ACCESS_TOKEN_KEY, JWT_ALGORITHM, TokenService, accessTokenKey } from './token.service';
import { TokensRepository } from './tokens.repository';
import { UserSessionsModule } from './user-sessions.module';

/**
 * Authentication: registration, password and OIDC sign-in, sessions with rotating refresh tokens,
 * API keys, lockout, e-mail verification, password reset, the first-start bootstrap, and the global
 * AccessGuard (Passport strategies for access tokens and API keys, then the route's declaration).
 */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: accessTokenKey(config),
        signOptions: { algorithm: JWT_ALGORITHM },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
    UsersModule,
    TenantsModule,
    AccessModule,
    UserSessionsModule,
  ],
  controllers: [AuthController, MeCredentialsController, AccountController, MePasswordController, OidcController, TenantInvitationsController, TenantOnboardingController],
  providers: [
    { provide: ACCESS_TOKEN_KEY, inject: [AppConfig], useFactory: accessTokenKey },
    AuthService,
    AdminRecoveryService,
    RegistrationService,
    TenantInvitationsService,
    TenantInvitationsRepository,
    TenantOnboardingService,
    SessionsService,
    LockoutService,
    TokenService,
    TokensRepository,
    ApiKeysService,
    CredentialRevocation,
    AuthenticatorService,
    PrincipalsRepository,
    JwtStrategy,
    ApiKeyStrategy,
    EmailVerificationService,
    BootstrapService,
    OneTimeTokensRepository,
    OneTimeTokensService,
    PasswordResetService,
    UserIdentitiesRepository,
    OidcStateCodec,
    OidcClients,
    OidcIdentityService,
    OidcService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthenticatorService],
})
export class AuthModule {}
