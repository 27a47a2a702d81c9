/** Traffic: filter, live table (following or paused) and the selected message's detail. */
import { FilterBox } from '../components/FilterBox';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { TrafficTable } from './TrafficTable';
import { DetailPane } from './DetailPane';
import { SourcePicker } from '../components/SourcePicker';

export function TrafficView() {
  return (
    <section className="view traffic-view" data-testid="view-traffic">
      <FilterBox />
      <TrafficToolbar />
      <div className="split">
        <div className="split-main">
          <TrafficTable />
        </div>
        <DetailPane />
      </div>
    </section>
  );
}

function TrafficToolbar() {
  const client = useClient();
  const paused = useStore((s) => s.paused);
  const follow = useStore((s) => s.follow);
  const count = useStore((s) => s.trafficCount);
  const hasOlder = useStore((s) => s.hasOlder);
  const loadingOlder = useStore((s) => s.loadingOlder);
  const live = useStore((s) => s.source === 'live');
  const rate = useStore((s) => (s.source === 'live' ? (s.metrics?.total.msgPerSec ?? null) : null));
  return (
    <div className="toolbar">
      <SourcePicker />
      {/* A capture has no stream to pause or follow: its rows are all there. */}
      {live && (
        <>
          <button type="button" className={`btn${paused ? ' active' : ''}`} data-testid="traffic-pause" aria-pressed={paused} onClick={() => void client.traffic.setPaused(!paused)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
          <label className="check">
            <input type="checkbox" data-testid="traffic-follow" checked={follow} onChange={(e) => client.store.getState().setFollow(e.target.checked)} /> Follow
          </label>
        </>
      )}
      <button type="button" className="btn" disabled={!hasOlder || loadingOlder} onClick={() => void client.traffic.loadOlder()} data-testid="traffic-older">
        {loadingOlder ? 'Loading…' : 'Load older'}
      </button>
      <span className="muted" data-testid="traffic-count">
        {count.toLocaleString()} rows
        {rate !== null && ` · ${Math.round(rate).toLocaleString()} msg/s`}
        {live && paused && ' · paused'}
      </span>
    </div>
  );
}
