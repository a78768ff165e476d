import type { JSX } from 'preact';
import { executionIdOf, getJson, type Alert, type DailyFailures, type StatusPage } from '../api';
import { ErrorExcerpt, ErrorNotice, ExecutionLink, Loading, NodeLink, PageHeading, StatusBadge, TableScroll, Time, useResource } from '../components';
import { FailuresChart } from '../failures-chart';
import { kindLabel } from '../format';
import { OVERVIEW_REQUESTS } from '../overview-requests';

/** The overview: failures per day, the latest alerts, and whether each kind's collection keeps up. */

export function OverviewPage(): JSX.Element {
  return (
    <>
      <PageHeading title="Overview" />
      <section aria-labelledby="failures-heading">
        <h2 id="failures-heading">Failures per day</h2>
        <DailyFailuresSection />
      </section>
      <section aria-labelledby="health-heading">
        <h2 id="health-heading">Collection health</h2>
        <HealthSection />
      </section>
      <section aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Latest alerts</h2>
        <AlertsSection />
      </section>
    </>
  );
}

function DailyFailuresSection(): JSX.Element {
  const daily = useResource('daily', (signal) => getJson<DailyFailures>(OVERVIEW_REQUESTS.daily, {}, signal));
  if (daily.state === 'loading') return <Loading what="failures per day" />;
  if (daily.state === 'failed') return <ErrorNotice error={daily.error} what="failures per day" />;
  return <FailuresChart daily={daily.value} />;
}

function AlertsSection(): JSX.Element {
  const alerts = useResource('alerts', (signal) => getJson<{ items: readonly Alert[] }>(OVERVIEW_REQUESTS.alerts, {}, signal));
  if (alerts.state === 'loading') return <Loading what="alerts" />;
  if (alerts.state === 'failed') return <ErrorNotice error={alerts.error} what="alerts" />;
  if (alerts.value.items.length === 0) return <p class="empty">No alerts yet.</p>;
  return (
    <ol class="alerts">
      {alerts.value.items.map((alert, index) => {
        const id = executionIdOf(alert);
        const node = alert.instanceId ?? alert.node;
        return (
          <li key={`${alert.publishedAt}-${index}`} class="alert">
            <p class="alert-subject">{id ? <ExecutionLink id={id}>{alert.subject}</ExecutionLink> : alert.subject}</p>
            <p class="alert-meta">
              <StatusBadge status={alert.status} /> {kindLabel(alert.kind)} · <Time iso={alert.publishedAt} />
              {node ? (
                <>
                  {' · '}
                  <NodeLink instanceId={node} instanceName={alert.instanceName} />
                </>
              ) : null}
            </p>
            {alert.errorExcerpt ? <ErrorExcerpt text={alert.errorExcerpt} truncated={alert.errorExcerptTruncated} /> : null}
          </li>
        );
      })}
    </ol>
  );
}

function HealthSection(): JSX.Element {
  const status = useResource('status', (signal) => getJson<StatusPage>(OVERVIEW_REQUESTS.status, {}, signal));
  if (status.state === 'loading') return <Loading what="collection health" />;
  if (status.state === 'failed') return <ErrorNotice error={status.error} what="collection health" />;
  // An organization's archive: the account-Regions whose last poll failed (a broken member), above the home's kinds.
  const failing = status.value.organization?.summary.failing ?? [];
  return (
    <>
      {failing.length > 0 ? (
        <div class="error" role="alert">
          <p>
            <strong>
              Polls failing in {failing.length} of {status.value.organization?.summary.scopes} account-Regions:
            </strong>
          </p>
          <ul>
            {failing.map((scope) => (
              <li key={`${scope.account}/${scope.region}`}>
                {scope.account}/{scope.region} ({scope.kinds.map(kindLabel).join(', ')}): <span class="error-message">{scope.lastError}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <HealthTable status={status.value} />
    </>
  );
}

/** The home account and Region, kind by kind. */
function HealthTable({ status }: { readonly status: StatusPage }): JSX.Element {
  return (
    <TableScroll label="Collection health per history kind">
      <table class="health">
        <caption class="visually-hidden">Collection health per history kind</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Watermark</th>
            <th scope="col">Last successful poll</th>
            <th scope="col">Listing in progress</th>
            <th scope="col" class="number">
              Records stored
            </th>
            <th scope="col" class="number">
              Missed by events
            </th>
            <th scope="col" class="number">
              Throttles
            </th>
          </tr>
        </thead>
        <tbody>
          {status.kinds.map((kind) => (
            <tr key={kind.kind} data-kind={kind.kind}>
              <th scope="row">{kindLabel(kind.kind)}</th>
              <td>{kind.watermark ? <Time iso={kind.watermark} /> : <span class="muted">none yet</span>}</td>
              <td>{kind.lastSuccessfulPollAt ? <Time iso={kind.lastSuccessfulPollAt} /> : <span class="muted">never</span>}</td>
              <td>{kind.listingInProgress ? 'yes' : 'no'}</td>
              <td class="number">{kind.recordsStored}</td>
              <td class="number">{kind.missedByEvents}</td>
              <td class="number">{kind.throttles}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
