import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, type ItemPage } from '../api';
import { ErrorNotice, ExecutionTable, Loading, PageHeading, Pager, useResource } from '../components';
import { KIND_LABELS, RECORD_KINDS } from '../format';
import { consoleHref, navigate, useLocation } from '../router';

/**
 * Every kind's executions in one list, newest first (GET /executions). The filters are the
 * URL's query (kind, status, documentName, instanceId, since, until) and the page is its
 * `token`: a link reproduces the view, and every change of filter starts at the first page.
 */
export const PAGE_SIZE = 25;

/** The statuses offered (the API matches them ignoring case and underscores: Failed is FAILED too). */
export const STATUS_CHOICES = ['Success', 'Failed', 'TimedOut', 'Cancelled', 'InProgress', 'Pending'] as const;

/** Relative ranges the API takes as since=<preset>. */
export const TIME_PRESETS = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
] as const;

export interface ExecutionFilters {
  readonly kind: string;
  readonly statuses: readonly string[];
  readonly documentName: string;
  readonly instanceId: string;
  readonly since: string;
  readonly until: string;
}

export function filtersOf(query: URLSearchParams): ExecutionFilters {
  return {
    kind: query.get('kind') ?? '',
    statuses: (query.get('status') ?? '').split(',').filter((status) => status !== ''),
    documentName: query.get('documentName') ?? '',
    instanceId: query.get('instanceId') ?? '',
    since: query.get('since') ?? '',
    until: query.get('until') ?? '',
  };
}

const queryOf = (filters: ExecutionFilters): Record<string, string> => ({
  kind: filters.kind,
  status: filters.statuses.join(','),
  documentName: filters.documentName,
  instanceId: filters.instanceId,
  since: filters.since,
  until: filters.until,
});

/** A new filter is a new list: back to its first page. */
const showFilters = (filters: ExecutionFilters): void => navigate(consoleHref('/executions', queryOf(filters)));

type RangeChoice = 'any' | (typeof TIME_PRESETS)[number]['value'] | 'custom';

function rangeChoiceOf(filters: ExecutionFilters): RangeChoice {
  if (filters.since === '' && filters.until === '') return 'any';
  const preset = TIME_PRESETS.find((candidate) => candidate.value === filters.since);
  return preset !== undefined && filters.until === '' ? preset.value : 'custom';
}

/** An ISO time as a datetime-local input's value (local time, to the minute), and back. */
function localInputOf(iso: string): string {
  const date = new Date(iso);
  if (iso === '' || Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function isoOfLocalInput(value: string): string {
  if (value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export function ExecutionsPage(): JSX.Element {
  const location = useLocation();
  const filters = filtersOf(location.query);
  const token = location.query.get('token') ?? '';
  const key = `${location.query.toString()}`;
  const page = useResource(key, (signal) => getJson<ItemPage>('/executions', { ...queryOf(filters), limit: String(PAGE_SIZE), nextToken: token }, signal));
  const shown = page.state === 'loaded' ? page.value : page.state === 'loading' ? page.previous : undefined;
  return (
    <>
      <PageHeading title="Executions" />
      <FilterBar filters={filters} />
      <section aria-labelledby="results-heading" aria-busy={page.state === 'loading' ? 'true' : 'false'}>
        <h2 id="results-heading" class="visually-hidden">
          Results
        </h2>
        {page.state === 'loading' ? <Loading what="executions" /> : null}
        {page.state === 'failed' ? <ErrorNotice error={page.error} what="executions" /> : null}
        {shown !== undefined ? (
          <>
            <ExecutionTable items={shown.items} caption="Executions, newest first" />
            <Pager nextToken={shown.nextToken} busy={page.state === 'loading'} label="Executions pages" />
          </>
        ) : null}
      </section>
    </>
  );
}

function FilterBar({ filters }: { readonly filters: ExecutionFilters }): JSX.Element {
  // The text fields apply on submit; what they hold until then is theirs alone.
  const [documentName, setDocumentName] = useState(filters.documentName);
  const [instanceId, setInstanceId] = useState(filters.instanceId);
  const [customSince, setCustomSince] = useState(localInputOf(filters.since));
  const [customUntil, setCustomUntil] = useState(localInputOf(filters.until));
  const [range, setRange] = useState<RangeChoice>(rangeChoiceOf(filters));
  // Back and Forward change the filters under the form: it follows them.
  useEffect(() => {
    setDocumentName(filters.documentName);
    setInstanceId(filters.instanceId);
    setRange(rangeChoiceOf(filters));
    if (rangeChoiceOf(filters) === 'custom') {
      setCustomSince(localInputOf(filters.since));
      setCustomUntil(localInputOf(filters.until));
    }
  }, [filters.documentName, filters.instanceId, filters.since, filters.until]);

  const toggleStatus = (status: string, checked: boolean): void => {
    const statuses = checked ? [...filters.statuses, status] : filters.statuses.filter((candidate) => candidate !== status);
    showFilters({ ...filters, statuses });
  };
  const chooseRange = (choice: RangeChoice): void => {
    setRange(choice);
    if (choice === 'custom') return; // applied with the form, once the times are entered
    showFilters({ ...filters, since: choice === 'any' ? '' : choice, until: '' });
  };
  const submit = (event: Event): void => {
    event.preventDefault();
    const times = range === 'custom' ? { since: isoOfLocalInput(customSince), until: isoOfLocalInput(customUntil) } : {};
    showFilters({ ...filters, documentName: documentName.trim(), instanceId: instanceId.trim(), ...times });
  };
  const otherStatuses = filters.statuses.filter((status) => !(STATUS_CHOICES as readonly string[]).includes(status));

  return (
    <form class="filters" onSubmit={submit} role="search" aria-label="Filter executions">
      <div class="field">
        <label for="filter-kind">Kind</label>
        <select id="filter-kind" value={filters.kind} onChange={(event) => showFilters({ ...filters, kind: event.currentTarget.value })}>
          <option value="">Every execution (parents)</option>
          {RECORD_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {KIND_LABELS[kind]}
            </option>
          ))}
        </select>
      </div>
      <fieldset class="field statuses">
        <legend>Status</legend>
        {[...STATUS_CHOICES, ...otherStatuses].map((status) => (
          <label key={status} class="check">
            <input type="checkbox" name="status" value={status} checked={filters.statuses.includes(status)} onChange={(event) => toggleStatus(status, event.currentTarget.checked)} />
            {status}
          </label>
        ))}
      </fieldset>
      <fieldset class="field range">
        <legend>Time range</legend>
        {[{ value: 'any', label: 'Any time' }, ...TIME_PRESETS, { value: 'custom', label: 'Custom' }].map((choice) => (
          <label key={choice.value} class="check">
            <input type="radio" name="range" value={choice.value} checked={range === choice.value} onChange={() => chooseRange(choice.value as RangeChoice)} />
            {choice.label}
          </label>
        ))}
        {range === 'custom' ? (
          <div class="custom-range">
            <label>
              From <input type="datetime-local" value={customSince} onInput={(event) => setCustomSince(event.currentTarget.value)} />
            </label>
            <label>
              To <input type="datetime-local" value={customUntil} onInput={(event) => setCustomUntil(event.currentTarget.value)} />
            </label>
          </div>
        ) : null}
      </fieldset>
      <div class="field">
        <label for="filter-document">Document name</label>
        <input id="filter-document" type="text" value={documentName} onInput={(event) => setDocumentName(event.currentTarget.value)} autocomplete="off" spellcheck={false} />
      </div>
      <div class="field">
        <label for="filter-node">Node ID</label>
        <input id="filter-node" type="text" value={instanceId} onInput={(event) => setInstanceId(event.currentTarget.value)} placeholder="i-0123456789abcdef0" autocomplete="off" spellcheck={false} />
      </div>
      <div class="field actions">
        <button type="submit">Apply</button>
        <a href={consoleHref('/executions')} onClick={(event) => { event.preventDefault(); navigate(consoleHref('/executions')); }}>
          Clear filters
        </a>
      </div>
    </form>
  );
}
