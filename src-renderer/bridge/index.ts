/**
 * The renderer's one way to the services: Electron's preload bridge when it
 * is there, else the web shell's WebSocket (same contract).
 */
import type { Bridge } from '../../src-shared/ipc/contract';
import { WebSocketBridge } from './websocket';

declare global {
  interface Window {
    otbridge?: Bridge;
  }
}

function tokenFromUrl(): string {
  const fromQuery = new URLSearchParams(window.location.search).get('token');
  if (fromQuery) {
    sessionStorage.setItem('otbridge.token', fromQuery);
    return fromQuery;
  }
  return sessionStorage.getItem('otbridge.token') ?? '';
}

function create(): { bridge: Bridge; kind: 'electron' | 'web'; ws?: WebSocketBridge } {
  if (window.otbridge) return { bridge: window.otbridge, kind: 'electron' };
  const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocketBridge(`${proto}://${window.location.host}/ws?token=${encodeURIComponent(tokenFromUrl())}`);
  return { bridge: ws, kind: 'web', ws };
}

export const connection = create();
export const bridge: Bridge = connection.bridge;
