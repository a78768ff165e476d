import { apiJson, expectAccessibleInBothSchemes, FAILING_STDERR, saveScreenshot, sendFailingCommand, startConsole, type ConsoleUnderTest, type ListedItem } from './support';

/** One execution: its record, its children with their output, its lineage as links. */
interface LineageLink {
  kind: string;
  id: string;
  ids: Record<string, string>;
}
interface Detail {
  kind: string;
  started: LineageLink[];
  startedBy: LineageLink[];
}

describe('the console execution page', () => {
  let ui: ConsoleUnderTest;

  beforeAll(async () => {
    ui = await startConsole();
  });
  afterAll(() => ui.stop());
  afterEach(() => expect(ui.pageErrors).toEqual([]));

  it("shows a failed command's invocations, each one's error output once expanded, and links to the node", async () => {
    const failing = await sendFailingCommand(ui.mode);
    const page = await ui.newPage();
    await page.goto(`/console/executions/${failing.commandId}`);
    await page.locator('h1 .kind-label', { hasText: 'Command' }).waitFor();
    await expect(page.title()).resolves.toBe(`Command ${failing.commandId} · ssm-history console`);
    await expect(page.locator('.status-line .badge').textContent()).resolves.toBe('Failed');
    await expect(page.locator('.key-fields').textContent()).resolves.toContain('AWS-RunShellScript');
    await expect(page.locator('ol.timeline li').first().textContent()).resolves.toContain('Requested');

    const invocations = page.locator('details.child');
    await expect(invocations.count()).resolves.toBe(3);
    const failed = page.locator(`details.child[data-instance-id="${failing.failedNode}"]`);
    await expect(failed.locator('summary').textContent()).resolves.toContain('Failed');
    // Closed, it has read nothing; opened (with the keyboard), it reads the plugin's output.
    await expect(failed.locator('pre.output').count()).resolves.toBe(0);
    await failed.locator('summary').focus();
    await page.keyboard.press('Enter');
    const stderr = failed.locator('pre.output-error');
    await stderr.waitFor();
    await expect(stderr.textContent()).resolves.toBe(FAILING_STDERR);
    await expect(failed.locator('pre.output').first().textContent()).resolves.toBe('Restarting nginx\n');

    await expectAccessibleInBothSchemes(page);
    await stderr.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'execution');

    await failed.locator('a.node-link').click();
    await page.waitForURL(`**/console/nodes/${failing.failedNode}`);
    await page.locator('h1', { hasText: failing.failedNode }).waitFor();
  });

  it('links a command a maintenance window started to that window execution, and back', async () => {
    const windows = await apiJson<{ items: ListedItem[] }>(ui.mode, '/executions?kind=maintenance-window-execution&limit=10');
    const details = await Promise.all(windows.items.map((item) => apiJson<Detail & { id: string }>(ui.mode, `/executions/${item.windowExecutionId ?? ''}`)));
    const window = details.find((detail) => detail.started.length > 0);
    const command = window?.started[0];
    if (window === undefined || command === undefined) throw new Error('no seeded maintenance window started a command');

    const page = await ui.newPage();
    await page.goto(`/console/executions/${command.id}`);
    await page.locator('h1 .kind-label', { hasText: 'Command' }).waitFor();
    const startedBy = page.getByRole('list', { name: 'Started by' });
    await expect(startedBy.textContent()).resolves.toContain('Maintenance window task invocation');
    await startedBy.getByRole('link', { name: window.id }).click();
    await page.waitForURL(`**/console/executions/${window.id}`);
    await page.locator('h1 .kind-label', { hasText: 'Maintenance window execution' }).waitFor();
    // The window's tasks, and under its Run Command task the commands its invocations started.
    await expect(page.locator('li.task').count()).resolves.toBeGreaterThan(0);
    const back = page.locator('li.task').getByRole('link', { name: `Command ${command.id}` });
    await expect(back.getAttribute('href')).resolves.toBe(`/console/executions/${command.id}`);
    await expectAccessibleInBothSchemes(page);
    // Back returns to the command, as a page load would.
    await page.goBack();
    await page.locator('h1 .kind-label', { hasText: 'Command' }).waitFor();
    await expect(page.locator('h1 .execution-id').textContent()).resolves.toBe(command.id);
  });

  it("shows an Automation execution's steps with their inputs, outputs and failure, and the command a step started", async () => {
    const failed = await apiJson<{ items: (ListedItem & { automationExecutionId?: string })[] }>(ui.mode, '/executions?kind=automation-execution&status=Failed&limit=10');
    const details = await Promise.all(failed.items.map((item) => apiJson<Detail & { id: string }>(ui.mode, `/executions/${item.automationExecutionId ?? ''}`)));
    const automation = details.find((detail) => detail.started.some((link) => link.kind === 'command'));
    if (automation === undefined) throw new Error('no seeded failed runbook started a command');
    const page = await ui.newPage();
    await page.goto(`/console/executions/${automation.id}`);
    await page.locator('h1 .kind-label', { hasText: 'Automation execution' }).waitFor();
    // The failed step is open at once, with SSM's failure details and its inputs.
    const failedStep = page.locator('details.child[open]');
    await failedStep.locator('h4', { hasText: 'Inputs' }).waitFor();
    await expect(failedStep.locator('summary').textContent()).resolves.toContain('Failed');
    await expect(failedStep.textContent()).resolves.toContain('FailureType');
    await expect(failedStep.locator('h4', { hasText: 'Outputs' }).count()).resolves.toBe(1);
    const command = automation.started.find((link) => link.kind === 'command');
    await expect(page.getByRole('list', { name: 'Started' }).getByRole('link', { name: command?.id ?? '-' }).count()).resolves.toBe(1);
    await expectAccessibleInBothSchemes(page);
  });

  it("shows an association execution's targets, each linking to its node and its command", async () => {
    const runs = await apiJson<{ items: ListedItem[] }>(ui.mode, '/executions?kind=association-execution&limit=1');
    const id = runs.items[0]?.executionId;
    if (id === undefined) throw new Error('no seeded association run');
    const detail = await apiJson<Detail>(ui.mode, `/executions/${id}`);
    const page = await ui.newPage();
    await page.goto(`/console/executions/${id}`);
    await page.locator('h2', { hasText: 'Targets' }).waitFor();
    const rows = page.locator('section:has(h2:text("Targets")) tbody tr');
    await expect(rows.count()).resolves.toBeGreaterThan(0);
    await expect(rows.locator('a.node-link').count()).resolves.toBe(await rows.count());
    await expect(rows.locator('a.execution-link').count()).resolves.toBe(detail.started.length);
  });

  it("shows the API's message for an execution the archive does not hold", async () => {
    const page = await ui.newPage();
    await page.goto('/console/executions/not-an-execution');
    await page.getByRole('alert').waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The archive holds no execution not-an-execution');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('HTTP 404');
  });
});
