import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Transporter, createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig } from '../common/config/app-config';
import { Transactions } from '../common/database/transactions';

/** One outgoing e-mail. `text` is required: every mail must be readable without HTML. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** How long a shutdown waits for mails still being delivered. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Outgoing mail. With SMTP_URL set, mail goes out through nodemailer's SMTP
 * transport; without it, each message is written to the log (outside
 * production with its text, so that links in it work in development).
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo> | null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
  ) {
    const url = config.env.SMTP_URL;
    this.transport = url
      ? createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }, { from: config.env.MAIL_FROM })
      : null;
  }

  /** Delivers a message now; rejects when the SMTP server refuses it or cannot be reached. */
  async send(message: MailMessage): Promise<void> {
    if (!this.transport) {
      if (this.config.isProduction) {
        this.logger.warn({ msg: 'mail not sent: SMTP_URL is unset', to: message.to, subject: message.subject });
      } else {
        this.logger.log({ msg: 'mail (SMTP_URL is unset: logged, not sent)', to: message.to, subject: message.subject, text: message.text });
      }
      return;
    }
    const info = await this.transport.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html });
    this.logger.log({ msg: 'mail sent', to: message.to, subject: message.subject, messageId: info.messageId });
  }

  /**
   * Sends a message once the current transaction has committed (never after a
   * rollback; at once outside a transaction), in the background: the request
   * neither waits for the SMTP server nor fails with it. A failed delivery is logged.
   */
  sendAfterCommit(message: MailMessage): void {
    this.transactions.afterCommit(() => this.dispatch(message));
  }

  private dispatch(message: MailMessage): void {
    const delivery: Promise<void> = this.send(message)
      .catch((err: unknown) => this.logger.error({ msg: 'mail delivery failed', err, to: message.to, subject: message.subject }))
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
      ]);
      clearTimeout(timer);
    }
    this.transport?.close();
  }
}
