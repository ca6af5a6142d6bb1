import pino, { type Logger } from 'pino';

export type { Logger };

/** One line per event, JSON, a module name on every line; secrets and personal data are redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { module: 'govshare' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.oldPassword',
          '*.newPassword',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
