import { Global, Module } from '@nestjs/common';
import { MailService } from './mail.service';

/** Outgoing e-mail (MailService), available to every module. */
@Global()
@Module({
  providers: [MailService],
  exports: [MailService],
})
export class MailModule {}
