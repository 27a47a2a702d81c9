/**
 * The Traffic view's requests: (re)subscribing with a filter, pausing,
 * paging back, and fetching the detail of the selected message.
 */
import type { Bridge } from '../../src-shared/ipc/contract';
import { compileFilter } from '../../src-shared/filter';
import type { ConsoleStore } from '../store';
import { sameSource, sourceParam } from '../sources';
import type { LiveUpdates } from './live';

/** Rows asked for when (re)subscribing, and per page back. */
export const BACKLOG = 5_000;
export const PAGE = 5_000;
/** Typing pauses this long before the filter goes to main. */
export const FILTER_DEBOUNCE_MS = 250;

/** The filter main runs: the user's, narrowed to the session picked in Sessions. */
export function effectiveFilter(text: string, scope: number | null): string {
  const t = text.trim();
  if (scope === null) return t;
  return t ? `session:${scope} (${t})` : `session:${scope}`;
}

export class TrafficController {
  private generation = 0;
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
    private readonly live: LiveUpdates,
  ) {}

  /** The filter box changed: check it now, send it when typing pauses. */
  type(text: string): void {
    this.store.getState().setFilterText(text);
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.apply(), FILTER_DEBOUNCE_MS);
  }

  /** Sends the box's filter now (Enter, or a jump from another view) if it compiles. */
  apply(text?: string): Promise<void> {
    clearTimeout(this.debounce);
    const s = this.store.getState();
    if (text !== undefined) s.setFilterText(text);
    const now = this.store.getState();
    if (now.filterError) return Promise.resolve();
    if (now.filterText === now.filterApplied && now.subscription !== null) return Promise.resolve();
    return this.subscribe(now.filterText);
  }

  /** (Re)starts the stream with a filter; a later call wins over an earlier one still in flight. */
  async subscribe(filter: string = this.store.getState().filterApplied): Promise<void> {
    const gen = ++this.generation;
    const s = this.store.getState();
    s.setFilterApplied(filter);
    s.setSubscribing(true);
    this.live.expectSubscription();
    try {
      const res = await this.bridge.invoke('traffic.subscribe', {
        filter: effectiveFilter(filter, s.scopeSession),
        backlog: BACKLOG,
        paused: s.paused,
        ...sourceParam(s.source),
      });
      if (gen !== this.generation) return;
      this.store.getState().trafficSnapshot(res);
      this.live.acceptSubscription(res.subscription);
    } catch (e) {
      if (gen !== this.generation) return;
      const st = this.store.getState();
      st.setSubscribing(false);
      st.addNotice({ level: 'error', text: `could not start the traffic stream: ${(e as Error).message}`, at: Date.now() });
    }
  }

  /** Pauses the live stream (a capture has none: its rows are all there from the start). */
  async setPaused(paused: boolean): Promise<void> {
    const s = this.store.getState();
    if (s.source !== 'live') return;
    s.setPaused(paused);
    if (!paused) s.setFollow(true);
    try {
      const res = await this.bridge.invoke('traffic.pause', { paused });
      this.store.getState().setPaused(res.paused);
    } catch (e) {
      this.store.getState().addNotice({ level: 'error', text: `could not ${paused ? 'pause' : 'resume'}: ${(e as Error).message}`, at: Date.now() });
    }
  }

  /** Pages older rows in front of the window. */
  async loadOlder(): Promise<void> {
    const s = this.store.getState();
    const before = s.trafficWindow.oldestId;
    if (s.loadingOlder || before === null) return;
    s.setLoadingOlder(true);
    const source = s.source;
    try {
      const res = await this.bridge.invoke('traffic.page', { filter: effectiveFilter(s.filterApplied, s.scopeSession), beforeId: before, limit: PAGE, ...sourceParam(source) });
      // Rows of the source the table showed when it asked: another one has its own ids.
      if (!sameSource(source, this.store.getState().source)) return;
      this.store.getState().trafficPrepend(res.rows, res.hasMore);
    } catch (e) {
      const st = this.store.getState();
      st.setLoadingOlder(false);
      st.addNotice({ level: 'error', text: `could not load older rows: ${(e as Error).message}`, at: Date.now() });
    }
  }

  /** Selects a message and fetches its detail unless it is already held. */
  async select(id: number | null): Promise<void> {
    const s = this.store.getState();
    s.select(id);
    if (id === null) return;
    const have = s.details.get(id);
    if (have && (have.status === 'ok' || have.status === 'loading')) return;
    s.setDetail(id, { status: 'loading' });
    const source = s.source;
    const current = (): boolean => sameSource(source, this.store.getState().source);
    try {
      const detail = await this.bridge.invoke('traffic.detail', { id, ...sourceParam(source) });
      if (current()) this.store.getState().setDetail(id, detail ? { status: 'ok', detail } : { status: 'missing' });
    } catch (e) {
      if (current()) this.store.getState().setDetail(id, { status: 'error', message: (e as Error).message });
    }
  }

  /** Shows these messages in Traffic (from Conflicts, or a request↔response link off-screen). */
  async show(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    const filter = `id:${[...new Set(ids)].sort((a, b) => a - b).join(',')}`;
    if (!compileFilter(filter).ok) return;
    const s = this.store.getState();
    s.setView('traffic');
    s.setFollow(false);
    await this.apply(filter);
    await this.select(ids[0]!);
  }

  dispose(): void {
    clearTimeout(this.debounce);
  }
}
