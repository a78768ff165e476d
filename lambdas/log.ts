import { Console } from 'node:console';

/**
 * Structured JSON logs, one object per line: level, message, timestamp, service, then the
 * attributes. The same lines Powertools Logger writes, without its 21 KB: the collector's
 * bundle has to stay within 450 KB (within 10% of the bare SDK clients), and Lambda's own
 * JSON log format and ApplicationLogLevel already add the request id and filter by level.
 * The interface is Powertools Logger's (info/warn/error with attributes), so swapping back is
 * a one-line change.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
export type LogAttributes = Readonly<Record<string, unknown>>;

export interface Log {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

function levelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const raw = (env.AWS_LAMBDA_LOG_LEVEL ?? env.POWERTOOLS_LOG_LEVEL ?? 'INFO').toUpperCase();
  return raw in ORDER ? (raw as LogLevel) : 'INFO';
}

// A Console of its own: Lambda's runtime rewrites the global console's lines; these stay JSON.
const output = new Console({ stdout: process.stdout, stderr: process.stderr });

export function createLog(service: string, level: LogLevel = levelFrom(process.env)): Log {
  const write = (entryLevel: Exclude<LogLevel, 'SILENT'>) => (message: string, attributes?: LogAttributes) => {
    if (ORDER[entryLevel] < ORDER[level]) return;
    output.log(JSON.stringify({ level: entryLevel, message, timestamp: new Date().toISOString(), service, ...attributes }));
  };
  return { debug: write('DEBUG'), info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}
