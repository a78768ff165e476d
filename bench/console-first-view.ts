import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { chromium } from 'playwright-core';
import { startLocalMode } from '../local/local-mode';
import { seedArchive } from './archive-seed';

export interface ConsoleFirstViewFigures {
  /** Invocations in the archive: the seeded ones and local mode's own seeded day. */
  readonly invocations: number;
  /** From navigation to /console to the overview's three sections drawn, in a fresh browser context each time, ms. */
  readonly firstViewMs: readonly number[];
  /** The console's script as served, and gzip-compressed (level 9, as a server would send it at best). */
  readonly scriptBytes: number;
  readonly scriptGzipBytes: number;
}

/** Debian's Chromium, the browser the console's tests run in. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** What the overview shows once every section has its answer: the chart drawn, a health row per kind, the alerts (or none). */
const DRAWN = ['canvas[data-drawn="true"]', 'table.health tbody tr', 'section[aria-labelledby="alerts-heading"] :is(ol.alerts, p.empty)'];

/**
 * The console's first view in local mode over an archive of `commands` commands x `fleetSize`
 * nodes: local mode runs in-process against a dynalite the bench seeds (besides local mode's
 * own seeded day), and Chromium opens /console `views` times, each in a fresh context (no
 * cached script, no cached answers), timed until the overview is drawn.
 */
export async function benchConsoleFirstView(commands: number, fleetSize: number, views: number): Promise<ConsoleFirstViewFigures> {
  const database = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(database.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const dataDir = await mkdtemp(join(tmpdir(), 'ssm-history-console-bench-'));
  const mode = await startLocalMode({ port: 0, dataDir, dynamodbEndpoint: endpoint, pollIntervalMs: 0, env: {}, commandIntervalMs: 0, printAlert: () => undefined, logger: silentLog });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    // Ending now: its failures fill the chart's last days.
    await seedArchive(DynamoDBDocumentClient.from(client), mode.database.tableNames, commands, fleetSize, new Date());
    const seededDay = mode.seed === undefined ? 0 : mode.seed.invocations;
    const firstViewMs: number[] = [];
    let script = '';
    for (let view = 0; view < views; view++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('response', (response) => {
        if (/\/console\/assets\/app-[0-9a-f]+\.js$/.test(response.url())) void response.text().then((text) => (script = text));
      });
      const started = performance.now();
      await page.goto(`${mode.url}/console`);
      await Promise.all(DRAWN.map((selector) => page.locator(selector).first().waitFor({ timeout: 30_000 })));
      firstViewMs.push(performance.now() - started);
      await context.close();
    }
    return {
      invocations: commands * fleetSize + seededDay,
      firstViewMs,
      scriptBytes: Buffer.byteLength(script),
      scriptGzipBytes: gzipSync(script, { level: 9 }).length,
    };
  } finally {
    await browser.close();
    await mode.stop();
    client.destroy();
    await new Promise((resolve) => database.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const silentLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
