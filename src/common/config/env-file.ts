import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './app-config';
import { ENV_SCHEMA, EnvVar } from './config.schema';

const NAME = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const QUOTES = new Set(['"', "'", '`']);

/**
 * Parses the text of a `.env` file: `NAME=value` lines, blank lines and `#` comments, with the usual
 * conventions (an optional `export `, values in single, double or back quotes that may span lines,
 * `\n` as a newline inside double quotes, a trailing ` # comment` after an unquoted value).
 *
 * Unlike Node's own parser, which skips what it does not understand, any other line is an error:
 * a typo in a file that configures a server should stop it, not be ignored. Errors name the file
 * and line but never echo the content, which may hold secrets.
 */
export function parseEnvFile(text: string, fileName: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = NAME.exec(line);
    if (!match) {
      problems.push(`${fileName} line ${lineNo} is not NAME=value, a # comment or blank`);
      continue;
    }
    const [, name, rest] = match;
    const quote = rest[0];
    if (!QUOTES.has(quote)) {
      values[name] = rest.replace(/\s+#.*$/, '').trim();
      continue;
    }
    // A quoted value runs to its closing quote, on this line or a later one.
    let body = rest.slice(1);
    let close = body.indexOf(quote);
    while (close === -1 && i + 1 < lines.length) {
      body += `\n${lines[++i]}`;
      close = body.indexOf(quote);
    }
    if (close === -1) {
      problems.push(`${fileName} line ${lineNo}: the value of ${name} opens a ${quote} quote that is never closed`);
      break;
    }
    if (!/^\s*(#.*)?$/.test(body.slice(close + 1))) {
      problems.push(`${fileName} line ${lineNo}: the value of ${name} has text after its closing ${quote} quote`);
      continue;
    }
    const value = body.slice(0, close);
    values[name] = quote === '"' ? value.replace(/\\n/g, '\n') : value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}

/**
 * Reads `.env` from the working directory into `env` (process.env by default). Variables already in
 * the environment win over the file, so a deployment can always override it; a missing file is fine.
 * Returns the path read, or undefined when there is none.
 */
export function loadEnvFile(path = resolve(process.cwd(), '.env'), env: NodeJS.ProcessEnv = process.env): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError([`${path} cannot be read: ${(err as Error).message}`]);
  }
  for (const [name, value] of Object.entries(parseEnvFile(text, path))) {
    if (env[name] === undefined) env[name] = value;
  }
  return path;
}

/** The text of `.env.example`: every variable of the schema, commented out at its default. test/config-docs.spec.ts keeps the file equal to it. */
export function renderEnvExample(): string {
  const header = [
    '# Configuration of the collaboration backend. Copy this file to .env (read from the working',
    '# directory at start-up; variables set in the real environment win over it) and uncomment what',
    '# you change. None is required for the embedded default; NODE_ENV=production requires JWT_SECRET',
    '# and ENCRYPTION_KEY. Generated from src/common/config/config.schema.ts: see README.md.',
  ];
  const entries = (Object.entries(ENV_SCHEMA) as [string, EnvVar<unknown>][]).map(
    ([name, spec]) => `# ${spec.description.replace(/`/g, '')}\n# ${name}=${spec.default ?? ''}`,
  );
  return `${header.join('\n')}\n\n${entries.join('\n\n')}\n`;
}
