import { apiJson, expectAccessibleInBothSchemes, saveScreenshot, startConsole, type ConsoleUnderTest, type ListedItem } from './support';

/** One node's history, newest first, paged. */
interface ItemPage {
  items: ListedItem[];
  nextToken?: string;
}

const PAGE_SIZE = 25;

describe('the console node page', () => {
  let ui: ConsoleUnderTest;

  beforeAll(async () => {
    ui = await startConsole();
  });
  afterAll(() => ui.stop());
  afterEach(() => expect(ui.pageErrors).toEqual([]));

  it("lists a node's history newest first as the API does, and pages through it", async () => {
    const fleet = ui.mode.simulator?.fleet ?? [];
    const histories = await Promise.all(fleet.map(async (node) => ({ node, first: await apiJson<ItemPage>(ui.mode, `/instances/${node.instanceId}/history?limit=${PAGE_SIZE}`) })));
    const busy = histories.find(({ first }) => first.nextToken !== undefined);
    if (busy === undefined) throw new Error('no node of the seeded fleet has more than one page of history');
    const { node, first } = busy;
    const second = await apiJson<ItemPage>(ui.mode, `/instances/${node.instanceId}/history?limit=${PAGE_SIZE}&nextToken=${encodeURIComponent(first.nextToken ?? '')}`);

    const page = await ui.newPage();
    await page.goto(`/console/nodes/${node.instanceId}`);
    await expect(page.title()).resolves.toBe(`Node ${node.instanceId} · ssm-history console`);
    await page.locator('section[aria-busy="false"] table.executions').waitFor();
    const rows = page.locator('table.executions tbody tr');
    await expect(rows.count()).resolves.toBe(first.items.length);
    await expect(rows.locator('td:nth-child(2)').allTextContents()).resolves.toEqual(first.items.map((item) => kindLabelOf(item.kind)));
    // Every entry is this node's, and newest first.
    const nodes = await rows.locator('a.node-link').allTextContents();
    expect(nodes.every((label) => label.startsWith(node.instanceId))).toBe(true);
    const times = await rows.locator('time').evaluateAll((elements) => elements.map((element) => element.getAttribute('datetime') ?? ''));
    expect([...times].sort().reverse()).toEqual(times);

    await expectAccessibleInBothSchemes(page);
    await saveScreenshot(page, 'node');

    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL((url) => url.searchParams.get('token') === first.nextToken);
    await page.locator('section[aria-busy="false"]').waitFor();
    await expect(page.locator('.page-number').textContent()).resolves.toBe('Page 2');
    await expect(rows.count()).resolves.toBe(second.items.length);
    await expect(rows.locator('a.execution-link').allTextContents()).resolves.toEqual(second.items.map((item) => item.commandId ?? item.executionId ?? (item as { sessionId?: string }).sessionId ?? ''));
  });
});

const kindLabelOf = (kind: string): string => ({ 'command-invocation': 'Command invocation', 'association-target': 'Association target', session: 'Session' })[kind] ?? kind;
