import associationSample from '../fixtures/aws/association-state-change.json';
import instanceSample from '../fixtures/aws/instance-association-state-change.json';
import { MessageReader } from '../../lambdas/collector/messages';
import { historySources } from '../../lambdas/sources';
import { LOOKBACK_MS } from '../../lambdas/sources/association/events';
import { MalformedMessageError } from '../../lambdas/core/model';
import { statusInfo } from '../../lambdas/core/status';
import { associationStatuses } from '../../lambdas/sources/association/statuses';

const reader = new MessageReader(historySources);
const read = (body: object | string) => reader.read(typeof body === 'string' ? body : JSON.stringify(body));

describe('reading AWS sample State Manager events', () => {
  it('reads the association state-change sample into a fetch of the association’s executions since an hour before its last execution', () => {
    const item = read(associationSample);
    expect(item).toMatchObject({ kind: 'association', parentId: '6e37940a-23ba-4ab0-9b96-5d0a1a05464f', producer: 'event' });
    expect(item.sentAt).toBe('2017-05-16T23:01:10.000Z');
    expect(item.observations).toEqual([]);
    expect(item.fetch).toEqual({ scope: 'parent', since: new Date(Date.parse('2017-05-16T23:00:01Z') - LOOKBACK_MS).toISOString() });
    expect(item.fetch).toEqual({ scope: 'parent', since: '2017-05-16T22:00:01.000Z' });
  });

  it('reads the instance association state-change sample the same way, by its association', () => {
    const item = read(instanceSample);
    expect(item).toMatchObject({ kind: 'association', parentId: '34fcb7e0-9a14-4984-9989-0e04e3f60bd8', producer: 'event' });
    // Its last-execution-date (16:23:48) is after its own event time (15:23:48): the earlier one counts.
    expect(item.fetch).toEqual({ scope: 'parent', since: '2017-02-23T14:23:48.000Z' });
  });

  it.each(['Pending', 'InProgress'])('asks for nothing while the association or node is %s', (status) => {
    expect(read({ ...associationSample, detail: { ...associationSample.detail, status } }).fetch).toEqual({ scope: 'none' });
    expect(read({ ...instanceSample, detail: { ...instanceSample.detail, status } }).fetch).toEqual({ scope: 'none' });
  });

  it.each(['Failed', 'TimedOut', 'Skipped'])('fetches after a node ended %s', (status) => {
    expect(read({ ...instanceSample, detail: { ...instanceSample.detail, status } }).fetch.scope).toBe('parent');
  });

  it('starts from the event time when the event has no last-execution-date', () => {
    const detail: Record<string, unknown> = { ...associationSample.detail };
    delete detail['last-execution-date'];
    expect(read({ ...associationSample, detail }).fetch).toEqual({ scope: 'parent', since: '2017-05-16T22:01:10.000Z' });
  });
});

describe('malformed State Manager events', () => {
  it.each([
    ['no association-id', { 'association-id': undefined }],
    ['an association-id that is not one', { 'association-id': 'assoc-1' }],
    ['a numeric association-id', { 'association-id': 42 }],
    ['no status', { status: undefined }],
    ['an empty status', { status: ' ' }],
    ['a last-execution-date that is not a time', { 'last-execution-date': 'yesterday' }],
    ['a numeric last-execution-date', { 'last-execution-date': 1495 }],
  ])('refuses an association event with %s', (_name, patch) => {
    expect(() => read({ ...associationSample, detail: { ...associationSample.detail, ...patch } })).toThrow(MalformedMessageError);
  });

  it('refuses an instance association event without instance-id', () => {
    expect(() => read({ ...instanceSample, detail: { ...instanceSample.detail, 'instance-id': undefined } })).toThrow(MalformedMessageError);
  });

  it('refuses an event whose envelope time is not a time', () => {
    expect(() => read({ ...associationSample, time: 'soon' })).toThrow(MalformedMessageError);
  });
});

describe('association status order', () => {
  it('ranks every terminal status above Pending and InProgress, and InProgress above Pending', () => {
    const { Pending, InProgress } = associationStatuses;
    expect((Pending?.rank ?? 0) < (InProgress?.rank ?? 0)).toBe(true);
    for (const status of ['Success', 'Failed', 'TimedOut', 'Skipped', 'Cancelled']) {
      const info = statusInfo(associationStatuses, status);
      expect(info.terminal).toBe(true);
      expect(info.rank).toBeGreaterThan(InProgress?.rank ?? 0);
    }
    expect(statusInfo(associationStatuses, 'Skipped').outcome).toBe('success');
    expect(statusInfo(associationStatuses, 'TimedOut').outcome).toBe('failure');
  });
});
