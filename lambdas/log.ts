import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs, one object per line (level, message, timestamp, service, then the
 * attributes), from Powertools Logger. It reads its level from Lambda's advanced logging
 * controls (AWS_LAMBDA_LOG_LEVEL) or POWERTOOLS_LOG_LEVEL, and adds the X-Ray trace id.
 * Everything else takes the narrow `Log` below, so tests and local mode can pass their own.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
export type LogAttributes = Readonly<Record<string, unknown>>;

export interface Log {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}

export function createLog(service: string, level?: LogLevel): Log {
  const logger = new Logger({ serviceName: service, ...(level !== undefined ? { logLevel: level } : {}) });
  const write =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, attributes?: LogAttributes): void => {
      if (attributes === undefined) logger[method](message);
      else logger[method](message, { ...attributes });
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
