import { historyKinds } from '../../lambdas/core/model';
import { eventually } from '../local/support';
import { apiJson, expectAccessibleInBothSchemes, saveScreenshot, sendFailingCommand, startConsole, type ConsoleUnderTest } from './support';

/** The overview: failures per day (Chart.js), the latest alerts, each kind's collection health. */
interface DailyFailures {
  kinds: string[];
  days: { day: string; counts: Record<string, number> }[];
}
interface KindStatus {
  kind: string;
  lastSuccessfulPollAt?: string;
  recordsStored: number;
}

describe('the console overview', () => {
  let ui: ConsoleUnderTest;
  let failing: Awaited<ReturnType<typeof sendFailingCommand>>;

  beforeAll(async () => {
    // Pollers on, once an hour: the first poll (the backfill) gives every kind a watermark.
    ui = await startConsole({ pollIntervalMs: 3_600_000 });
    failing = await sendFailingCommand(ui.mode);
    await eventually(
      'every kind polled once',
      async () => {
        const { kinds } = await apiJson<{ kinds: KindStatus[] }>(ui.mode, '/status');
        return kinds.every((kind) => kind.lastSuccessfulPollAt !== undefined) ? true : undefined;
      },
      30_000,
    );
  });
  afterAll(() => ui.stop());
  afterEach(() => expect(ui.pageErrors).toEqual([]));

  it('shows collection health per kind, the latest alerts linking to their executions, and is accessible in light and dark', async () => {
    const page = await ui.newPage();
    await page.goto('/console');
    await expect(page.title()).resolves.toBe('Overview · ssm-history console');
    await page.locator('nav[aria-label="Console"] a[aria-current="page"]', { hasText: 'Overview' }).waitFor();

    // One row per history kind, each with the records /status counts.
    const { kinds } = await apiJson<{ kinds: KindStatus[] }>(ui.mode, '/status');
    await page.locator('table.health tbody tr').first().waitFor();
    expect(await page.locator('table.health tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-kind')))).toEqual([...historyKinds]);
    for (const kind of kinds) {
      const row = page.locator(`table.health tr[data-kind="${kind.kind}"]`);
      await expect(row.locator('td.number').first().textContent()).resolves.toBe(String(kind.recordsStored));
      await expect(row.locator('time').count()).resolves.toBeGreaterThanOrEqual(2);
    }

    // The newest alert first: the failing command's, linking to the command.
    const alert = page.locator('ol.alerts > li').first();
    await expect(alert.locator('a.execution-link').getAttribute('href')).resolves.toBe(`/console/executions/${failing.commandId}`);
    await expect(alert.textContent()).resolves.toContain(failing.failedNode);
    await expect(alert.locator('pre.excerpt').textContent()).resolves.toContain('Job for nginx.service failed');

    await expectAccessibleInBothSchemes(page);
    await saveScreenshot(page, 'overview');
    await page.emulateMedia({ colorScheme: 'dark' });
    await saveScreenshot(page, 'overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Following the alert is a client-side navigation to the command, focus on its heading.
    await alert.locator('a.execution-link').click();
    await page.waitForURL(`**/console/executions/${failing.commandId}`);
    await page.locator('h1 .kind-label', { hasText: 'Command' }).waitFor();
    await expect(page.locator('h1 .execution-id').textContent()).resolves.toBe(failing.commandId);
    await expect(page.evaluate('document.activeElement.tagName')).resolves.toBe('H1');
    await expect(page.title()).resolves.toBe(`Command ${failing.commandId} · ssm-history console`);
  });

  it('draws failures per day by kind as a stacked bar chart, its numbers in a table for assistive technology', async () => {
    const daily = await apiJson<DailyFailures>(ui.mode, '/failures/daily?days=14');
    const page = await ui.newPage();
    const answered = page.waitForResponse((response) => response.url().endsWith('/failures/daily?days=14'));
    await page.goto('/console');
    expect((await answered).status()).toBe(200);
    const canvas = page.locator('canvas[data-drawn="true"]');
    await canvas.waitFor();
    // Drawn: some pixel of the canvas is not transparent.
    await expect(canvas.evaluate((element: { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } }; width: number; height: number }) =>
      element.getContext('2d').getImageData(0, 0, element.width, element.height).data.some((value, index) => index % 4 === 3 && value > 0),
    )).resolves.toBe(true);

    const total = daily.days.reduce((sum, day) => sum + Object.values(day.counts).reduce((a, b) => a + b, 0), 0);
    expect(total).toBeGreaterThan(0);
    await expect(canvas.getAttribute('aria-label')).resolves.toContain(`${total} in total`);
    await expect(canvas.getAttribute('role')).resolves.toBe('img');
    // The hidden table: one row per day, one column per kind, the API's counts.
    const rows = page.locator('figure.chart table tbody tr');
    await expect(rows.count()).resolves.toBe(14);
    const today = daily.days[daily.days.length - 1];
    if (!today) throw new Error('no days');
    await expect(rows.last().locator('th').textContent()).resolves.toBe(today.day);
    await expect(rows.last().locator('td').allTextContents()).resolves.toEqual(daily.kinds.map((kind) => String(today.counts[kind] ?? 0)));
  });
});
