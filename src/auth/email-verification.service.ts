import { Injectable } from '@nestjs/common';
import { Tx } from '../common/database/transaction';
import { UserEntity } from '../users/entities/user.entity';

/** Placeholder until the e-mail verification flow lands (mail module, one-time tokens). */
@Injectable()
export class EmailVerificationService {
  async sendVerification(_tx: Tx, _user: UserEntity): Promise<void> {}
}
