import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '../../lambdas/alerts/alert';
import { ALERTS_FILE, LocalAlertLog } from '../../local/local-mode/alert-log';

const alert = (n: number): Alert =>
  ({ subject: `SSM Run Command Failed: ${n}`, body: { kind: 'command-invocation', status: 'Failed', instanceId: `i-${n}` }, messageAttributes: {} }) as unknown as Alert;

describe('local mode\'s alert log', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'alert-log-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps concurrent publishes in one order: the list newest first, the file, the times and the ids agree', async () => {
    let clock = Date.parse('2026-11-20T10:00:00.000Z');
    const log = await LocalAlertLog.open({ dataDir, print: () => undefined, now: () => new Date((clock += 1)) });
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => log.publish(alert(n))));
    expect(ids.map((id) => id.messageId)).toEqual(['local-1', 'local-2', 'local-3', 'local-4', 'local-5']);
    const listed = log.list();
    expect(listed.map((entry) => entry.instanceId)).toEqual(['i-5', 'i-4', 'i-3', 'i-2', 'i-1']);
    expect(listed.map((entry) => entry.publishedAt)).toEqual([...listed.map((entry) => entry.publishedAt)].sort().reverse());
    const filed = readFileSync(join(dataDir, ALERTS_FILE), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { messageId: string }).messageId);
    expect(filed).toEqual(['local-1', 'local-2', 'local-3', 'local-4', 'local-5']);
    // A restart reads them back in the same order.
    expect((await LocalAlertLog.open({ dataDir, print: () => undefined })).list()).toEqual(listed);
  });
});
