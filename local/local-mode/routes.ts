import { isConsolePath } from '../../console/assets';
import { MessageReader } from '../../lambdas/collector/messages';
import type { ApiHandler, ApiRequest, ApiResponse } from '../../lambdas/query/http';
import { jsonResponse } from '../../lambdas/query/responses';
import { MalformedMessageError, type HistorySource, type WorkItem } from '../../lambdas/core/model';
import { tableSchemas } from '../../lambdas/sources/tables';
import { schemaOf } from '../../lambdas/core/table-schema';
import type { StoredRecord } from './collect';
import type { FirstReceive } from './work-queue';

/** SQS's (and EventBridge's) largest message: what the deployed queue would take. */
export const MAX_EVENT_BYTES = 256 * 1024;

export interface EventsRouteDependencies {
  readonly sources: readonly HistorySource[];
  /** Puts a body on the work queue; resolves with its first receive by the collector. */
  readonly deliver: (body: string) => Promise<FirstReceive<readonly StoredRecord[]>>;
}

/**
 * `POST /events`: an EventBridge event or an SNS envelope, as JSON, goes to the collector
 * exactly as the queue would hand it over. It is read first by the collector's own reader,
 * so a message the collector could never use is a 400 with the collector's reason rather
 * than a trip to the dead-letter queue. Otherwise 202 with the records its batch wrote for
 * the message's parent (or, when the collector must retry it, why).
 */
export function eventsRoute(deps: EventsRouteDependencies): ApiHandler {
  const reader = new MessageReader(deps.sources);
  return async (request: ApiRequest): Promise<ApiResponse> => {
    if (request.method !== 'POST') {
      return jsonResponse(405, { message: 'Use POST /events with an EventBridge event or an SNS envelope as the JSON body' }, { allow: 'POST' });
    }
    if (Buffer.byteLength(request.body) > MAX_EVENT_BYTES) {
      return jsonResponse(413, { error: 'MessageTooLarge', message: `A queue message is at most ${MAX_EVENT_BYTES} bytes` });
    }
    let item: WorkItem;
    try {
      item = reader.read(request.body);
    } catch (error) {
      if (error instanceof MalformedMessageError) return jsonResponse(400, { error: 'MalformedMessage', message: error.message });
      throw error;
    }
    const receive = await deps.deliver(request.body);
    const about = { messageId: receive.messageId, kind: item.kind, parentId: item.parentId, producer: item.producer };
    if (receive.ok) {
      return jsonResponse(202, { ...about, stored: receive.result.filter((record) => belongsTo(record, item.parentId)) });
    }
    if (receive.willRetry) return jsonResponse(202, { ...about, stored: [], retrying: true, reason: receive.reason });
    return jsonResponse(503, { ...about, error: 'NotCollected', message: receive.reason });
  };
}

/** A record belongs to a parent when its partition key is the parent's id (CommandId for Run Command). */
function belongsTo(record: StoredRecord, parentId: string): boolean {
  return record.key[schemaOf(tableSchemas, record.table).partitionKey.name] === parentId;
}

/**
 * The local server's routes: POST /events and GET /alerts here, the web console under
 * /console (when given), everything else the query API's.
 */
export function localRoutes(events: ApiHandler, alerts: ApiHandler, query: ApiHandler, webConsole?: ApiHandler): ApiHandler {
  return async (request) => {
    if (request.path === '/events' || request.path === '/events/') return events(request);
    if (request.path === '/alerts' || request.path === '/alerts/') return alerts(request);
    if (webConsole !== undefined && isConsolePath(request.path)) return webConsole(request);
    return query(request);
  };
}
