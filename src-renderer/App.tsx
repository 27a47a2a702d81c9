/**
 * The console's frame: top bar (name, proxy, connection, theme), the views'
 * navigation, the current view, and notices. Views are addressed by the URL
 * hash (#traffic), which keeps the token in the query untouched.
 */
import { useEffect } from 'react';
import { VIEWS, type ViewName } from './store/app-slice';
import { VIEW_TITLES } from '../src-shared/ipc/shell';
import { useStore } from './store';
import { useClient } from './client/context';
import { TrafficView } from './views/TrafficView';
import { SessionsView } from './views/SessionsView';
import { MetricsView } from './views/MetricsView';
import { FaultsView } from './views/FaultsView';
import { StateView } from './views/StateView';
import { ConflictsView } from './views/ConflictsView';
import { ReplayView } from './views/ReplayView';
import { MigrationsView } from './views/migrations/MigrationsView';
import { ConfigView } from './views/config/ConfigView';
import { AuditView } from './views/audit/AuditView';
import { EmptyState } from './components/EmptyState';
import { Notices } from './components/Notices';
import { DropZone } from './components/DropZone';

const TITLES: Readonly<Record<ViewName, string>> = VIEW_TITLES;

/** Alt+1 … Alt+9 for the first nine views, Alt+0 for the tenth. */
const viewKey = (i: number): string => String((i + 1) % 10);

const viewFromHash = (): ViewName | null => {
  const h = window.location.hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(h) ? (h as ViewName) : null;
};

export function App() {
  const client = useClient();
  const info = useStore((s) => s.info);
  const conn = useStore((s) => s.connection);
  const error = useStore((s) => s.error);
  const view = useStore((s) => s.view);
  const theme = useStore((s) => s.theme);
  const proxy = useStore((s) => s.proxy);

  useEffect(() => {
    const fromHash = viewFromHash();
    if (fromHash) client.store.getState().setView(fromHash);
    const onHash = (): void => {
      const v = viewFromHash();
      if (v) client.store.getState().setView(v);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [client]);

  useEffect(() => {
    if (viewFromHash() !== view) history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${view}`);
  }, [view]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('otbridge.theme', theme);
  }, [theme]);

  // Alt+1…9, 0 switch views; "/" focuses the traffic filter (as in many tools) unless typing already.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const typing = e.target instanceof HTMLElement && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA' || e.target.tagName === 'SELECT');
      if (e.altKey && /^[0-9]$/.test(e.key)) {
        const v = VIEWS[(Number(e.key) + 9) % 10];
        if (v) {
          client.store.getState().setView(v);
          e.preventDefault();
        }
      } else if (e.key === '/' && !typing) {
        client.store.getState().setView('traffic');
        setTimeout(() => document.querySelector<HTMLInputElement>('[data-testid="filter-input"]')?.focus());
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [client]);

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand" data-testid="app-name">
          {info?.name ?? 'otbridge'}
        </h1>
        <span className="version" data-testid="app-version">
          {info ? `v${info.version}` : '…'}
        </span>
        <span className="proxy-status muted" data-testid="proxy-status">
          {proxy === null
            ? ''
            : proxy.running
              ? `proxy ${proxy.listen} → ${proxy.target} · ${proxy.mode ?? ''} ${proxy.dialect ?? ''}${proxy.demo ? ` · demo, ${proxy.demo.bots} bots` : ''}`
              : 'proxy not running'}
        </span>
        <span className="spacer" />
        {info && (
          <span className="muted" data-testid="shell" title={`${info.platform}, Node ${info.node}`}>
            {info.shell}
          </span>
        )}
        <button
          type="button"
          className="btn small"
          data-testid="theme-toggle"
          aria-label={`switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          onClick={() => client.store.getState().setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
        <span className={`conn conn-${conn}`} data-testid="connection" title="connection to the console's services">
          {conn}
        </span>
      </header>
      <div className="body">
        <nav className="nav" aria-label="views">
          {VIEWS.map((v, i) => (
            <a key={v} href={`#${v}`} data-testid={`nav-${v}`} aria-current={v === view ? 'page' : undefined} className={v === view ? 'active' : ''} title={`Alt+${viewKey(i)}`}>
              {TITLES[v]}
            </a>
          ))}
        </nav>
        <main className="content">
          {error ? (
            <EmptyState tone="error" title="The console's services cannot be reached" testId="app-error">
              {error}. If you opened this page yourself, use the full address otbridge console printed (it carries the token).
            </EmptyState>
          ) : (
            <CurrentView view={view} />
          )}
        </main>
      </div>
      <Notices />
      <DropZone />
    </div>
  );
}

function CurrentView({ view }: { view: ViewName }) {
  switch (view) {
    case 'sessions':
      return <SessionsView />;
    case 'traffic':
      return <TrafficView />;
    case 'state':
      return <StateView />;
    case 'conflicts':
      return <ConflictsView />;
    case 'metrics':
      return <MetricsView />;
    case 'faults':
      return <FaultsView />;
    case 'replay':
      return <ReplayView />;
    case 'migrations':
      return <MigrationsView />;
    case 'config':
      return <ConfigView />;
    case 'audit':
      return <AuditView />;
  }
}
