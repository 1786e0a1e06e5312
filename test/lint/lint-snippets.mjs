// Lints code snippets as if they were files of the repository, with the repository's ESLint config.
// Reads [{ path, code }] as JSON on stdin; writes [[message, ...] per snippet] (no-restricted-imports only).
// Run in its own process: ESLint loads its flat config with a dynamic import that Jest cannot serve.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const eslint = new ESLint({ cwd: root });
const out = [];
for (const { path, code } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
}
process.stdout.write(JSON.stringify(out));
