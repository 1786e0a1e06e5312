import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sha256 } from '../../src/common/crypto/crypto';
import { TEST_PASSWORD, adminUser, login, newUser } from '../helpers/factory';
import { expectProblem, http } from '../helpers/http';
import { TestSmtp, startSmtpServer, tokenFrom } from '../helpers/smtp';
import { TestApp, startTestApp } from '../helpers/test-app';

const NEW_PASSWORD = 'Fresh-staple-battery-42';

describe('account: e-mail verification and password reset over real SMTP', () => {
  let smtp: TestSmtp;
  let app: TestApp;
  let seq = 0;
  const uniqueName = () => `acct${Date.now().toString(36)}${seq++}`;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://collab.example.test' });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  async function register(): Promise<{ email: string; username: string; id: string }> {
    const username = uniqueName();
    const email = `${username}@example.com`;
    const res = await http.post(app.api('/auth/register'), { email, username, password: TEST_PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.emailVerified).toBe(false);
    return { email, username, id: res.body.id };
  }

  const expireToken = (token: string) =>
    app.app.get(DataSource).query(`UPDATE one_time_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, [sha256(token)]);

  describe('e-mail verification', () => {
    it('mails a link on registration; the link verifies the address once', async () => {
      const { email, username } = await register();
      const mail = await smtp.nextMailTo(email);
      expect(mail.subject).toBe('Confirm your e-mail address');
      expect(mail.from).toBe('no-reply@localhost');
      expect(mail.body).toContain('https://collab.example.test/api/v1/auth/verify-email?token=');
      const token = tokenFrom(mail);

      const verified = await http.get(app.api(`/auth/verify-email?token=${token}`));
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({ userId: expect.any(String), email, emailVerified: true });

      const tokens = await login(app, username, TEST_PASSWORD);
      expect((await http.get(app.api('/me'), { token: tokens.accessToken })).body.emailVerified).toBe(true);

      const again = expectProblem(await http.get(app.api(`/auth/verify-email?token=${token}`)), 400, 'invalid-token');
      expect(again.errors).toEqual([expect.objectContaining({ field: 'token', code: 'used' })]);

      const admin = await adminUser(app);
      const audit = await http.get(app.api(`/audit-logs?resourceId=${verified.body.userId}&action=auth.email.verify`), { token: admin.accessToken });
      expect(audit.body.items).toHaveLength(1);
    });

    it('takes the token by POST too, and refuses expired, unknown and malformed tokens naming `token`', async () => {
      const { email } = await register();
      const token = tokenFrom(await smtp.nextMailTo(email));
      await expireToken(token);
      const expired = expectProblem(await http.post(app.api('/auth/verify-email'), { token }), 400, 'invalid-token');
      expect(expired.errors).toEqual([expect.objectContaining({ field: 'token', code: 'expired' })]);
      expect(expired.detail).toMatch(/expired/);

      const unknown = expectProblem(await http.post(app.api('/auth/verify-email'), { token: 'A'.repeat(43) }), 400, 'invalid-token');
      expect(unknown.errors[0]).toMatchObject({ field: 'token', code: 'unknown' });
      expect(expectProblem(await http.get(app.api('/auth/verify-email?token=short')), 400).errors[0].field).toBe('token');
      expect(expectProblem(await http.get(app.api('/auth/verify-email')), 400).errors[0].field).toBe('token');
      expect(expectProblem(await http.post(app.api('/auth/verify-email'), { token, extra: 1 }), 400).errors[0].field).toBe('extra');
    });

    it('resends a link to the caller; the older link stops working; a verified caller gets 409', async () => {
      const { email, username } = await register();
      const first = tokenFrom(await smtp.nextMailTo(email));
      const tokens = await login(app, username, TEST_PASSWORD);
      const resent = await http.post(app.api('/auth/verify-email/resend'), undefined, { token: tokens.accessToken });
      expect(resent.status).toBe(202);
      expect(resent.body.message).toContain(email);
      const second = tokenFrom(await smtp.nextMailTo(email));
      expect(second).not.toBe(first);

      expectProblem(await http.post(app.api('/auth/verify-email'), { token: first }), 400, 'invalid-token');
      expect((await http.post(app.api('/auth/verify-email'), { token: second })).status).toBe(200);
      expectProblem(await http.post(app.api('/auth/verify-email/resend'), undefined, { token: tokens.accessToken }), 409, 'already-verified');
      expectProblem(await http.post(app.api('/auth/verify-email/resend')), 401);
    });

    it('a verification token is no reset token', async () => {
      const { email } = await register();
      const token = tokenFrom(await smtp.nextMailTo(email));
      expectProblem(await http.post(app.api('/auth/password-reset/confirm'), { token, password: NEW_PASSWORD }), 400, 'invalid-token');
      expect((await http.post(app.api('/auth/verify-email'), { token })).status).toBe(200);
    });
  });

  describe('password reset', () => {
    it('answers 202 for an unknown address and sends nothing', async () => {
      const ghost = `${uniqueName()}@example.com`;
      const user = await newUser(app);
      const unknown = await http.post(app.api('/auth/password-reset'), { email: ghost });
      const known = await http.post(app.api('/auth/password-reset'), { email: user.email });
      expect(unknown.status).toBe(202);
      expect(known.status).toBe(202);
      expect(unknown.body).toEqual(known.body);
      // The known address's mail is the sentinel: it was sent after the unknown one's request had
      // finished, so a mail for the unknown address would have been handed over first.
      await smtp.nextMailTo(user.email);
      expect(smtp.mailsTo(ghost)).toEqual([]);
    });

    it('resets the password with the mailed token: old password and every old session die, the new password works', async () => {
      const user = await newUser(app);
      const otherDevice = await login(app, user.username, TEST_PASSWORD);
      expect((await http.post(app.api('/auth/password-reset'), { email: user.email.toUpperCase() })).status).toBe(202);
      const mail = await smtp.nextMailTo(user.email);
      expect(mail.subject).toBe('Reset your password');
      const token = tokenFrom(mail);

      const weak = expectProblem(await http.post(app.api('/auth/password-reset/confirm'), { token, password: 'password123' }), 400);
      expect(weak.errors[0]).toMatchObject({ field: 'password' });

      // The weak attempt rolled back: the token still works.
      expect((await http.post(app.api('/auth/password-reset/confirm'), { token, password: NEW_PASSWORD })).status).toBe(204);
      const reused = expectProblem(await http.post(app.api('/auth/password-reset/confirm'), { token, password: NEW_PASSWORD }), 400, 'invalid-token');
      expect(reused.errors[0]).toMatchObject({ field: 'token', code: 'used' });

      expectProblem(await http.post(app.api('/auth/login'), { login: user.username, password: TEST_PASSWORD }), 401, 'invalid-credentials');
      expect((await http.post(app.api('/auth/login'), { login: user.username, password: NEW_PASSWORD })).status).toBe(200);
      for (const refreshToken of [user.refreshToken, otherDevice.refreshToken]) {
        expectProblem(await http.post(app.api('/auth/refresh'), { refreshToken }), 401);
      }
      expectProblem(await http.get(app.api('/me'), { token: user.accessToken }), 401);

      const admin = await adminUser(app);
      const audit = await http.get(app.api(`/audit-logs?resourceId=${user.id}&action=auth.password.*`), { token: admin.accessToken });
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['auth.password.reset', 'auth.password.reset-request']);
    });

    it('a newer request invalidates the earlier token; an expired token is refused', async () => {
      const user = await newUser(app);
      await http.post(app.api('/auth/password-reset'), { email: user.email });
      const first = tokenFrom(await smtp.nextMailTo(user.email));
      await http.post(app.api('/auth/password-reset'), { email: user.email });
      const second = tokenFrom(await smtp.nextMailTo(user.email));
      expectProblem(await http.post(app.api('/auth/password-reset/confirm'), { token: first, password: NEW_PASSWORD }), 400, 'invalid-token');

      await expireToken(second);
      const expired = expectProblem(await http.post(app.api('/auth/password-reset/confirm'), { token: second, password: NEW_PASSWORD }), 400, 'invalid-token');
      expect(expired.errors[0]).toMatchObject({ field: 'token', code: 'expired' });
      expect((await http.post(app.api('/auth/login'), { login: user.username, password: TEST_PASSWORD })).status).toBe(200);
    });

    it('validates the request, naming the field', async () => {
      expect(expectProblem(await http.post(app.api('/auth/password-reset'), { email: 'not-an-address' }), 400).errors[0].field).toBe('email');
      expect(expectProblem(await http.post(app.api('/auth/password-reset/confirm'), { token: 'x'.repeat(43) }), 400).errors[0].field).toBe('password');
      expectProblem(await http.post(app.api('/auth/password-reset'), undefined, { raw: '{bad json', headers: { 'content-type': 'application/json' } }), 400);
    });
  });

  describe('POST /me/password', () => {
    it('changes the password after checking the current one; every session ends', async () => {
      const user = await newUser(app);
      const wrong = expectProblem(await http.post(app.api('/me/password'), { currentPassword: 'not-my-password', newPassword: NEW_PASSWORD }, { token: user.accessToken }), 400);
      expect(wrong.errors).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
      const weak = expectProblem(await http.post(app.api('/me/password'), { currentPassword: TEST_PASSWORD, newPassword: 'short' }, { token: user.accessToken }), 400);
      expect(weak.errors[0].field).toBe('newPassword');
      const asName = expectProblem(await http.post(app.api('/me/password'), { currentPassword: TEST_PASSWORD, newPassword: user.email }, { token: user.accessToken }), 400);
      expect(asName.errors[0].field).toBe('newPassword');

      expect((await http.post(app.api('/me/password'), { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }, { token: user.accessToken })).status).toBe(204);
      expectProblem(await http.get(app.api('/me'), { token: user.accessToken }), 401);
      expectProblem(await http.post(app.api('/auth/refresh'), { refreshToken: user.refreshToken }), 401);
      expectProblem(await http.post(app.api('/auth/login'), { login: user.username, password: TEST_PASSWORD }), 401);
      const fresh = await login(app, user.username, NEW_PASSWORD);
      expect((await http.get(app.api('/me'), { token: fresh.accessToken })).status).toBe(200);
      expectProblem(await http.post(app.api('/me/password'), { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }), 401);
    });
  });
});

describe('account: mail without SMTP_URL and with a dead SMTP server', () => {
  it('registration still succeeds when the SMTP server is gone (the failure is only logged)', async () => {
    const smtp = await startSmtpServer();
    const url = smtp.url;
    await smtp.close();
    const app = await startTestApp({ SMTP_URL: url });
    try {
      const res = await http.post(app.api('/auth/register'), { email: 'nomail@example.com', username: 'nomail', password: TEST_PASSWORD });
      expect(res.status).toBe(201);
      expect((await http.post(app.api('/auth/password-reset'), { email: 'nomail@example.com' })).status).toBe(202);
    } finally {
      await app.close();
    }
  });

  it('without SMTP_URL the flows work and the mail goes to the log', async () => {
    const app = await startTestApp();
    const logged = jest.spyOn(Logger.prototype, 'log');
    try {
      expect((await http.post(app.api('/auth/register'), { email: 'logged@example.com', username: 'logged', password: TEST_PASSWORD })).status).toBe(201);
      expect((await http.post(app.api('/auth/password-reset'), { email: 'logged@example.com' })).status).toBe(202);
      const loggedMails = () =>
        logged.mock.calls.map(([entry]) => entry).filter((e): e is { to: string; subject: string; text: string } => typeof e === 'object' && e !== null && 'subject' in e);
      // Mail is handed over after the commit: wait until both are in the log.
      for (let i = 0; i < 100 && loggedMails().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      const mails = loggedMails();
      expect(mails).toEqual([
        expect.objectContaining({ to: 'logged@example.com', subject: 'Confirm your e-mail address', text: expect.stringContaining(`${app.config.publicUrl}/api/v1/auth/verify-email?token=`) }),
        expect.objectContaining({ to: 'logged@example.com', subject: 'Reset your password' }),
      ]);
    } finally {
      logged.mockRestore();
      await app.close();
    }
  });
});
