/**
 * `npm start`: local mode. Reads the command line, starts everything in-process, prints
 * where it is, and stops cleanly on Ctrl-C (SIGINT) or SIGTERM, exiting 0.
 */
import {
  banner,
  LocalStateError,
  parseLocalModeArguments,
  PortInUseError,
  startLocalMode,
  USAGE,
  UsageError,
  type LocalMode,
} from '../local/local-mode';

async function main(): Promise<number> {
  let args;
  try {
    args = parseLocalModeArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ssm-history local mode: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  // Listened for from the start: a Ctrl-C while starting stops cleanly once started.
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  let mode: LocalMode;
  try {
    mode = await startLocalMode(args);
  } catch (error) {
    // Options that parse but do not fit together or with the environment (e.g. --ssm aws without a Region).
    if (error instanceof UsageError) {
      process.stderr.write(`ssm-history local mode: ${error.message}\n(npm start -- --help lists the options)\n`);
      return 2;
    }
    if (error instanceof PortInUseError || error instanceof LocalStateError) {
      process.stderr.write(`ssm-history local mode: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  // Since the process started: what someone typing `npm start` waits for.
  process.stdout.write(banner(mode, performance.now()));

  const received = await signal;
  process.stdout.write(`\n${received}: stopping (collecting what is queued, closing the archive)...\n`);
  // A second signal while stopping means "now".
  const again = () => process.exit(1);
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  await mode.stop();
  process.stdout.write('Stopped.\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`ssm-history local mode failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
