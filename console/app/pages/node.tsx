import type { JSX } from 'preact';
import { getJson, type ItemPage } from '../api';
import { ErrorNotice, ExecutionTable, Loading, PageHeading, Pager, useResource } from '../components';
import { consoleHref, Link, useLocation } from '../router';

/** One node's history, newest first (GET /instances/{id}/history): its command invocations, association runs and sessions. */
const PAGE_SIZE = 25;

export function NodePage({ instanceId }: { readonly instanceId: string }): JSX.Element {
  const location = useLocation();
  const token = location.query.get('token') ?? '';
  const page = useResource(`node:${instanceId}:${token}`, (signal) =>
    getJson<ItemPage>(`/instances/${encodeURIComponent(instanceId)}/history`, { limit: String(PAGE_SIZE), nextToken: token }, signal),
  );
  const shown = page.state === 'loaded' ? page.value : page.state === 'loading' ? page.previous : undefined;
  return (
    <>
      <PageHeading title={`Node ${instanceId}`}>
        Node <code>{instanceId}</code>
      </PageHeading>
      <p>
        What ran on this node, newest first. Its command invocations across every command are also in the{' '}
        <Link href={consoleHref('/executions', { kind: 'command-invocation', instanceId })}>executions list</Link>, with filters.
      </p>
      <section aria-labelledby="history-heading" aria-busy={page.state === 'loading' ? 'true' : 'false'}>
        <h2 id="history-heading">History</h2>
        {page.state === 'loading' ? <Loading what="the node's history" /> : null}
        {page.state === 'failed' ? <ErrorNotice error={page.error} what="the node's history" /> : null}
        {shown !== undefined ? (
          <>
            <ExecutionTable items={shown.items} caption={`History of node ${instanceId}, newest first`} />
            <Pager nextToken={shown.nextToken} busy={page.state === 'loading'} label="History pages" />
          </>
        ) : null}
      </section>
    </>
  );
}
