import { MalformedMessageError } from '../../lambdas/core/model';
import type { SsmScope } from '../../lambdas/core/scope';
import { dispatchPolls, encodePollRequest, POLL_REQUEST_MARKER, readPollRequest, scopesToPoll } from '../../lambdas/polling/poll-requests';
import type { WorkSink } from '../../lambdas/polling/work-sink';

const HOME: SsmScope = { account: '123456789012', region: 'us-east-1' };

/** What readPollRequest throws for a body: its class and message. */
function refusal(body: string): MalformedMessageError {
  try {
    readPollRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedMessageError);
    return error as MalformedMessageError;
  }
  throw new Error(`readPollRequest accepted ${body}`);
}

const request = (fields: Record<string, unknown>): string => JSON.stringify({ ssmHistory: POLL_REQUEST_MARKER, account: '111111111111', region: 'eu-west-1', ...fields });

describe('poll requests', () => {
  it('read back the scope they were encoded from, with nothing else in the body', () => {
    for (const scope of [HOME, { account: '111111111111', region: 'eu-west-1' }, { account: '000000000000', region: 'us-gov-west-1' }]) {
      const body = encodePollRequest(scope);
      expect(JSON.parse(body)).toEqual({ ssmHistory: 'poll', account: scope.account, region: scope.region });
      expect(readPollRequest(body)).toEqual(scope);
    }
  });

  it('refuse a body that is not JSON, or not a JSON object', () => {
    expect(refusal('poll 111111111111/eu-west-1').message).toBe('poll request is not JSON');
    expect(refusal('poll 111111111111/eu-west-1').cause).toBeInstanceOf(SyntaxError);
    for (const body of ['null', '[]', '"poll"', '42']) expect(refusal(body).message).toBe('poll request is not a JSON object');
  });

  it('refuse a body without the poll marker, naming what it holds instead', () => {
    expect(refusal(request({ ssmHistory: 'work-item' })).message).toBe('poll request ssmHistory is not "poll": "work-item"');
    expect(refusal(JSON.stringify({ account: '111111111111', region: 'eu-west-1' })).message).toBe('poll request ssmHistory is not "poll": undefined');
  });

  it('refuse extra fields, naming each', () => {
    expect(refusal(request({ kind: 'run-command', since: '2026-11-20T00:00:00.000Z' })).message).toBe('poll request has unknown field(s): kind, since');
  });

  it('refuse an account that is not 12 digits, or a missing one', () => {
    for (const account of ['11111111111', '1111111111111', '11111111111a', 111111111111, null]) {
      const { message } = refusal(request({ account }));
      expect(message).toContain('not an account id of 12 digits and a Region name');
      expect(message).toContain(JSON.stringify(account));
    }
    expect(refusal(JSON.stringify({ ssmHistory: 'poll', region: 'eu-west-1' })).message).toBe(
      'poll request account and region are not an account id of 12 digits and a Region name: undefined, "eu-west-1"',
    );
  });

  it('refuse a Region that is not a Region name', () => {
    for (const region of ['EU-WEST-1', 'eu-west', 'eu_west_1', 'eu-west-1a', '', 1]) {
      const { message } = refusal(request({ region }));
      expect(message).toBe(`poll request account and region are not an account id of 12 digits and a Region name: "111111111111", ${JSON.stringify(region)}`);
    }
  });
});

describe('scopesToPoll', () => {
  it('lists the home first, then every account in every Region once, the home account’s other Regions included', () => {
    expect(scopesToPoll(HOME, ['111111111111', '222222222222'], ['eu-west-1', 'us-east-1'])).toEqual([
      HOME,
      { account: '123456789012', region: 'eu-west-1' },
      { account: '111111111111', region: 'eu-west-1' },
      { account: '111111111111', region: 'us-east-1' },
      { account: '222222222222', region: 'eu-west-1' },
      { account: '222222222222', region: 'us-east-1' },
    ]);
  });

  it('lists the home once when the members name it, and each member once when named twice', () => {
    const scopes = scopesToPoll(HOME, ['123456789012', '111111111111', '111111111111'], ['us-east-1', 'us-east-1']);
    expect(scopes).toEqual([HOME, { account: '111111111111', region: 'us-east-1' }]);
  });

  it('lists only the home when there are no members and the home’s Region alone', () => {
    expect(scopesToPoll(HOME, [], ['us-east-1'])).toEqual([HOME]);
    // No Regions: no member scope, but the home is always polled.
    expect(scopesToPoll(HOME, ['111111111111'], [])).toEqual([HOME]);
  });
});

describe('dispatchPolls', () => {
  it('sends one poll request per scope, in order, in one send, and says how many', async () => {
    const sent: string[][] = [];
    const sink: WorkSink = {
      send: (bodies) => {
        sent.push([...bodies]);
        return Promise.resolve();
      },
    };
    const scopes = scopesToPoll(HOME, ['111111111111'], ['eu-west-1', 'us-east-1']);
    expect(await dispatchPolls(scopes, sink)).toBe(4);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.map(readPollRequest)).toEqual(scopes);
  });

  it('fails when the queue does not take the requests', async () => {
    const sink: WorkSink = { send: () => Promise.reject(new Error('SQS did not take 1 of 2 work items')) };
    await expect(dispatchPolls([HOME, { account: '111111111111', region: 'eu-west-1' }], sink)).rejects.toThrow('SQS did not take');
  });
});
