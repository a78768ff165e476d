import { alertText as text, alertTime as iso, type RecordAlert } from '../../core/alert-content';
import { sessionFromItem } from './records';

/**
 * A session alerts only for the statuses the configuration names (its kind alerts by default
 * for none: a session is an audit record, not an incident). Console:
 * /session-manager/sessions (the sessions list; no per-session page with a known address).
 */
export const sessionAlert: RecordAlert = {
  table: 'sessions',
  recordKind: 'session',
  content(item, { alerting }) {
    const session = sessionFromItem(item);
    const status = text(session.Status);
    const document = text(session.DocumentName);
    if (!alerting(status, document)) return undefined;
    const sessionId = session.SessionId ?? '';
    const target = text(session.Target);
    return {
      kind: 'session',
      status,
      statusDetails: text(session.Details),
      subject: `SSM Session ${status}: ${sessionId}${target === undefined ? '' : ` on ${target}`}`,
      fields: { sessionId, node: target, owner: text(session.Owner), reason: text(session.Reason), documentName: document },
      times: { started: iso(session.StartDate), ended: iso(session.EndDate) },
      consolePath: ['session-manager', 'sessions'],
    };
  },
};
