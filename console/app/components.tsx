import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, executionIdOf, type ExecutionItem, type RecordKind } from './api';
import { formatTime, kindLabel, nodeLabel, pageTitle, statusTone } from './format';
import { consoleHref, focusHeadingAfterNavigation, Link, navigate, useLocation } from './router';

/**
 * What a page shows while it loads (with what it showed before, if anything: a list keeps its
 * rows and its pager while the next page loads, so focus stays on Next), once it has, or when
 * it could not.
 */
export type Resource<T> =
  | { readonly state: 'loading'; readonly previous?: T }
  | { readonly state: 'loaded'; readonly value: T }
  | { readonly state: 'failed'; readonly error: Error };

/** Loads again whenever `key` changes; an answer for an earlier key is dropped. */
export function useResource<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const [resource, setResource] = useState<{ key: string; value: Resource<T> }>({ key, value: { state: 'loading' } });
  const lastValue = useRef<{ value: T } | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    setResource({ key, value: loadingAfter(lastValue.current) });
    load(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        lastValue.current = { value };
        setResource({ key, value: { state: 'loaded', value } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setResource({ key, value: { state: 'failed', error: error instanceof Error ? error : new Error(String(error)) } });
      },
    );
    return () => controller.abort();
    // `load` is a new closure each render; `key` says when what it loads changes.
  }, [key]);
  return resource.key === key ? resource.value : loadingAfter(lastValue.current);
}

const loadingAfter = <T,>(last: { value: T } | undefined): Resource<T> => (last === undefined ? { state: 'loading' } : { state: 'loading', previous: last.value });

/** The page's h1 and document title; focused after a client-side navigation, as a page load would be. */
export function PageHeading({ title, children }: { readonly title: string; readonly children?: ComponentChildren }): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = pageTitle(title);
  }, [title]);
  useEffect(() => focusHeadingAfterNavigation(heading.current), []);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}

export function Loading({ what }: { readonly what: string }): JSX.Element {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ error, what }: { readonly error: Error; readonly what: string }): JSX.Element {
  const status = error instanceof ApiError ? ` (HTTP ${error.status})` : '';
  return (
    <div class="error" role="alert">
      <p>
        <strong>
          Could not load {what}
          {status}.
        </strong>
      </p>
      <p class="error-message">{error.message}</p>
    </div>
  );
}

export function StatusBadge({ status }: { readonly status: string | undefined }): JSX.Element {
  if (status === undefined) return <span class="badge badge-other">unknown</span>;
  return <span class={`badge badge-${statusTone(status)}`}>{status}</span>;
}

export function Time({ iso }: { readonly iso: string | undefined }): JSX.Element | null {
  if (!iso) return null;
  return <time dateTime={iso}>{formatTime(iso)}</time>;
}

export const executionHref = (id: string): string => consoleHref(`/executions/${encodeURIComponent(id)}`);
export const nodeHref = (instanceId: string): string => consoleHref(`/nodes/${encodeURIComponent(instanceId)}`);

export function NodeLink({ instanceId, instanceName }: { readonly instanceId: string; readonly instanceName?: string }): JSX.Element {
  return (
    <Link href={nodeHref(instanceId)} class="node-link">
      {nodeLabel(instanceId, instanceName)}
    </Link>
  );
}

export function ExecutionLink({ id, kind, children }: { readonly id: string; readonly kind?: RecordKind; readonly children?: ComponentChildren }): JSX.Element {
  return (
    <Link href={executionHref(id)} class="execution-link" {...(kind ? { 'aria-label': `${kindLabel(kind)} ${id}` } : {})}>
      {children ?? <code>{id}</code>}
    </Link>
  );
}

/**
 * Preformatted text, which scrolls when its lines are longer than the page is wide: in the tab
 * order, so that a keyboard can scroll it too.
 */
export function Preformatted({ class: className, children }: { readonly class: string; readonly children: ComponentChildren }): JSX.Element {
  return (
    <pre class={className} tabIndex={0}>
      {children}
    </pre>
  );
}

/** A failed entry's error excerpt, as its alert would show it. */
export function ErrorExcerpt({ text, truncated }: { readonly text: string; readonly truncated?: boolean | undefined }): JSX.Element {
  return (
    <Preformatted class="excerpt">
      {text}
      {truncated ? '\n…' : ''}
    </Preformatted>
  );
}

/** A listing's entries, newest first as the API gives them: each links to its execution and its node. */
/**
 * A wide table's scrolling box: a labelled region in the tab order, so that a keyboard can
 * scroll it sideways on a narrow screen.
 */
export function TableScroll({ label, children }: { readonly label: string; readonly children: ComponentChildren }): JSX.Element {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function ExecutionTable({ items, caption }: { readonly items: readonly ExecutionItem[]; readonly caption: string }): JSX.Element {
  if (items.length === 0) return <p class="empty">Nothing matches.</p>;
  return (
    <TableScroll label={caption}>
      <table class="executions">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Execution</th>
            <th scope="col">Document</th>
            <th scope="col">Node</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => {
            const id = executionIdOf(item);
            return (
              <tr key={`${id ?? ''}-${item.kind}-${item.instanceId ?? ''}-${item.stepExecutionId ?? item.taskExecutionId ?? item.invocationId ?? ''}-${index}`} data-status={item.status}>
                <td class="nowrap">
                  <Time iso={item.time} />
                </td>
                <td>{kindLabel(item.kind)}</td>
                <td>
                  <StatusBadge status={item.status} />
                </td>
                <td>{id ? <ExecutionLink id={id} /> : '—'}</td>
                <td>{item.documentName ?? item.taskArn ?? ''}</td>
                <td>{item.instanceId ? <NodeLink instanceId={item.instanceId} instanceName={item.instanceName} /> : ''}</td>
                <td class="details-cell">
                  {item.stepName ? <div>Step {item.stepName}</div> : null}
                  {item.error ? (
                    <ErrorExcerpt text={item.error} truncated={item.errorTruncated} />
                  ) : item.statusDetails && item.statusDetails !== item.status ? (
                    <span>{item.statusDetails}</span>
                  ) : null}
                  {item.unconfirmed ? <div class="muted">not yet confirmed by SSM</div> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

/**
 * Next and Previous over the API's nextToken: the current page's token is in the URL
 * (`token`), the tokens of the pages before it in history.state, so Back and a shared link
 * both work (a shared link's Previous goes to the first page).
 */
export function Pager({ nextToken, label, busy }: { readonly nextToken: string | undefined; readonly label: string; readonly busy: boolean }): JSX.Element | null {
  const location = useLocation();
  const current = location.query.get('token') ?? '';
  const previousTokens = location.state.previousTokens ?? [];
  if (nextToken === undefined && current === '') return null;
  const withToken = (token: string): string => {
    const query = new URLSearchParams(location.query);
    if (token === '') query.delete('token');
    else query.set('token', token);
    const encoded = query.toString();
    return `${window.location.pathname}${encoded === '' ? '' : `?${encoded}`}`;
  };
  // While a page loads the buttons say so rather than go disabled, which would take the focus off them.
  const next = (): void => {
    if (busy) return;
    if (nextToken !== undefined) navigate(withToken(nextToken), { state: { previousTokens: [...previousTokens, current] } });
  };
  const previous = (): void => {
    if (busy) return;
    const earlier = previousTokens.slice(0, -1);
    navigate(withToken(previousTokens[previousTokens.length - 1] ?? ''), { state: { previousTokens: earlier } });
  };
  const pageNumber = previousTokens.length + 1;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" onClick={previous} disabled={current === ''} aria-disabled={busy ? 'true' : undefined}>
        Previous
      </button>
      <span class="page-number" aria-live="polite">
        Page {current === '' ? 1 : pageNumber}
      </span>
      <button type="button" onClick={next} disabled={nextToken === undefined} aria-disabled={busy ? 'true' : undefined}>
        Next
      </button>
    </nav>
  );
}

/** A definition list of the fields not shown elsewhere; times formatted, booleans in words. */
export function FieldList({ fields }: { readonly fields: readonly (readonly [string, unknown])[] }): JSX.Element {
  return (
    <dl class="fields">
      {fields.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{renderValue(name, value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function renderValue(name: string, value: unknown): ComponentChildren {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (/(Time|Date|At|time)$/.test(name) && !Number.isNaN(Date.parse(value))) return <Time iso={value} />;
    return value.includes('\n') ? <Preformatted class="excerpt">{value}</Preformatted> : value;
  }
  return <Preformatted class="excerpt">{JSON.stringify(value, null, 2)}</Preformatted>;
}
