import { http } from '../helpers/http';
import { TEST_PASSWORD, newUser } from '../helpers/factory';
import { TestApp, startTestApp } from '../helpers/test-app';

/** Many requests at once, each with its own transaction, on whichever database the suite runs. */
describe('concurrent requests', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('serves parallel registrations, logins and reads without a single failure', async () => {
    const registrations = await Promise.all(
      Array.from({ length: 20 }, (_, i) => http.post(app.api('/auth/register'), { email: `par${i}@example.com`, username: `par${i}`, password: TEST_PASSWORD })),
    );
    expect(registrations.map((r) => r.status)).toEqual(Array(20).fill(201));
    const logins = await Promise.all(registrations.map((r) => http.post(app.api('/auth/login'), { login: r.body.username, password: TEST_PASSWORD })));
    expect(logins.map((r) => r.status)).toEqual(Array(20).fill(200));
    const reads = await Promise.all(logins.flatMap((l) => [1, 2, 3].map(() => http.get(app.api('/me'), { token: l.body.accessToken }))));
    expect(reads.map((r) => r.status)).toEqual(Array(60).fill(200));
    const users = await Promise.all(Array.from({ length: 10 }, () => newUser(app)));
    expect(new Set(users.map((u) => u.id)).size).toBe(10);
  });
});
