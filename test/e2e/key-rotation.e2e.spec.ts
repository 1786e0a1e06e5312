import { DataSource } from 'typeorm';
import { KeyRing, SecretBox } from '../../src/common/crypto/crypto';
import { resealColumns } from '../../src/common/crypto/sealed-column';
import { adminUser, newTenant } from '../helpers/factory';
import { expectProblem, http } from '../helpers/http';
import { legacySeal } from '../helpers/legacy-seal';
import { TestIdp, freePort, startOidcProvider } from '../helpers/oidc-provider';
import { TestApp, startTestApp } from '../helpers/test-app';

/**
 * ENCRYPTION_KEY rotation, end to end: OIDC client secrets sealed under the old key (with a key id, and
 * in the format from before key ids) still work after the key is replaced and the old one is listed
 * in ENCRYPTION_KEYS_PREVIOUS (the real identity provider checks the secret at the code exchange);
 * `secrets:reencrypt` then seals them with the new key. The OIDC state has a key of its own.
 */
describe('encryption key rotation', () => {
  const oldKey = Buffer.alloc(32, 11);
  const newKey = Buffer.alloc(32, 22);
  let app: TestApp;
  let idp: TestIdp;
  let tenants: { id: string; slug: string }[];
  const callbackPath = (tenant: string) => `/api/v1/auth/oidc/${tenant}/callback`;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    app = await startTestApp({ PORT: port, PUBLIC_URL: publicUrl, ENCRYPTION_KEY: newKey.toString('base64'), ENCRYPTION_KEYS_PREVIOUS: [oldKey.toString('base64')] });
    tenants = [await newTenant(app), await newTenant(app)];
    idp = await startOidcProvider({ redirectUris: tenants.map((t) => `${publicUrl}${callbackPath(t.slug)}`) });
    const admin = await adminUser(app);
    for (const t of tenants) {
      expect((await http.put(app.api(`/tenants/${t.id}/oidc`), { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }, { token: admin.accessToken })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await idp?.close();
  });

  const db = () => app.app.get(DataSource);
  const storedSecret = async (tenantId: string): Promise<string> =>
    (await db().query(`SELECT oidc_client_secret_enc AS v FROM tenants WHERE id = $1`, [tenantId]))[0].v;

  async function signIn(tenant: string): Promise<number> {
    const sub = `sub-${Math.random().toString(36).slice(2)}`;
    idp.addAccount({ sub, email: `${sub}@corp.test`, email_verified: true });
    const started = await http.get(app.api(`/auth/oidc/${tenant}/authorize?mode=json`));
    expect(started.status).toBe(200);
    const back = await idp.signIn(started.body.authorizationUrl, sub);
    return (await http.get(back.href)).status;
  }

  it('opens secrets sealed under the previous key, in both formats, and seals them again with the current one', async () => {
    expect((await storedSecret(tenants[0].id)).startsWith(`v2:${KeyRing.keyId(newKey)}:`)).toBe(true);
    // As an installation that ran with the old key left them.
    await db().query(`UPDATE tenants SET oidc_client_secret_enc = $1 WHERE id = $2`, [legacySeal(oldKey, idp.clientSecret), tenants[0].id]);
    await db().query(`UPDATE tenants SET oidc_client_secret_enc = $1 WHERE id = $2`, [new KeyRing(oldKey).box('secrets-at-rest').encrypt(idp.clientSecret), tenants[1].id]);

    for (const t of tenants) expect({ tenant: t.slug, status: await signIn(t.slug) }).toEqual({ tenant: t.slug, status: 200 });

    const results = await resealColumns(db(), app.app.get(SecretBox));
    expect(results).toContainEqual({ table: 'tenants', column: 'oidc_client_secret_enc', resealed: 2, failed: 0 });
    const onlyNewKey = new KeyRing(newKey).box('secrets-at-rest');
    for (const t of tenants) {
      const sealed = await storedSecret(t.id);
      expect(sealed.startsWith(`v2:${KeyRing.keyId(newKey)}:`)).toBe(true);
      expect(onlyNewKey.decrypt(sealed)).toBe(idp.clientSecret);
      expect(await signIn(t.slug)).toBe(200);
    }
    // Nothing left to do the second time.
    expect(await resealColumns(db(), app.app.get(SecretBox))).toContainEqual({ table: 'tenants', column: 'oidc_client_secret_enc', resealed: 0, failed: 0 });
  });

  it('does not take a ciphertext of another purpose as an OIDC state', async () => {
    const state = {
      tid: tenants[0].id,
      cv: 'v'.repeat(43),
      n: 'nonce',
      ru: `${app.url}${callbackPath(tenants[0].slug)}`,
      exp: Math.floor(Date.now() / 1000) + 60,
    };
    const sealedAsSecret = Buffer.from(app.app.get(SecretBox).encrypt(JSON.stringify(state)), 'utf8').toString('base64url');
    const problem = expectProblem(await http.get(`${app.url}${callbackPath(tenants[0].slug)}?code=abc&state=${sealedAsSecret}`), 400, 'invalid-state');
    expect(problem.errors[0]).toMatchObject({ field: 'state', code: 'tampered' });
  });
});
