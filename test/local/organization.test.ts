import { startLocalMode, type LocalMode } from '../../local/local-mode';
import { eventually, recordingLog, request, tempDataDir } from './support';

/**
 * `npm start -- --accounts 3` plays an organization: three accounts in two Regions, each its own
 * simulated SSM, their events on the archive's queue, their SSM read through the member read
 * roles from the STS stand-in; the views and GET /status tell the accounts and Regions apart.
 */
interface ListedItem {
  readonly commandId: string;
  readonly kind: string;
  readonly account: string;
  readonly region: string;
}

describe('local mode plays an organization', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let mode: LocalMode;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    mode = await startLocalMode({ port: 0, dataDir: dataDir.path, pollIntervalMs: 60 * 60_000, env: {}, logger: recordingLog(), commandIntervalMs: 0, organization: { accounts: 3 } });
  }, 90_000);
  afterAll(async () => {
    await mode.stop();
    await dataDir.remove();
  });

  it('collects three accounts in two Regions, the home first', () => {
    expect(mode.organization).toEqual({
      accounts: ['123456789012', '200000000001', '200000000002'],
      regions: ['us-east-1', 'eu-west-1'],
      memberCommands: 15,
    });
  });

  it("archives each member's commands under its account and Region, and filters the timeline by them", async () => {
    const listed = await eventually('the member commands archived', async () => {
      const { body } = await request(`${mode.url}/executions?account=200000000002&region=eu-west-1&kind=command&limit=50`);
      const items = (body as { items: ListedItem[] }).items;
      return items.length >= 3 ? items : undefined;
    }, 60_000);
    expect(listed.every((item) => item.account === '200000000002' && item.region === 'eu-west-1')).toBe(true);
    const { body: home } = await request(`${mode.url}/executions?account=123456789012&region=us-east-1&kind=command&limit=50`);
    const homeItems = (home as { items: ListedItem[] }).items;
    expect(homeItems.length).toBeGreaterThan(0);
    expect(homeItems.every((item) => item.account === '123456789012' && item.region === 'us-east-1')).toBe(true);
    const homeIds = new Set(homeItems.map((item) => item.commandId));
    expect(listed.some((item) => homeIds.has(item.commandId))).toBe(false);
  });

  it('polls every account and Region, each with its own checkpoint, and reports them in GET /status', async () => {
    const results = await mode.pollers?.pollNow();
    expect(results?.filter((result) => result.kind === 'run-command')).toHaveLength(6);
    expect(results?.every((result) => result.error === undefined)).toBe(true);
    const { status, body } = await request(`${mode.url}/status`);
    expect(status).toBe(200);
    const text = JSON.stringify(body);
    for (const account of ['123456789012', '200000000001', '200000000002']) expect(text).toContain(account);
    expect(text).toContain('eu-west-1');
  });
});
