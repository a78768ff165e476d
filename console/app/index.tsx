import type { JSX } from 'preact';
import { render } from 'preact';
import './console.css';
import { PageHeading } from './components';
import { ExecutionPage } from './pages/execution';
import { ExecutionsPage } from './pages/executions';
import { NodePage } from './pages/node';
import { OverviewPage } from './pages/overview';
import { consoleHref, Link, useLocation } from './router';

/** The console: a header with the site's navigation, and the page its URL names. */

type Section = 'overview' | 'executions' | 'nodes' | 'none';

function pageOf(path: string): { section: Section; page: JSX.Element } {
  if (path === '') return { section: 'overview', page: <OverviewPage /> };
  if (path === '/executions') return { section: 'executions', page: <ExecutionsPage /> };
  const execution = /^\/executions\/([^/]+)$/.exec(path);
  if (execution?.[1]) {
    const id = decodeURIComponent(execution[1]);
    return { section: 'executions', page: <ExecutionPage key={id} id={id} /> };
  }
  const node = /^\/nodes\/([^/]+)$/.exec(path);
  if (node?.[1]) {
    const instanceId = decodeURIComponent(node[1]);
    return { section: 'nodes', page: <NodePage key={instanceId} instanceId={instanceId} /> };
  }
  return { section: 'none', page: <NotFound path={path} /> };
}

function NotFound({ path }: { readonly path: string }): JSX.Element {
  return (
    <>
      <PageHeading title="Not found" />
      <p>
        The console has no page <code>{consoleHref(path)}</code>. Try the <Link href={consoleHref('')}>overview</Link> or the{' '}
        <Link href={consoleHref('/executions')}>executions</Link>.
      </p>
    </>
  );
}

function NavLink({ href, current, children }: { readonly href: string; readonly current: boolean; readonly children: string }): JSX.Element {
  return (
    <Link href={href} {...(current ? { 'aria-current': 'page' } : {})}>
      {children}
    </Link>
  );
}

function App(): JSX.Element {
  const location = useLocation();
  const { section, page } = pageOf(location.path);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <p class="site-name">
          <Link href={consoleHref('')}>ssm-history</Link>
        </p>
        <nav aria-label="Console">
          <ul>
            <li>
              <NavLink href={consoleHref('')} current={section === 'overview' && location.path === ''}>
                Overview
              </NavLink>
            </li>
            <li>
              <NavLink href={consoleHref('/executions')} current={location.path === '/executions'}>
                Executions
              </NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
      <footer class="site-footer">
        <p>
          The archive of AWS Systems Manager's execution history. Its API: <a href="/status">/status</a>, <a href="/executions">/executions</a>.
        </p>
      </footer>
    </>
  );
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(<App />, root);
}
