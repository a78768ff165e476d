import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * The console's routing, on the History API: the URL is the whole state of a view (its
 * filters and its page), so a link reproduces it; history.state carries only what a link
 * need not (the tokens of the pages before this one, for Previous).
 */
export const BASE = '/console';

export interface ConsoleLocation {
  /** The path under BASE, '' for the overview: '/executions', '/executions/<id>', ... */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly state: HistoryState;
}

export interface HistoryState {
  /** The page tokens of the pages before this one, oldest first ('' is the first page). */
  readonly previousTokens?: readonly string[];
}

const listeners = new Set<() => void>();
const notify = (): void => listeners.forEach((listener) => listener());
window.addEventListener('popstate', notify);

function currentLocation(): ConsoleLocation {
  const { pathname, search } = window.location;
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length).replace(/\/$/, '') : pathname;
  const state = (window.history.state ?? {}) as HistoryState;
  return { path, query: new URLSearchParams(search), state };
}

/** A console URL: BASE + path + the query's non-empty values. */
export function consoleHref(path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, value);
  const encoded = search.toString();
  return `${BASE}${path}${encoded === '' ? '' : `?${encoded}`}`;
}

export interface NavigateOptions {
  readonly replace?: boolean;
  readonly state?: HistoryState;
}

/**
 * Goes to `href` without reloading. A new page (another path) scrolls to the top and moves
 * focus to its heading, as a page load would for a screen reader; a new query on the same
 * page (a filter, the next page of a list) leaves focus where the user is.
 */
export function navigate(href: string, options: NavigateOptions = {}): void {
  const before = window.location.pathname;
  const state = options.state ?? {};
  if (options.replace) window.history.replaceState(state, '', href);
  else window.history.pushState(state, '', href);
  if (window.location.pathname !== before) {
    window.scrollTo(0, 0);
    pendingHeadingFocus = true;
  }
  notify();
}

let pendingHeadingFocus = false;

/** Called by each page once its heading is rendered. */
export function focusHeadingAfterNavigation(heading: HTMLElement | null): void {
  if (!pendingHeadingFocus || heading === null) return;
  pendingHeadingFocus = false;
  heading.focus();
}

export function useLocation(): ConsoleLocation {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = (): void => setLocation(currentLocation());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return location;
}

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'> & { readonly href: string; readonly children?: ComponentChildren };

/** A real link (it opens in a new tab, it can be copied) that the console follows itself on a plain click. */
export function Link({ href, children, ...rest }: LinkProps): JSX.Element {
  const onClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
