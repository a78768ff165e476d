/** `npx ssm-history`: reads the archive's views (see cli/args.ts for the usage). */
import { runCli } from '../cli/main';

void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
  process.exitCode = code;
});
