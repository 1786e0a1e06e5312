import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  /** The message as sent, with quoted-printable soft breaks and escapes decoded. */
  body: string;
}

export interface TestSmtp {
  /** For SMTP_URL: smtp://127.0.0.1:<port>. */
  readonly url: string;
  readonly received: readonly ReceivedMail[];
  /** The next mail to `address` not yet taken by an earlier call; waits up to `timeoutMs` for it. */
  nextMailTo(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** Every mail to `address` so far. */
  mailsTo(address: string): ReceivedMail[];
  close(): Promise<void>;
}

/** The single-use token in a verification or reset mail (`token=<t>` in a link, or alone on a line). */
export function tokenFrom(mail: ReceivedMail): string {
  const match = /token=([A-Za-z0-9_-]{43})\b/.exec(mail.body) ?? /^([A-Za-z0-9_-]{43})\r?$/m.exec(mail.body);
  if (!match) throw new Error(`no token in the mail "${mail.subject}":\n${mail.body}`);
  return match[1];
}

const decodeQuotedPrintable = (raw: string): string =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 and a free port
 * that accepts every message without authentication or TLS and keeps it.
 */
export async function startSmtpServer(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '';
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject,
          body: decodeQuotedPrintable(raw),
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  const mailsTo = (address: string) => received.filter((m) => m.to.includes(address.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    mailsTo,
    async nextMailTo(address, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = mailsTo(address).find((m) => !taken.has(m));
        if (mail) {
          taken.add(mail);
          return mail;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
