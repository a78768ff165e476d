import type { Page } from 'playwright-core';
import { apiJson, expectAccessibleInBothSchemes, saveScreenshot, startConsole, type ConsoleUnderTest, type ListedItem } from './support';

/** The executions list: filters in the URL, newest first, paged with the keyboard. */
interface ItemPage {
  items: ListedItem[];
  nextToken?: string;
}

/** The execution ids the table lists, in order. */
const listedIds = (page: Page): Promise<string[]> => page.locator('table.executions tbody a.execution-link').allTextContents();

const idOf = (item: ListedItem): string => item.commandId ?? item.windowExecutionId ?? item.executionId ?? (item as { automationExecutionId?: string }).automationExecutionId ?? (item as { sessionId?: string }).sessionId ?? '';

/** Waits for the list of this URL to be drawn (the table, or the empty message). */
async function listLoaded(page: Page): Promise<void> {
  await page.locator('section[aria-busy="false"]').waitFor();
}

describe('the console executions list', () => {
  let ui: ConsoleUnderTest;

  beforeAll(async () => {
    ui = await startConsole();
  });
  afterAll(() => ui.stop());
  afterEach(() => expect(ui.pageErrors).toEqual([]));

  it('filters to failures with the status checkboxes and a time preset, the URL carrying each filter', async () => {
    const page = await ui.newPage();
    await page.goto('/console/executions');
    await listLoaded(page);
    await expect(page.locator('nav[aria-label="Console"] a[aria-current="page"]').textContent()).resolves.toBe('Executions');
    const everything = await apiJson<ItemPage>(ui.mode, '/executions?limit=25');
    expect(await listedIds(page)).toEqual(everything.items.map(idOf));

    await page.getByRole('checkbox', { name: 'Failed' }).check();
    await page.waitForURL((url) => url.searchParams.get('status') === 'Failed');
    await listLoaded(page);
    const failed = await apiJson<ItemPage>(ui.mode, '/executions?status=Failed&limit=25');
    expect(failed.items.length).toBeGreaterThan(1);
    expect(await listedIds(page)).toEqual(failed.items.map(idOf));
    const statuses = await page.locator('table.executions tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    // The API matches statuses ignoring case and underscores: a window execution's is FAILED.
    expect(statuses.length).toBe(failed.items.length);
    expect(statuses.filter((status) => !/^failed$/i.test(status ?? ''))).toEqual([]);
    // A failed entry's error excerpt is shown beside it.
    const withError = failed.items.find((item) => item.error !== undefined);
    if (withError?.error === undefined) throw new Error('the seeded day has no failure with an error excerpt');
    await expect(page.locator('table.executions pre.excerpt').first().textContent()).resolves.toContain(withError.error.split('\n')[0]);

    await page.getByRole('checkbox', { name: 'TimedOut' }).check();
    await page.waitForURL((url) => url.searchParams.get('status') === 'Failed,TimedOut');
    await page.getByRole('radio', { name: 'Last 24 hours' }).check();
    await page.waitForURL((url) => url.searchParams.get('since') === '24h' && url.searchParams.get('status') === 'Failed,TimedOut');
    await listLoaded(page);
    const recent = await apiJson<ItemPage>(ui.mode, '/executions?status=Failed,TimedOut&since=24h&limit=25');
    expect(await listedIds(page)).toEqual(recent.items.map(idOf));

    await page.getByLabel('Kind').selectOption('command');
    await page.waitForURL((url) => url.searchParams.get('kind') === 'command');
    await listLoaded(page);
    expect(await page.locator('table.executions tbody tr td:nth-child(2)').allTextContents()).toEqual(expect.arrayContaining(['Command']));
    expect(new Set(await page.locator('table.executions tbody tr td:nth-child(2)').allTextContents())).toEqual(new Set(['Command']));

    await expectAccessibleInBothSchemes(page);
    await saveScreenshot(page, 'executions-filtered');

    // The URL alone reproduces the view: a fresh page shows the same filters checked.
    const again = await ui.newPage();
    await again.goto(page.url());
    await listLoaded(again);
    await expect(again.getByRole('checkbox', { name: 'Failed' }).isChecked()).resolves.toBe(true);
    await expect(again.getByRole('checkbox', { name: 'TimedOut' }).isChecked()).resolves.toBe(true);
    await expect(again.getByRole('radio', { name: 'Last 24 hours' }).isChecked()).resolves.toBe(true);
    await expect(again.getByLabel('Kind').inputValue()).resolves.toBe('command');
    expect(await listedIds(again)).toEqual(await listedIds(page));
  });

  it('applies the document name and node fields and a custom time range on submit', async () => {
    const page = await ui.newPage();
    await page.goto('/console/executions?kind=command-invocation');
    await listLoaded(page);
    const node = (await apiJson<ItemPage>(ui.mode, '/executions?kind=command-invocation&limit=1')).items[0]?.instanceId;
    if (node === undefined) throw new Error('no invocation');
    await page.getByLabel('Node ID').fill(node);
    await page.getByLabel('Document name').fill('AWS-RunShellScript');
    await page.getByLabel('Document name').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('instanceId') === node && url.searchParams.get('documentName') === 'AWS-RunShellScript');
    await listLoaded(page);
    const nodes = new Set(await page.locator('table.executions tbody a.node-link').allTextContents());
    expect([...nodes].every((label) => label.startsWith(node))).toBe(true);
    expect(new Set(await page.locator('table.executions tbody tr td:nth-child(5)').allTextContents())).toEqual(new Set(['AWS-RunShellScript']));

    await page.getByRole('radio', { name: 'Custom' }).check();
    await page.getByLabel('From', { exact: true }).fill('2020-01-01T00:00');
    await page.getByLabel('To', { exact: true }).fill('2020-01-02T00:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.get('since') === new Date('2020-01-01T00:00').toISOString() && url.searchParams.get('until') === new Date('2020-01-02T00:00').toISOString());
    await listLoaded(page);
    await expect(page.locator('p.empty').textContent()).resolves.toBe('Nothing matches.');
  });

  it('pages with the keyboard: Tab to Next, Enter, and Previous back', async () => {
    const page = await ui.newPage();
    await page.goto('/console/executions');
    await listLoaded(page);
    const first = await apiJson<ItemPage>(ui.mode, '/executions?limit=25');
    if (first.nextToken === undefined) throw new Error('the seeded day fits in one page');
    const second = await apiJson<ItemPage>(ui.mode, `/executions?limit=25&nextToken=${encodeURIComponent(first.nextToken)}`);

    // From the table's last link, Tab reaches Next (Previous is disabled on the first page).
    await page.locator('table.executions tbody a').last().focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Next');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('token') === first.nextToken);
    await listLoaded(page);
    expect(await listedIds(page)).toEqual(second.items.map(idOf));
    await expect(page.locator('.page-number').textContent()).resolves.toBe('Page 2');
    // Focus stays on Next: paging on is another Enter.
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Next');

    await page.keyboard.press('Shift+Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Previous');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.searchParams.has('token'));
    await listLoaded(page);
    expect(await listedIds(page)).toEqual(first.items.map(idOf));
    await expect(page.locator('.page-number').textContent()).resolves.toBe('Page 1');
  });

  it("shows the API's message when it refuses a filter", async () => {
    const page = await ui.newPage();
    await page.goto('/console/executions?status=Exploded');
    await page.getByRole('alert').waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('status "Exploded" is not one of');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('HTTP 400');
  });

  it('has a skip link to the main content, first in the tab order', async () => {
    const page = await ui.newPage();
    await page.goto('/console/executions');
    await listLoaded(page);
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('main');
  });
});
