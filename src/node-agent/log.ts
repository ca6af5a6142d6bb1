import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout (pino). */
export function createNodeLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { component: 'govshare-node' } });
}

export const silentLogger: Logger = pino({ level: 'silent' });

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
