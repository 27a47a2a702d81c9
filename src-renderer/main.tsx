import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { bridge, connection } from './bridge';
import { store } from './store';
import { ConsoleClient } from './client';
import { ClientContext } from './client/context';
import './styles.css';

const saved = localStorage.getItem('otbridge.theme');
store.getState().setTheme(saved === 'light' || saved === 'dark' ? saved : matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');

const client = new ConsoleClient(bridge, store);
// For the browser benchmark and for debugging from the devtools console.
(window as unknown as { otbridgeClient?: ConsoleClient }).otbridgeClient = client;

// Every (re)connection starts with the snapshots; the web shell's socket reconnects by itself.
if (connection.ws) {
  const ws = connection.ws;
  store.getState().setConnection(ws.state);
  ws.onState((s) => {
    store.getState().setConnection(s);
    if (s === 'open') void client.connect();
  });
  if (ws.state === 'open') void client.connect();
} else {
  store.getState().setConnection('open');
  void client.connect();
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <App />
    </ClientContext.Provider>
  </StrictMode>,
);
