/** Chooses where Traffic, State and Conflicts read from: the live proxy or an opened capture. */
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { LIVE, parseSourceKey, sourceKey } from '../sources';

export function SourcePicker() {
  const client = useClient();
  const source = useStore((s) => s.source);
  const captures = useStore(useShallow((s) => [...s.captures.values()]));
  // Nothing to choose from until a capture is open: the live proxy is then the only source.
  if (captures.length === 0 && source === 'live') return null;
  return (
    <label className="source-picker">
      Source{' '}
      <select
        data-testid="source-picker"
        value={sourceKey(source)}
        onChange={(e) => {
          const ref = parseSourceKey(e.target.value);
          if (ref) void client.setSource(ref);
        }}
      >
        <option value={sourceKey(LIVE)}>live proxy</option>
        {captures.map((c) => (
          <option key={c.id} value={sourceKey({ capture: c.id })}>
            capture {c.name} ({c.records.toLocaleString()} messages)
          </option>
        ))}
      </select>
    </label>
  );
}
