import { createHash, randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callKey, iamActionName, resourcesOfCommand, type AwsCall, type DeployedFunction, type TableEnvVarOf } from '../iam/aws-calls';

/**
 * The AWS services the deployed bundles call, on loopback: DynamoDB and SSM are forwarded to
 * their local peers (DynamoDB Local, the SSM simulator); SQS and SNS are answered here, keeping
 * what was sent. Every request is recorded as an AWS call of the function whose credentials
 * signed it (each function runs with its own access key, as each role's session has its own).
 */
export interface SentMessage {
  readonly queueUrl: string;
  readonly body: string;
}

export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

const readBody = async (incoming: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

export class LocalAws {
  readonly sent: SentMessage[] = [];
  readonly published: PublishedMessage[] = [];
  private readonly calls = new Map<string, AwsCall>();
  private readonly servers: Server[] = [];
  private currentTest = '(set-up)';

  private constructor(
    private readonly accessKeys: ReadonlyMap<string, DeployedFunction>,
    private readonly tableEnvVarOf: TableEnvVarOf,
  ) {}

  /**
   * `accessKeys`: the access key ID each function signs with; `tableEnvVarOf`: which
   * environment variable names a physical table to the functions.
   */
  static async start(
    accessKeys: ReadonlyMap<string, DeployedFunction>,
    tableEnvVarOf: TableEnvVarOf,
    peers: { readonly dynamodb: string; readonly ssm: string },
  ): Promise<{ aws: LocalAws; endpoints: Record<'dynamodb' | 'ssm' | 'sqs' | 'sns', string> }> {
    const aws = new LocalAws(accessKeys, tableEnvVarOf);
    const endpoints = {
      dynamodb: await aws.serve((incoming, body, response) => aws.forward('dynamodb', peers.dynamodb, incoming, body, response)),
      ssm: await aws.serve((incoming, body, response) => aws.forward('ssm', peers.ssm, incoming, body, response)),
      sqs: await aws.serve((incoming, body, response) => aws.answerSqs(incoming, body, response)),
      sns: await aws.serve((incoming, body, response) => aws.answerSns(incoming, body, response)),
    };
    return { aws, endpoints };
  }

  /** Names the test that the next calls belong to. */
  during(test: string): void {
    this.currentTest = test;
  }

  recordedCalls(): AwsCall[] {
    return [...this.calls.values()];
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }

  private async serve(answer: (incoming: IncomingMessage, body: Buffer, response: ServerResponse) => Promise<void> | void): Promise<string> {
    const server = createServer((incoming, response) => {
      readBody(incoming)
        .then((body) => answer(incoming, body, response))
        .catch((error: unknown) => {
          response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
        });
    });
    this.servers.push(server);
    return listen(server);
  }

  private record(incoming: IncomingMessage, service: string, operation: string, input: Readonly<Record<string, unknown>>): void {
    const accessKey = /Credential=([^/]+)\//.exec(String(incoming.headers.authorization ?? ''))?.[1] ?? '';
    const fn = this.accessKeys.get(accessKey);
    if (fn === undefined) throw new Error(`A request signed by an unknown access key "${accessKey}" reached the local ${service}`);
    for (const resource of resourcesOfCommand(service, operation, input, this.tableEnvVarOf)) {
      const call: AwsCall = { fn, action: `${service}:${iamActionName(service, operation)}`, resource, test: this.currentTest };
      if (!this.calls.has(callKey(call))) this.calls.set(callKey(call), call);
    }
  }

  private async forward(service: string, peer: string, incoming: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    this.record(incoming, service, operation, JSON.parse(body.toString() || '{}') as Record<string, unknown>);
    const target = new URL(incoming.url ?? '/', peer);
    await new Promise<void>((resolve, reject) => {
      const outgoing = request(target, { method: incoming.method, headers: { ...incoming.headers, host: target.host } }, (answer) => {
        response.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(response);
        answer.on('end', resolve);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** SQS's JSON protocol: SendMessage and SendMessageBatch, with the MD5 digests the SDK checks. */
  private answerSqs(incoming: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    const input = JSON.parse(body.toString()) as { QueueUrl: string; MessageBody?: string; Entries?: { Id: string; MessageBody: string }[] };
    this.record(incoming, 'sqs', operation, input);
    const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
    let answer: object;
    if (operation === 'SendMessageBatch') {
      const entries = input.Entries ?? [];
      for (const entry of entries) this.sent.push({ queueUrl: input.QueueUrl, body: entry.MessageBody });
      answer = { Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: randomUUID(), MD5OfMessageBody: md5(entry.MessageBody) })), Failed: [] };
    } else if (operation === 'SendMessage') {
      this.sent.push({ queueUrl: input.QueueUrl, body: input.MessageBody ?? '' });
      answer = { MessageId: randomUUID(), MD5OfMessageBody: md5(input.MessageBody ?? '') };
    } else {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InvalidAction', message: `The local SQS does not answer ${operation}` }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(answer));
  }

  /** SNS's query protocol: Publish, answered in its XML. */
  private answerSns(incoming: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const form = new URLSearchParams(body.toString());
    const operation = form.get('Action') ?? '';
    const topicArn = form.get('TopicArn') ?? '';
    this.record(incoming, 'sns', operation, { TopicArn: topicArn });
    if (operation !== 'Publish') {
      response.writeHead(400, { 'content-type': 'text/xml' });
      response.end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${operation}</Message></Error></ErrorResponse>`);
      return;
    }
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`) ?? ''] = form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    const subject = form.get('Subject');
    this.published.push({ topicArn, message: form.get('Message') ?? '', attributes, ...(subject !== null ? { subject } : {}) });
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }
}
