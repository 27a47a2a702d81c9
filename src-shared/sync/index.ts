/**
 * State sync for UP/2.0 (spec §5.1): JSON pointers, copy-on-write patches
 * and diffs, hybrid logical clocks, batching, conflict strategies, and the
 * two ends — ServerSyncSession (Canary side, per session) and
 * ClientSyncReplica (OTClient side). See docs/sync.md.
 */
export * from './json';
export * from './pointer';
export * from './ops';
export * from './diff';
export * from './hlc';
export * from './overlap';
export * from './scheduler';
export * from './batcher';
export * from './prefix';
export * from './reasons';
export * from './strategy';
export * from './conflicts';
export * from './messages';
export * from './game-state';
export * from './history';
export * from './timeline';
export * from './server-session';
export * from './client-replica';
