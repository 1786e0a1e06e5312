import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './app-config';
import { loadEnvFile, parseEnvFile } from './env-file';

describe('.env file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'collab-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads NAME=value lines, comments, quotes and export', () => {
    const text = [
      '# a comment',
      '',
      'PORT=8080',
      'export HOST = 0.0.0.0',
      'MAIL_FROM=Collab <no-reply@example.com>   # trailing comment',
      'ADMIN_PASSWORD="has # and \\n inside"',
      "JWT_SECRET='single quoted'",
      'SMTP_URL="smtp://a',
      'b"',
      'EMPTY=',
    ].join('\n');
    expect(parseEnvFile(text, '.env')).toEqual({
      PORT: '8080',
      HOST: '0.0.0.0',
      MAIL_FROM: 'Collab <no-reply@example.com>',
      ADMIN_PASSWORD: 'has # and \n inside',
      JWT_SECRET: 'single quoted',
      SMTP_URL: 'smtp://a\nb',
      EMPTY: '',
    });
  });

  it('refuses a malformed line with the file and line number, without echoing it', () => {
    expect(() => parseEnvFile('PORT=1\nJWT_SECRET supersecret\n', '/srv/.env')).toThrow(ConfigError);
    expect(() => parseEnvFile('PORT=1\nJWT_SECRET supersecret\n', '/srv/.env')).toThrow(/\/srv\/\.env line 2 is not NAME=value/);
    expect(() => parseEnvFile('PORT=1\nJWT_SECRET supersecret\n', '/srv/.env')).not.toThrow(/supersecret/);
    expect(() => parseEnvFile('A="open\nB=2\n', '.env')).toThrow(/\.env line 1: the value of A opens a " quote that is never closed/);
    expect(() => parseEnvFile("A='x' y\n", '.env')).toThrow(/\.env line 1: the value of A has text after its closing ' quote/);
  });

  it('loads into the environment under the variables already set, and a missing file is fine', () => {
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=8080\nHOST=0.0.0.0\n');
    const env: NodeJS.ProcessEnv = { PORT: '9090' };
    expect(loadEnvFile(file, env)).toBe(file);
    expect(env).toEqual({ PORT: '9090', HOST: '0.0.0.0' });
    expect(loadEnvFile(join(dir, 'missing.env'), env)).toBeUndefined();
  });
});
