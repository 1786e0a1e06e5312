import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, Matches } from 'class-validator';

export class RoomSipConfigDto {
  @ApiProperty({ example: '4930123456' }) dialInNumberId!: string;
  @ApiProperty({ description: 'In full for moderators and the owner, masked whole (`••••••••`) for other members.' }) pin!: string;
  lobby!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PutSipConfigDto {
  @ApiProperty({ minLength: 1, maxLength: 64, description: 'Unique across the installation.' })
  @IsString() @Matches(/^[A-Za-z0-9+._-]{1,64}$/, { message: 'dialInNumberId must be 1 to 64 letters, digits or + . _ -' })
  dialInNumberId!: string;

  @ApiProperty({ pattern: '^[0-9]{4,12}$', description: 'Stored sealed (AES-256-GCM).' })
  @IsString() @Matches(/^[0-9]{4,12}$/, { message: 'pin must be 4 to 12 digits' })
  pin!: string;

  @IsBoolean() lobby!: boolean;
}
