import type { LocalModeSummary } from './local-mode';

/** Local mode's startup text: where everything is, and what to try first. */
export function banner(mode: LocalModeSummary, readyMs: number = mode.startupMs): string {
  const url = mode.url;
  const minutes = mode.pollIntervalMs / 60_000;
  const interval = Number.isInteger(minutes) ? `${minutes}m` : `${mode.pollIntervalMs / 1000}s`;
  const lines = [
    `ssm-history local mode: ready in ${(readyMs / 1000).toFixed(1)} s`,
    '',
    `  API          ${url}  (unsigned, loopback only)`,
    `               POST / (SSM's JSON protocol), GET /executions, GET /executions/{id}, GET /instances/{instanceId}/history, GET /status, GET /alerts, POST /events`,
    `  Console      ${url}/console  (the archive in a browser: failures, executions, outputs, nodes)`,
    `  DynamoDB     ${mode.database.description} at ${mode.database.endpoint}${mode.database.path ? `, files in ${mode.database.path}` : ''}`,
    `  SSM          ${mode.ssm.description} (${mode.ssm.reason})`,
  ];
  if (mode.seed) {
    lines.push(
      `               seeded with a day of ${mode.seed.commands} commands (${mode.seed.invocations} invocations), ` +
        `${mode.seed.automations} runbook executions, ${mode.seed.associationExecutions} association runs, ` +
        `${mode.seed.windowExecutions} maintenance window runs and ${mode.seed.sessions} shell sessions up to ${mode.seed.endedAt}` +
        (mode.seed.collectedNow ? ', collected now' : ', already in the archive'),
      `               and a new command every so often while this runs (its events go to the collector as they happen)`,
    );
    if (mode.seed.resumedCommands > 0) {
      lines.push(`               ${mode.seed.resumedCommands} command(s) still running at the last stop are playing on`);
    }
  } else {
    lines.push(`               events reach the collector only through POST /events (nothing sends SSM's events here)`);
  }
  if (mode.organization) {
    const members = mode.organization.accounts.length * mode.organization.regions.length - 1;
    lines.push(
      `  Organization ${mode.organization.accounts.length} accounts (${mode.organization.accounts.join(', ')}) in ${mode.organization.regions.join(', ')}: ` +
        `${members} member account-Regions besides ${mode.organization.accounts[0] ?? ''}/${mode.region},`,
      `               each its own simulated SSM (${mode.organization.memberCommands} commands in the last hour), read through its read role from a local STS stand-in;`,
      `               their events reach the queue as the archive's central bus delivers them (--accounts 1 --regions ${mode.region}: one account)`,
    );
  }
  lines.push(
    `  Collector    in-process, behind a local work queue (batches of up to 10)`,
    `  Alerts       each failure of the last hour and from now on, once: printed here and listed at GET /alerts`,
    mode.pollIntervalMs > 0
      ? `  Pollers      every ${interval} (--poll-interval): list what SSM holds since each kind's watermark (the first poll backfills 30 days); GET /status`
      : `  Pollers      off`,
    `  Data dir     ${mode.dataDir} (the archive survives restarts; delete the folder to start afresh)`,
    '',
    'Try:',
    `  curl -s '${url}/executions?limit=5'`,
    `  curl -s '${url}/status'`,
    ...(mode.organization
      ? [
          `  curl -s '${url}/executions?account=${mode.organization.accounts[1] ?? mode.organization.accounts[0] ?? ''}&region=${mode.organization.regions[0] ?? mode.region}&limit=5'`,
        ]
      : []),
    `  curl -s '${url}/alerts?limit=5'`,
    `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=${mode.region} \\`,
    `    aws ssm list-command-invocations --endpoint-url ${url} --details`,
    `  npx ssm-history executions --endpoint ${url}`,
    '',
    'Send an event as EventBridge would:',
    `  curl -s -X POST ${url}/events -H 'content-type: application/json' -d @test/fixtures/aws/command-invocation-status-change.json`,
    '',
    'Ctrl-C stops it.',
  );
  return `${lines.join('\n')}\n`;
}
