import type { Session } from '@aws-sdk/client-ssm';
import type { Observation, Producer, StoredFields } from '../../core/model';
import { toSsmRecord, toStoredFields } from '../../store/stored-fields';
import { sessionStatuses } from './statuses';

/**
 * A session as the archive stores it: DescribeSessions' Session record, field for field
 * (Target, Owner, Status, StartDate, EndDate, Reason, Details, DocumentName,
 * MaxSessionDuration, OutputUrl, AccessType), keyed by its SessionId.
 */
export const sessionFields = [
  'SessionId', 'Target', 'Status', 'StartDate', 'EndDate', 'DocumentName', 'Owner', 'Reason', 'Details',
  'OutputUrl', 'MaxSessionDuration', 'AccessType',
] as const;

export const sessionDatePaths = ['StartDate', 'EndDate'] as const;

interface DetailContext {
  readonly observedAt: Date;
  readonly producers: ReadonlySet<Producer>;
}

const absent = (record: StoredFields): string[] => sessionFields.filter((name) => !(name in record));

export function sessionObservation(session: Session, context: DetailContext): Observation {
  if (!session.SessionId) throw new Error('SSM returned a session without SessionId');
  const fields = toStoredFields(session);
  const status = session.Status ?? 'Connecting';
  const observedAt = context.observedAt.toISOString();
  return {
    table: 'sessions',
    key: { SessionId: session.SessionId },
    status,
    statuses: sessionStatuses,
    observedAt,
    fields,
    complete: true,
    absentFields: absent(fields),
    producers: context.producers,
    timeline: [{ status, at: observedAt }],
  };
}

/** The Session shape back from a stored item. */
export const sessionFromItem = (item: Readonly<Record<string, unknown>>): Session => toSsmRecord<Session>(item, sessionDatePaths);
