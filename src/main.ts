import 'reflect-metadata';
import { AppConfig, ConfigError } from './common/config/app-config';
import { loadEnvFile } from './common/config/env-file';
import { RunningServer, startServer } from './server';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    // .env in the working directory, under the real environment (which wins), then validation.
    loadEnvFile();
    config = AppConfig.fromEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (err) {
    process.stderr.write(`Start-up failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal} received: finishing in-flight requests, then stopping\n`);
    const timer = setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${config.env.SHUTDOWN_TIMEOUT_MS} ms: exiting\n`);
      process.exit(1);
    }, config.env.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
