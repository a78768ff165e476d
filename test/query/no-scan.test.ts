import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand as DocumentScanCommand } from '@aws-sdk/lib-dynamodb';
import { SCAN_REFUSED, startDynalite, type TestDatabase } from '../support/databases';

/**
 * The archive never scans: every test database refuses a Scan (test/support/databases.ts),
 * so each suite that reads the archive through one (the round trips of every kind, the views,
 * local mode) fails on a Scan where it happens. This shows the refusal holds, for the raw and
 * the document client alike; the IAM conformance check adds that no role is granted one.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await startDynalite();
});
afterAll(async () => {
  await database.stop();
});

it('a test database refuses a Scan, raw or through the document client', async () => {
  const tables = await database.tables('noscan');
  await expect(database.client.send(new ScanCommand({ TableName: tables.commands }))).rejects.toThrow(SCAN_REFUSED);
  await expect(database.doc.send(new DocumentScanCommand({ TableName: tables.commands }))).rejects.toThrow(SCAN_REFUSED);
  expect(database.calls.count('Scan')).toBe(2);
});
