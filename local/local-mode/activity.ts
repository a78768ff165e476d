import {
  FLEET_PLUGIN,
  FLEET_SECOND_PLUGIN,
  fleetCommand,
  SeededRandom,
  type AssociationSpec,
  type AutomationSpec,
  type CommandSpec,
  type MaintenanceWindowSpec,
  type SessionSpec,
} from '../ssm-simulator';

/**
 * What the simulator does in local mode: a fleet of nodes with stable ids (from the data dir's
 * fleet seed, so a restart shows the same nodes), a day of activity on them (Run Command,
 * Automation runbooks, State Manager associations, maintenance windows), and a new command every so often while
 * local mode runs. Built on fleetCommand (outcomes, outputs
 * and timings), recast as the documents a team runs: patching, shell scripts, deploys.
 */
export interface FleetNode {
  readonly instanceId: string;
  readonly name: string;
  readonly role: string;
}

const ROLES: readonly [string, number][] = [
  ['web', 6],
  ['api', 5],
  ['worker', 5],
  ['db', 3],
  ['cache', 2],
  ['batch', 3],
];

export function simulatedFleet(seed: number): FleetNode[] {
  const random = new SeededRandom(seed);
  const nodes: FleetNode[] = [];
  const used = new Set<string>();
  for (const [role, count] of ROLES) {
    for (let n = 1; n <= count; n++) {
      let instanceId = `i-0${random.hex(16)}`;
      while (used.has(instanceId)) instanceId = `i-0${random.hex(16)}`;
      used.add(instanceId);
      nodes.push({ instanceId, name: `${role}-${String(n).padStart(2, '0')}.prod.example.internal`, role });
    }
  }
  return nodes;
}

interface Template {
  readonly documentName: string;
  readonly comment: string;
  readonly parameters: Record<string, string[]>;
  /** One or two plugin names (fleetCommand's two-plugin shape for two). */
  readonly plugins: readonly [string] | readonly [string, string];
  readonly roles: readonly string[] | 'all';
  readonly failureRate: number;
  readonly longOutputRate: number;
  readonly timeoutSeconds: number;
  readonly maxErrors?: string;
  /** A short output in the document's own words; default fleetCommand's package-update lines. */
  readonly output?: (node: FleetNode, random: SeededRandom) => string;
}

const SHELL = 'aws:runShellScript';

function diskUsage(node: FleetNode, random: SeededRandom): string {
  const used = random.int(18, 93);
  const data = random.int(5, 97);
  return [
    'Filesystem      Size  Used Avail Use% Mounted on',
    `/dev/nvme0n1p1   40G  ${Math.round((40 * used) / 100)}G  ${40 - Math.round((40 * used) / 100)}G  ${used}% /`,
    `/dev/nvme1n1    500G  ${Math.round((500 * data) / 100)}G  ${500 - Math.round((500 * data) / 100)}G  ${data}% /var/lib/${node.role === 'db' ? 'postgresql' : 'redis'}`,
    '',
  ].join('\n');
}

function agentUpdate(node: FleetNode, random: SeededRandom): string {
  const from = `3.3.${random.int(1500, 1700)}.0`;
  return `Updating amazon-ssm-agent on ${node.name} from ${from} to 3.3.1802.0\nSuccessfully downloaded manifest\nSuccessfully downloaded updater\nInstalling amazon-ssm-agent 3.3.1802.0\namazon-ssm-agent updated successfully to 3.3.1802.0\n`;
}

function serviceRestart(node: FleetNode, random: SeededRandom): string {
  return `Restarting app.service on ${node.name}\n● app.service - App worker\n   Active: active (running) since now; ${random.int(1, 9)}s ago\n Main PID: ${random.int(1000, 65000)} (node)\n`;
}

const TEMPLATES = {
  patch: {
    documentName: 'AWS-RunPatchBaseline',
    comment: 'Weekly patching: install approved patches',
    parameters: { Operation: ['Install'], RebootOption: ['NoReboot'] },
    plugins: ['PatchLinux'],
    roles: 'all',
    failureRate: 0.08,
    longOutputRate: 0.3,
    timeoutSeconds: 600,
    maxErrors: '10%',
  },
  security: {
    documentName: 'AWS-RunShellScript',
    comment: 'Security updates (yum --security)',
    parameters: { commands: ['sudo yum -y update --security'], executionTimeout: ['600'] },
    plugins: [SHELL],
    roles: ['web', 'api'],
    failureRate: 0.1,
    longOutputRate: 0.15,
    timeoutSeconds: 600,
  },
  disk: {
    documentName: 'AWS-RunShellScript',
    comment: 'Disk usage check',
    parameters: { commands: ['df -h / /var/lib/*'], executionTimeout: ['60'] },
    plugins: [SHELL],
    roles: ['db', 'cache'],
    failureRate: 0.03,
    longOutputRate: 0,
    timeoutSeconds: 120,
    output: diskUsage,
  },
  deploy: {
    documentName: 'Custom-DeployAndVerify',
    comment: 'Deploy api release and verify the service',
    parameters: { version: ['2.14.1'], executionTimeout: ['300'] },
    plugins: ['deployRelease', 'verifyService'],
    roles: ['api', 'worker'],
    failureRate: 0.12,
    longOutputRate: 0.05,
    timeoutSeconds: 300,
    maxErrors: '2',
  },
  agent: {
    documentName: 'AWS-UpdateSSMAgent',
    comment: 'Keep the SSM Agent current',
    parameters: { allowDowngrade: ['false'] },
    plugins: ['aws:updateSsmAgent'],
    roles: 'all',
    failureRate: 0.04,
    longOutputRate: 0,
    timeoutSeconds: 300,
    maxErrors: '5%',
    output: agentUpdate,
  },
  restart: {
    documentName: 'AWS-RunShellScript',
    comment: 'Restart the worker service',
    parameters: { commands: ['sudo systemctl restart app && systemctl status app'], executionTimeout: ['120'] },
    plugins: [SHELL],
    roles: ['worker', 'batch'],
    failureRate: 0.15,
    longOutputRate: 0,
    timeoutSeconds: 120,
    output: serviceRestart,
  },
} as const satisfies Record<string, Template>;

type TemplateName = keyof typeof TEMPLATES;

function nodesFor(template: Template, fleet: readonly FleetNode[], random: SeededRandom, sample: boolean): FleetNode[] {
  const eligible = template.roles === 'all' ? [...fleet] : fleet.filter((node) => (template.roles as readonly string[]).includes(node.role));
  if (!sample || eligible.length <= 2) return eligible;
  // A live command targets part of its group, as an operator picking nodes would.
  const shuffled = [...eligible];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j] as FleetNode, shuffled[i] as FleetNode];
  }
  return shuffled.slice(0, random.int(2, shuffled.length));
}

/** fleetCommand's fan-out, recast onto the fleet's nodes and the template's document. */
function fanOut(
  name: TemplateName,
  fleet: readonly FleetNode[],
  random: SeededRandom,
  at: { requestedAt: Date; commandId: string; spreadMs: number; sample: boolean },
): CommandSpec {
  const template: Template = TEMPLATES[name];
  const nodes = nodesFor(template, fleet, random, at.sample);
  const base = fleetCommand({
    nodes: nodes.length,
    failureRate: template.failureRate,
    longOutputRate: template.longOutputRate,
    seed: random.int(1, 2 ** 31 - 1),
    plugins: template.plugins.length === 2 ? 2 : 1,
    spreadMs: at.spreadMs,
    timeoutSeconds: template.timeoutSeconds,
    requestedAt: at.requestedAt,
    commandId: at.commandId,
    comment: template.comment,
    maxErrors: template.maxErrors ?? '0',
  });
  const pluginName = (fleetName: string): string =>
    fleetName === FLEET_SECOND_PLUGIN ? (template.plugins[1] ?? fleetName) : fleetName === FLEET_PLUGIN ? template.plugins[0] : fleetName;
  return {
    ...base,
    documentName: template.documentName,
    parameters: template.parameters,
    plugins: (base.plugins ?? []).map((plugin) => ({ ...plugin, name: pluginName(plugin.name) })),
    invocations: base.invocations.map((invocation, index) => {
      const node = nodes[index] as FleetNode;
      const rename = (text: string | undefined) =>
        text === undefined || invocation.instanceName === undefined ? text : text.split(invocation.instanceName).join(node.name);
      return {
        ...invocation,
        instanceId: node.instanceId,
        instanceName: node.name,
        ...(invocation.plugins
          ? {
              plugins: invocation.plugins.map((plugin, step) => {
                const short = template.output !== undefined && step === 0 && (plugin.stdout ?? '').length <= 2500;
                const stdout = short ? (template.output as NonNullable<Template['output']>)(node, random) : rename(plugin.stdout);
                const stderr = rename(plugin.stderr);
                return {
                  ...plugin,
                  name: pluginName(plugin.name),
                  ...(stdout !== undefined ? { stdout } : {}),
                  ...(stderr !== undefined ? { stderr } : {}),
                };
              }),
            }
          : {}),
      };
    }),
  };
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A day's schedule: hours before the day's end, and what ran then. */
const DAY: readonly [number, TemplateName][] = [
  [23.5, 'disk'],
  [22.2, 'agent'],
  [20.5, 'disk'],
  [19.1, 'deploy'],
  [17.5, 'disk'],
  [16.4, 'restart'],
  [14.5, 'disk'],
  [13.8, 'security'],
  [11.5, 'disk'],
  [10.2, 'deploy'],
  [8.5, 'disk'],
  [7.3, 'patch'],
  [5.5, 'disk'],
  [4.6, 'restart'],
  [3.1, 'security'],
  [2.5, 'disk'],
  [1.2, 'deploy'],
  [0.6, 'restart'],
];

/** A day of history in the simulator, every kind. */
export interface DayOfActivity {
  readonly commands: CommandSpec[];
  readonly automations: AutomationSpec[];
  readonly associations: AssociationSpec[];
  readonly maintenanceWindows: MaintenanceWindowSpec[];
  readonly sessions: SessionSpec[];
}

/**
 * The seeded day: the same commands, runbooks and associations (ids, nodes, outcomes,
 * outputs, times) for the same seed and end, so a restart can rebuild the simulator exactly
 * as the archive saw it.
 */
export function dayOfActivity(fleet: readonly FleetNode[], seed: number, endAt: Date): DayOfActivity {
  return {
    commands: dayOfCommands(fleet, seed, endAt),
    automations: dayOfRunbooks(seed, endAt),
    associations: dayOfAssociations(fleet, seed, endAt),
    maintenanceWindows: dayOfMaintenanceWindows(fleet, seed, endAt),
    sessions: dayOfSessions(fleet, seed, endAt),
  };
}

const OPERATORS = ['alice', 'bob', 'carol'] as const;
const SESSION_REASONS = ['check disk usage', 'restart the app after a config change', 'read the service logs', undefined] as const;

/**
 * A day of shell sessions: a dozen, by three operators on random nodes, each over by `endAt`;
 * most closed by the client (TerminateSession), some by the idle timeout, one that broke.
 */
function dayOfSessions(fleet: readonly FleetNode[], seed: number, endAt: Date): SessionSpec[] {
  const random = new SeededRandom(seed ^ 0x5e55);
  const dayStart = endAt.getTime() - 24 * HOUR;
  return Array.from({ length: 12 }, (_, index): SessionSpec => {
    const operator = OPERATORS[random.int(0, OPERATORS.length - 1)] as string;
    const reason = SESSION_REASONS[random.int(0, SESSION_REASONS.length - 1)];
    return {
      sessionId: `${operator}-${random.hex(17)}`,
      target: (fleet[random.int(0, fleet.length - 1)] as FleetNode).instanceId,
      owner: `arn:aws:iam::123456789012:user/${operator}`,
      ...(reason !== undefined ? { reason } : {}),
      durationMs: random.int(2, 40) * MINUTE,
      end: index === 7 ? 'fail' : index % 4 === 3 ? 'timeout' : 'terminate',
      startAt: new Date(dayStart + (index * 22 + random.int(0, 15)) * 5 * MINUTE),
    };
  });
}

function dayOfCommands(fleet: readonly FleetNode[], seed: number, endAt: Date): CommandSpec[] {
  const random = new SeededRandom(seed ^ 0x5eed);
  return DAY.map(([hoursBefore, name]) => {
    const jitter = random.int(-10, 10) * MINUTE;
    return fanOut(name, fleet, random, {
      requestedAt: new Date(endAt.getTime() - hoursBefore * HOUR + jitter),
      commandId: random.uuid(),
      spreadMs: random.int(20, 180) * 1000,
      sample: false,
    });
  });
}

const LIVE: readonly TemplateName[] = ['disk', 'restart', 'deploy', 'security', 'disk', 'restart'];

/**
 * A command sent at `requestedAt` on part of a group; it plays out over the next seconds to
 * minutes. The same seed and time give the same command (id included), so one still running
 * when local mode stopped can be played again on the next start.
 */
export function liveCommand(fleet: readonly FleetNode[], seed: number, requestedAt: Date): CommandSpec {
  const random = new SeededRandom(seed);
  return fanOut(random.pick(LIVE), fleet, random, {
    requestedAt,
    commandId: random.uuid(),
    spreadMs: random.int(3, 40) * 1000,
    sample: true,
  });
}

const RUNBOOKS: readonly string[] = ['AWS-RestartEC2Instance', 'AWS-CreateImage', 'Custom-RotateLogs', 'AWS-PatchAsgInstance'];

/**
 * A live Automation execution: a runbook of 3 to 6 steps of 0.5 to 3 s each, one in five
 * failing at one of its steps. The same seed gives the same runbook, steps and outcome.
 */
export function liveAutomation(seed: number): AutomationSpec {
  const random = new SeededRandom(seed);
  const steps = random.int(3, 6);
  const fails = random.next() < 0.2;
  return {
    documentName: random.pick(RUNBOOKS),
    steps,
    stepDurationMs: random.int(500, 3000),
    ...(fails ? { failAtStep: random.int(0, steps - 1) } : {}),
  };
}

/** The day's runbooks: hours before the day's end, runbook, steps, and the step that fails. */
const RUNBOOK_DAY: readonly [number, string, number, number | undefined][] = [
  [21.3, 'AWS-CreateImage', 4, undefined],
  [15.7, 'AWS-RestartEC2Instance', 3, undefined],
  [9.4, 'Custom-RotateLogs', 5, 3],
  [6.1, 'AWS-PatchAsgInstance', 6, undefined],
  [2.2, 'AWS-RestartEC2Instance', 3, 1],
];

/**
 * Automation over the day: a few runbooks, one of which starts a child execution
 * (aws:executeAutomation), and two failing at a step. Ids are seeded: the same day every start.
 */
function dayOfRunbooks(seed: number, endAt: Date): AutomationSpec[] {
  const random = new SeededRandom(seed ^ 0xa070);
  const runbooks: AutomationSpec[] = [];
  for (const [hoursBefore, documentName, steps, failAtStep] of RUNBOOK_DAY) {
    const startAt = new Date(endAt.getTime() - hoursBefore * HOUR + random.int(-10, 10) * MINUTE);
    const executionId = random.uuid();
    runbooks.push({
      executionId,
      documentName,
      steps,
      stepDurationMs: random.int(5, 90) * 1000,
      startAt,
      seed: random.int(1, 2 ** 31 - 1),
      ...(failAtStep !== undefined ? { failAtStep } : {}),
    });
    if (documentName === 'AWS-PatchAsgInstance') {
      runbooks.push({
        executionId: random.uuid(),
        documentName: 'AWS-RunPatchBaseline-Child',
        steps: 2,
        stepDurationMs: random.int(5, 30) * 1000,
        startAt: new Date(startAt.getTime() + 2 * MINUTE),
        parentAutomationExecutionId: executionId,
        seed: random.int(1, 2 ** 31 - 1),
      });
    }
  }
  return runbooks;
}

/**
 * State Manager over the day: inventory on every node every six hours, and the CloudWatch
 * agent's configuration on the web and api nodes every four hours, failing on one node once.
 */
function dayOfAssociations(fleet: readonly FleetNode[], seed: number, endAt: Date): AssociationSpec[] {
  const random = new SeededRandom(seed ^ 0xa550c);
  const dayStart = endAt.getTime() - 24 * HOUR;
  const inventory = fleet.map((node) => node.instanceId);
  const agents = fleet.filter((node) => node.role === 'web' || node.role === 'api').map((node) => node.instanceId);
  return [
    {
      associationId: random.uuid(),
      documentName: 'AWS-GatherSoftwareInventory',
      targets: inventory.length,
      instanceIds: inventory,
      executions: 4,
      intervalMs: 6 * HOUR,
      targetDurationMs: 1500,
      scheduleExpression: 'rate(6 hours)',
      startAt: new Date(dayStart + random.int(10, 50) * MINUTE),
      seed: random.int(1, 2 ** 31 - 1),
    },
    {
      associationId: random.uuid(),
      documentName: 'AmazonCloudWatch-ManageAgent',
      targets: agents.length,
      instanceIds: agents,
      executions: 6,
      intervalMs: 4 * HOUR,
      targetDurationMs: 2500,
      scheduleExpression: 'rate(4 hours)',
      failures: [{ execution: 3, target: random.int(0, agents.length - 1) }],
      startAt: new Date(dayStart + random.int(10, 50) * MINUTE),
      seed: random.int(1, 2 ** 31 - 1),
    },
  ];
}

/**
 * Maintenance windows over the day: the fleet's patch window every eight hours (patching on
 * every node, then an image of one), failing on one node in its second run, and a nightly
 * window that rotates the batch nodes' logs.
 */
function dayOfMaintenanceWindows(fleet: readonly FleetNode[], seed: number, endAt: Date): MaintenanceWindowSpec[] {
  const random = new SeededRandom(seed ^ 0x3a1e);
  const dayStart = endAt.getTime() - 24 * HOUR;
  const batch = fleet.filter((node) => node.role === 'batch').length;
  return [
    {
      windowId: `mw-${random.hex(17)}`,
      name: 'prod-patching',
      executions: 3,
      intervalMs: 8 * HOUR,
      invocationDurationMs: random.int(2, 6) * 1000,
      schedule: 'rate(8 hours)',
      tasks: [
        { taskType: 'RUN_COMMAND', taskArn: 'AWS-RunPatchBaseline', targets: fleet.length, failures: [{ execution: 1, target: random.int(0, fleet.length - 1) }] },
        { taskType: 'AUTOMATION', taskArn: 'AWS-CreateImage', targets: 1 },
      ],
      startAt: new Date(dayStart + random.int(20, 70) * MINUTE),
      seed: random.int(1, 2 ** 31 - 1),
    },
    {
      windowId: `mw-${random.hex(17)}`,
      name: 'nightly-log-rotation',
      executions: 1,
      invocationDurationMs: random.int(1, 4) * 1000,
      schedule: 'cron(0 2 ? * * *)',
      tasks: [{ taskType: 'RUN_COMMAND', taskArn: 'Custom-RotateLogs', targets: batch }],
      startAt: new Date(dayStart + random.int(4, 8) * HOUR),
      seed: random.int(1, 2 ** 31 - 1),
    },
  ];
}
