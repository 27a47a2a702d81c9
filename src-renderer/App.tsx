import { useEffect } from 'react';
import { bridge, connection } from './bridge';
import { useStore } from './store';

export function App() {
  const info = useStore((s) => s.info);
  const conn = useStore((s) => s.connection);
  const error = useStore((s) => s.error);

  useEffect(() => {
    const { setInfo, setConnection, setError } = useStore.getState();
    const load = () =>
      bridge.invoke('app.info', undefined).then(setInfo, (e: Error) => setError(`could not reach the console's services: ${e.message}`));
    if (connection.ws) {
      setConnection(connection.ws.state);
      return connection.ws.onState((s) => {
        setConnection(s);
        if (s === 'open') void load();
      });
    }
    setConnection('open');
    void load();
    return undefined;
  }, []);

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand" data-testid="app-name">
          {info?.name ?? 'otbridge'}
        </h1>
        <span className="version" data-testid="app-version">
          {info ? `v${info.version}` : '…'}
        </span>
        <span className={`conn conn-${conn}`} data-testid="connection" title="connection to the console's services">
          {conn}
        </span>
      </header>
      <main className="content">
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : (
          <section>
            <h2>Integration console for OTClient and Canary</h2>
            {info && (
              <dl className="facts">
                <dt>Protocol</dt>
                <dd>{info.protocol}</dd>
                <dt>Shell</dt>
                <dd data-testid="shell">{info.shell}</dd>
                <dt>Platform</dt>
                <dd>
                  {info.platform}, Node {info.node}
                </dd>
              </dl>
            )}
          </section>
        )}
      </main>
    </div>
  );
}
