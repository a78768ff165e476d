import {
  EXECUTING_COMMAND_STATUSES,
  requestedTimeRange,
  statusFilterValues,
  type CommandFilter,
  type FilterSubject,
} from '../../ssm-protocol/filters';
import type { StoredItem } from '../../store/record-store';
import { storedTimeRange, type FilterClause, type ItemFilter, type TimeRange } from '../../core/archive-reads';

/**
 * SSM's CommandFilters (parsed once, in lambdas/ssm-protocol/filters.ts) as the archive
 * applies them: times as key conditions on RequestedDateTime where a listing walks that
 * order, the rest as DynamoDB filter expressions so unmatched items never leave DynamoDB,
 * and the shared in-memory predicate as the final word on every item.
 */

/** The RequestedDateTime range as stored strings; 'empty' when no time can match. */
export function timeRangeOf(filters: readonly CommandFilter[]): TimeRange | 'empty' {
  const { from, before } = requestedTimeRange(filters);
  return storedTimeRange(from, before);
}

type FilterKey = CommandFilter['key'];

/** The filter expression for these filters, restricted to the given keys. */
export function itemFilterOf(filters: readonly CommandFilter[], keys: readonly FilterKey[]): ItemFilter {
  const clauses: FilterClause[] = [];
  for (const filter of filters) {
    if (!keys.includes(filter.key)) continue;
    switch (filter.key) {
      case 'Status': {
        const { statuses, details } = statusFilterValues(filter.value);
        clauses.push({ anyOf: [{ attribute: 'Status', oneOf: statuses }, { attribute: 'StatusDetails', oneOf: details }] });
        break;
      }
      case 'DocumentName':
        clauses.push({ anyOf: [{ attribute: 'DocumentName', oneOf: [filter.value] }] });
        break;
      case 'ExecutionStage':
        clauses.push({ anyOf: [{ attribute: 'Status', oneOf: EXECUTING_COMMAND_STATUSES }], negate: filter.value === 'Complete' });
        break;
      case 'InvokedAfter':
        clauses.push({ anyOf: [{ attribute: 'RequestedDateTime', from: new Date(filter.at).toISOString() }] });
        break;
      case 'InvokedBefore':
        clauses.push({ anyOf: [{ attribute: 'RequestedDateTime', to: new Date(filter.at - 1).toISOString() }] });
        break;
    }
  }
  return clauses;
}

/** What the shared predicate tests, read from a stored command or invocation. */
export function filterSubjectOf(item: StoredItem): FilterSubject {
  const text = (name: string): string => (typeof item[name] === 'string' ? (item[name] as string) : '');
  const status = text('Status');
  return {
    requestedAt: Date.parse(text('RequestedDateTime')),
    documentName: text('DocumentName'),
    status,
    statusDetails: text('StatusDetails'),
    // Only ListCommands' ExecutionStage reads this, and only for commands.
    terminal: !EXECUTING_COMMAND_STATUSES.includes(status),
  };
}
