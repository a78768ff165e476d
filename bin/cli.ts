/** `npx ssm-history`: reads the archive's views, or serves the deployed one (see cli/args.ts for the usage). */
import { consoleAssets, consoleRoute, isConsolePath } from '../console/assets';
import type { ApiHandler, ApiRequest } from '../lambdas/query/http';
import { runCli } from '../cli/main';

// The proxy serves the console itself; it is built (or read) only when a console page is asked for.
let consolePage: ApiHandler | undefined;
const consolePages = async (request: ApiRequest) => {
  if (!isConsolePath(request.path)) return undefined;
  consolePage ??= consoleRoute(consoleAssets());
  return consolePage(request);
};

void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, { proxy: { localRoutes: consolePages } }).then((code) => {
  process.exitCode = code;
});
