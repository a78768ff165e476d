import { prefixedTableNames } from '../../lambdas/sources/tables';
import { banner, parseDuration, parseLocalModeArguments, UsageError, USAGE, type LocalModeSummary } from '../../local/local-mode';

describe("local mode's command line", () => {
  it('has the documented defaults', () => {
    // No --ssm: the simulator, decided when local mode starts (see ssm-source.test.ts).
    expect(parseLocalModeArguments([])).toEqual({ port: 3000, dataDir: '.local-data', pollIntervalMs: 300_000, help: false });
  });

  it.each(['simulator', 'aws'] as const)('reads --ssm %s', (source) => {
    expect(parseLocalModeArguments(['--ssm', source]).ssm).toBe(source);
    expect(parseLocalModeArguments([`--ssm=${source}`]).ssm).toBe(source);
  });

  it('describes --ssm in its help', () => {
    expect(USAGE).toContain('--ssm <source>');
    expect(USAGE).toMatch(/simulator \(default\)/);
    expect(USAGE).toMatch(/aws: real SSM in --region/);
    expect(USAGE).toContain('whatever AWS credentials the environment holds');
  });

  it('reads every option', () => {
    expect(
      parseLocalModeArguments([
        '--port', '0',
        '--data-dir', '/tmp/archive',
        '--ssm-endpoint', 'http://127.0.0.1:4583',
        '--dynamodb-endpoint=http://localhost:8000',
        '--region', 'eu-west-1',
        '--poll-interval', '90s',
      ]),
    ).toEqual({
      port: 0,
      dataDir: '/tmp/archive',
      ssmEndpoint: 'http://127.0.0.1:4583',
      dynamodbEndpoint: 'http://localhost:8000',
      region: 'eu-west-1',
      pollIntervalMs: 90_000,
      help: false,
    });
    expect(parseLocalModeArguments(['-h']).help).toBe(true);
  });

  it.each([
    [['--port', 'http'], /--port must be a whole number from 0 to 65535, got "http"/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--port', '-1'], /--port/],
    [['--ssm', 'real'], /--ssm must be one of simulator, aws \(default simulator\), got "real"/],
    [['--ssm', 'AWS'], /--ssm must be one of simulator, aws/],
    [['--ssm', ''], /--ssm needs a value/],
    [['--ssm'], /--ssm/],
    [['--ssm-endpoint', 'localhost:4583'], /--ssm-endpoint must be an http:\/\/ or https:\/\/ URL/],
    [['--dynamodb-endpoint', 'not a url'], /--dynamodb-endpoint must be a URL such as http:\/\/127.0.0.1:8000/],
    [['--region', 'Ireland'], /--region must be an AWS Region such as eu-west-1, got "Ireland"/],
    [['--poll-interval', 'often'], /--poll-interval must be a duration of at least 1s, such as 90s, 5m or 1h, got "often"/],
    [['--poll-interval', '500ms'], /at least 1s/],
    [['--data-dir', ''], /--data-dir needs a value/],
    [['--prot', '3000'], /Unknown option '--prot'/],
    [['--port'], /--port/],
    [['start'], /Unexpected argument 'start'/],
  ])('rejects %j with a clear UsageError', (argv, message) => {
    let thrown: unknown;
    try {
      parseLocalModeArguments(argv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toMatch(message);
  });

  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1500ms', 1_500],
    ['45', 45_000],
    ['2.5m', 150_000],
    ['5 minutes', undefined],
    ['-5m', undefined],
  ])('reads the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('the startup text', () => {
  const summary: LocalModeSummary = {
    url: 'http://127.0.0.1:3000',
    dataDir: '/work/main/.local-data',
    region: 'us-east-1',
    pollIntervalMs: 300_000,
    organization: undefined,
    database: { description: 'dynalite (embedded)', endpoint: 'http://127.0.0.1:40000', path: '/work/main/.local-data/dynalite', tableNames: prefixedTableNames('t-') },
    ssm: {
      source: 'simulator',
      description: 'the SSM simulator at http://127.0.0.1:40001',
      endpoint: 'http://127.0.0.1:40001',
      reason: 'default; pass --ssm aws to read real SSM',
    },
    seed: { commands: 18, invocations: 164, automations: 6, associationExecutions: 10, windowExecutions: 4, sessions: 12, events: 547, collectedNow: true, endedAt: '2026-01-01T00:00:00.000Z', resumedCommands: 0 },
    startupMs: 2_345,
  };

  it('says where everything is and gives the three things to try first', () => {
    const text = banner(summary, 3_210);
    expect(text).toContain('ready in 3.2 s');
    expect(text).toContain('18 commands (164 invocations), 6 runbook executions, 10 association runs, 4 maintenance window runs and 12 shell sessions');
    expect(text).toContain('http://127.0.0.1:40000');
    expect(text).toContain('/work/main/.local-data/dynalite');
    expect(text).toContain('  SSM          the SSM simulator at http://127.0.0.1:40001 (default; pass --ssm aws to read real SSM)\n');
    expect(text).toContain('Pollers      every 5m (--poll-interval)');
    expect(text).toContain('/status');
    expect(text).toContain("curl -s 'http://127.0.0.1:3000/executions?limit=5'");
    expect(text).toMatch(/AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1 \\\n\s+aws ssm list-command-invocations --endpoint-url http:\/\/127\.0\.0\.1:3000 --details/);
    expect(text).toContain('npx ssm-history executions --endpoint http://127.0.0.1:3000');
  });

  it('says when events can only arrive through POST /events', () => {
    const ssm = {
      source: 'aws',
      description: 'AWS Systems Manager in eu-west-1',
      endpoint: undefined,
      reason: '--ssm aws; Region from AWS_REGION, credentials from AWS_PROFILE=ops',
    } as const;
    const text = banner({ ...summary, seed: undefined, ssm });
    expect(text).toContain('  SSM          AWS Systems Manager in eu-west-1 (--ssm aws; Region from AWS_REGION, credentials from AWS_PROFILE=ops)\n');
    expect(text).toContain('events reach the collector only through POST /events');
    expect(text).toContain('ready in 2.3 s');
  });
});
