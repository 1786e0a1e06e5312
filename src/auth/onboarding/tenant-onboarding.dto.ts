import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { CreateTenantDto, TenantDto } from '../../tenants/dto/tenant.dto';
import { UserDto, USERNAME_PATTERN } from '../../users/dto/user.dto';
import { TenantInvitationDto } from '../invitations/tenant-invitation.dto';
import { trimLowercase } from '../../common/http/transforms';

/**
 * The first admin of a new tenant: with a password (and a username) the account is made at once;
 * without one, an invitation with the `admin` role is mailed to the address.
 */
export class FirstAdminDto {
  @ApiProperty({ format: 'email' })
  @Transform(trimLowercase)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  /** Required with `password`. */
  @ApiPropertyOptional({ example: 'ada', pattern: USERNAME_PATTERN.source })
  @IsOptional()
  @Matches(USERNAME_PATTERN, { message: 'username must be 3 to 32 letters, digits, dots, dashes or underscores' })
  username?: string;

  /** Omit it to invite the address instead of making the account. */
  @ApiPropertyOptional({ minLength: 10, maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  password?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  displayName?: string;
}

export class CreateTenantWithAdminDto extends CreateTenantDto {
  /** The tenant's first admin (optional: a tenant can also be staffed later, with invitations). */
  @ApiPropertyOptional({ type: FirstAdminDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FirstAdminDto)
  admin?: FirstAdminDto;
}

export class CreatedTenantDto extends TenantDto {
  /** The first admin, when it was made with a password. */
  @ApiProperty({ type: UserDto, nullable: true }) admin!: UserDto | null;
  /** The invitation mailed to the first admin, when it was given without a password. */
  @ApiProperty({ type: TenantInvitationDto, nullable: true }) adminInvitation!: TenantInvitationDto | null;
}
