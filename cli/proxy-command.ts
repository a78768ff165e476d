import { parseArgs } from 'node:util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { regionOfExecuteApiHost, type Credentials } from '../lambdas/client/execute-api';
import type { CliIo } from './main';
import { ProxySetupError, startProxy, type LocalRoutes, type RunningProxy } from './proxy';

/** The port the README's examples use (local mode's too: run one or the other, or pass --port). */
export const DEFAULT_PROXY_PORT = 3000;

export const PROXY_USAGE = `Usage: ssm-history proxy --api <QueryApiUrl> [options]

Serves the deployed query API on this machine to any SSM client (the AWS CLI, boto3, the
SDKs): each request is forwarded to the API signed for execute-api with your AWS credentials
(environment, profile, SSO), whatever the client signed it with.

  --api <url>          the deployed query API: the stack's QueryApiUrl output
  --port <n>           the local port (default ${DEFAULT_PROXY_PORT}; 0 for any free port)
  --host <address>     the loopback address to listen on (default 127.0.0.1)
  --region <region>    the Region to sign for when the API's hostname names none (a custom
                       domain; default AWS_REGION or AWS_DEFAULT_REGION)
  --profile <name>     the AWS profile to sign with (default: AWS_PROFILE, or the chain)
  -h, --help           show this help

Then, for example:
  aws ssm list-commands --endpoint-url http://127.0.0.1:${DEFAULT_PROXY_PORT}
  aws ssm list-command-invocations --endpoint-url http://127.0.0.1:${DEFAULT_PROXY_PORT} --instance-id i-0123456789abcdef0 --details

Runs until interrupted (Ctrl-C). Exit status: 0 stopped, 1 could not start, 2 bad usage.`;

export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

/** Where the signals that stop the proxy come from: the process, or a test's emitter. */
export interface ShutdownSignals {
  once(signal: ShutdownSignal, listener: () => void): unknown;
  off(signal: ShutdownSignal, listener: () => void): unknown;
}

export interface ProxyCommandDependencies {
  /** Who signs. @default the default Node credential chain (with --profile) */
  readonly credentials?: Credentials;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default process */
  readonly signals?: ShutdownSignals;
  /** Requests the proxy answers itself, before forwarding. */
  readonly localRoutes?: LocalRoutes;
}

class UsageError extends Error {}

interface ProxyArguments {
  readonly api: string;
  readonly port: number;
  readonly host?: string;
  readonly region?: string;
  readonly profile?: string;
}

const options = {
  api: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Undefined for --help. */
function parseProxyArguments(argv: readonly string[]): ProxyArguments | undefined {
  // The command's own name may come first, as main.ts receives it.
  const args = argv[0] === 'proxy' ? argv.slice(1) : [...argv];
  let values: { api?: string; port?: string; host?: string; region?: string; profile?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return undefined;
  if (values.api === undefined || values.api === '') throw new UsageError('--api is required: the deployed query API (the stack\'s QueryApiUrl output)');
  const port = values.port === undefined ? DEFAULT_PROXY_PORT : Number(values.port);
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || port > 65535)) throw new UsageError(`--port takes a port number from 0 to 65535, not ${values.port}`);
  if (values.region !== undefined) {
    // An execute-api hostname names the only Region its API accepts.
    let hostRegion: string | undefined;
    try {
      hostRegion = regionOfExecuteApiHost(new URL(values.api).hostname);
    } catch {
      hostRegion = undefined;
    }
    if (hostRegion !== undefined && hostRegion !== values.region.toLowerCase()) {
      throw new UsageError(`--region ${values.region} contradicts the API's hostname, which is in ${hostRegion}: leave --region out`);
    }
  }
  return { api: values.api, port, host: values.host, region: values.region, profile: values.profile };
}

/**
 * `ssm-history proxy` on the given arguments (those after `proxy`; a leading `proxy` is
 * skipped). Prints one line once listening, and resolves to 0 when SIGINT or SIGTERM stops
 * it; 1 when it cannot start (the port taken), 2 on bad usage. Never rejects.
 */
export async function runProxyCommand(argv: readonly string[], io: CliIo, deps: ProxyCommandDependencies = {}): Promise<number> {
  let parsed: ProxyArguments | undefined;
  try {
    parsed = parseProxyArguments(argv);
  } catch (error) {
    io.stderr.write(`ssm-history proxy: ${error instanceof Error ? error.message : String(error)}\n\n${PROXY_USAGE}\n`);
    return 2;
  }
  if (parsed === undefined) {
    io.stdout.write(`${PROXY_USAGE}\n`);
    return 0;
  }

  const profile = parsed.profile ?? io.env.AWS_PROFILE;
  const signals = deps.signals ?? process;
  let stop: (signal: ShutdownSignal) => void = () => undefined;
  const stopped = new Promise<ShutdownSignal>((resolve) => {
    stop = resolve;
  });
  const onInterrupt = () => stop('SIGINT');
  const onTerminate = () => stop('SIGTERM');
  // Listening for the signals before the proxy is, so that none is missed once it serves.
  signals.once('SIGINT', onInterrupt);
  signals.once('SIGTERM', onTerminate);
  const stopListening = () => {
    signals.off('SIGINT', onInterrupt);
    signals.off('SIGTERM', onTerminate);
  };

  let proxy: RunningProxy;
  try {
    proxy = await startProxy({
      api: parsed.api,
      port: parsed.port,
      ...(parsed.host === undefined ? {} : { host: parsed.host }),
      region: parsed.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
      credentials: deps.credentials ?? defaultProvider(parsed.profile === undefined ? {} : { profile: parsed.profile }),
      ...(profile === undefined ? {} : { profile }),
      ...(deps.localRoutes ? { localRoutes: deps.localRoutes } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      log: (line) => io.stderr.write(`${line}\n`),
    });
  } catch (error) {
    stopListening();
    if (error instanceof ProxySetupError) {
      io.stderr.write(`ssm-history proxy: ${error.message}\n\n${PROXY_USAGE}\n`);
      return 2;
    }
    const code = (error as { code?: unknown }).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${parsed.port} is in use (local mode, or another proxy?): pass --port`
        : error instanceof Error
          ? error.message
          : String(error);
    io.stderr.write(`ssm-history proxy: cannot listen: ${reason}\n`);
    return 1;
  }

  io.stdout.write(
    `ssm-history proxy: ${proxy.url} forwards to ${proxy.api.href}, signed for execute-api in ${proxy.region}` +
      `${profile === undefined ? '' : ` with profile ${profile}`}; e.g. aws ssm list-commands --endpoint-url ${proxy.url} ` +
      `(or ssm-history executions --endpoint ${proxy.url}). Ctrl-C stops it.\n`,
  );
  await stopped;
  stopListening();
  try {
    await proxy.close();
  } catch (error) {
    io.stderr.write(`ssm-history proxy: closing: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return 0;
}
