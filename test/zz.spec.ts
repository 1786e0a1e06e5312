import { http } from './helpers/http';
import { startTestApp } from './helpers/test-app';
it('x', async () => {
  const app = await startTestApp();
  const res = await http.post(app.api('/auth/login'), { login: 'admin', password: 'Admin-password-for-tests-1' });
  console.log(res.status, res.text.slice(0, 300));
  await app.close();
}, 30000);
