import { Logger } from '@nestjs/common';
import 'reflect-metadata';

// Nest's default console logger speaks before an app installs its own (pino) logger: keep tests quiet.
Logger.overrideLogger(process.env.TEST_LOG_LEVEL ? ['log', 'error', 'warn', 'debug'] : ['error']);
