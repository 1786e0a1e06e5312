import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { RealtimeCoreModule } from '../realtime/realtime-core.module';
import { AppConfig } from '../common/config/app-config';
import { TenantsModule } from '../tenants/tenants.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { AuthenticatorService } from './authenticator.service';
import { BootstrapService } from './bootstrap.service';
import { EmailVerificationService } from './email-verification.service';
import { ApiKeyEntity } from './entities/api-key.entity';
import { OneTimeTokenEntity } from './entities/one-time-token.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { UserIdentityEntity } from './entities/user-identity.entity';
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
import { TokenService } from './token.service';
import { TokensRepository } from './tokens.repository';

@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshTokenEntity, ApiKeyEntity, OneTimeTokenEntity, UserIdentityEntity]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      // A KeyObject: jsonwebtoken would otherwise try to parse a string secret as a PEM key on every verify.
      useFactory: (config: AppConfig) => ({ secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
    }),
    UsersModule,
    TenantsModule,
    AccessModule,
    RealtimeCoreModule,
  ],
  controllers: [AuthController, MeCredentialsController, AccountController, MePasswordController, OidcController],
  providers: [
    AuthService,
    TokenService,
    TokensRepository,
    ApiKeysService,
    AuthenticatorService,
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
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthenticatorService, AuthService],
})
export class AuthModule {}
