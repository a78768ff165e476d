import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startLocalMode, type LocalMode, type LocalModeOptions } from '../../local/local-mode';
import { eventually, recordingLog, request, tempDataDir } from '../local/support';
import { TEST_TEMP_ENV } from '../support/temp-dir';

/**
 * The console's browser tests: local mode in-process (the simulator's seeded day, on a free
 * loopback port) and Debian's Chromium driven by playwright-core. Nothing is downloaded.
 */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ConsoleUnderTest {
  readonly mode: LocalMode;
  readonly browser: Browser;
  /** Script errors of every page opened: each test expects none. */
  readonly pageErrors: string[];
  /** A page at 1280x800 in the light scheme; each test opens its own with newPage(). */
  newPage(): Promise<Page>;
  stop(): Promise<void>;
}

export async function startConsole(extra: Partial<LocalModeOptions> = {}): Promise<ConsoleUnderTest> {
  const dataDir = await tempDataDir();
  const [mode, browser] = await Promise.all([
    // One account: the members' history is collected in the background after startup, and
    // these pages compare what they list with the API at one moment.
    startLocalMode({
      port: 0,
      dataDir: dataDir.path,
      pollIntervalMs: 0,
      env: {},
      logger: recordingLog(),
      commandIntervalMs: 0,
      printAlert: () => undefined,
      organization: { accounts: 1, regions: ['us-east-1'] },
      ...extra,
    }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  ]);
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  return {
    mode,
    browser,
    pageErrors,
    async newPage() {
      // bypassCSP: axe-core is injected as an inline script, which the console's own policy refuses.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', baseURL: mode.url, bypassCSP: true });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return page;
    },
    async stop() {
      await Promise.all(contexts.map((context) => context.close()));
      await browser.close();
      await mode.stop();
      await dataDir.remove();
    },
  };
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

const AXE_SOURCE: string = (require('axe-core') as { source: string }).source;

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  // A string, not a function: the test's types know nothing of the page's globals.
  const violations = await page.evaluate<AxeViolation[]>(`
    axe.run(document, { resultTypes: ['violations'] }).then((results) =>
      results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      })),
    )`);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Checks the page in the light and the dark scheme, and leaves it in the light one. */
export async function expectAccessibleInBothSchemes(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect({ colorScheme, violations: await seriousAxeViolations(page) }).toEqual({ colorScheme, violations: [] });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * docs/screenshots/<name>.png with UPDATE_SCREENSHOTS=1; otherwise the test's temp folder,
 * so that a normal run leaves the working tree as it was.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'docs', 'screenshots') : join(process.env[TEST_TEMP_ENV] ?? '', 'screenshots');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** The archive's JSON, read beside the browser (to pick what the pages should show). */
export async function apiJson<T>(mode: LocalMode, path: string): Promise<T> {
  const { status, body } = await request(`${mode.url}${path}`);
  if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${JSON.stringify(body)}`);
  return body as T;
}

export interface ListedItem {
  readonly kind: string;
  readonly status?: string;
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly windowExecutionId?: string;
  readonly executionId?: string;
  readonly error?: string;
}

/** The stderr of the failing node of sendFailingCommand's command. */
export const FAILING_STDERR = 'Job for nginx.service failed because the control process exited with error code.\nSee "systemctl status nginx.service" for details.';

/**
 * A command of three nodes whose second fails with FAILING_STDERR, sent through the
 * simulator as it is now; resolves once its alert is listed (the collector has stored it).
 */
export async function sendFailingCommand(mode: LocalMode): Promise<{ commandId: string; failedNode: string; failedNodeName: string }> {
  const simulator = mode.simulator;
  if (!simulator) throw new Error('local mode runs without the simulator');
  const nodes = simulator.fleet.slice(0, 3);
  const commandId = simulator.sendCommand({
    documentName: 'AWS-RunShellScript',
    comment: 'Restart nginx',
    parameters: { commands: ['systemctl restart nginx'] },
    plugins: [{ name: 'aws:runShellScript' }],
    invocations: nodes.map((node, index) => ({
      instanceId: node.instanceId,
      instanceName: node.name,
      startAtMs: 20,
      durationMs: 100,
      outcome: index === 1 ? 'Failed' : 'Success',
      plugins: [{ name: 'aws:runShellScript', stdout: 'Restarting nginx\n', ...(index === 1 ? { stderr: FAILING_STDERR } : {}) }],
    })),
  });
  await eventually('the failing command to be archived and alerted', async () => {
    const alerts = await apiJson<{ items: { commandId?: string }[] }>(mode, '/alerts?limit=100');
    const detail = await apiJson<{ record: { status?: string } }>(mode, `/executions/${commandId}`).catch(() => undefined);
    return alerts.items.some((alert) => alert.commandId === commandId) && detail?.record.status === 'Failed' ? true : undefined;
  });
  const failed = nodes[1];
  if (!failed) throw new Error('the simulated fleet has fewer than three nodes');
  return { commandId, failedNode: failed.instanceId, failedNodeName: failed.name };
}
