/**
 * Events for UP/2.0 peers: a wildcard event bus with idempotent delivery
 * (bus.ts), the client side of EVENT_TRIGGER / EVENT_RESPONSE /
 * EVENT_BROADCAST (client.ts) and the server side (server.ts). See
 * docs/sync.md § Events.
 */
export * from './types';
export * from './pattern';
export * from './ids';
export * from './bounded';
export * from './emitter';
export * from './bus';
export * from './client';
export * from './server';
