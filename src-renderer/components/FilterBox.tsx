/**
 * The Traffic filter box: checked on every keystroke (the same compiler main
 * runs), sent when typing pauses or on Enter; a mistake is underlined where
 * it is, with the message below, and the table keeps the last good filter.
 */
import { useRef, useState } from 'react';
import { useStore } from '../store';
import { useClient } from '../client/context';
import { FilterHelp } from './FilterHelp';

export function FilterBox() {
  const client = useClient();
  const text = useStore((s) => s.filterText);
  const error = useStore((s) => s.filterError);
  const describe = useStore((s) => s.filterDescribe);
  const applied = useStore((s) => s.filterApplied);
  const scope = useStore((s) => s.scopeSession);
  const [help, setHelp] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const use = (t: string): void => {
    void client.traffic.apply(t);
    input.current?.focus();
  };

  return (
    <div className="filter-box">
      <div className="filter-row">
        <div className={`filter-field${error ? ' invalid' : ''}`}>
          {/* The mirror draws the underline under the exact characters the error points at. */}
          <div className="filter-mirror" aria-hidden="true">
            {error ? (
              <>
                <span>{text.slice(0, error.at)}</span>
                <span className="filter-error-span">{text.slice(error.at, error.at + Math.max(1, error.length)) || ' '}</span>
                <span>{text.slice(error.at + Math.max(1, error.length))}</span>
              </>
            ) : (
              text
            )}
          </div>
          <input
            ref={input}
            data-testid="filter-input"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="Filter: type:PLAYER_MOVE dir:c2s size>1k latency>20ms error session:3"
            aria-label="traffic filter"
            aria-invalid={error ? true : undefined}
            aria-describedby="filter-status"
            value={text}
            onChange={(e) => client.traffic.type(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void client.traffic.apply();
              if (e.key === 'Escape') use('');
            }}
          />
        </div>
        <button type="button" className={`btn${help ? ' active' : ''}`} data-testid="filter-help-button" aria-expanded={help} onClick={() => setHelp(!help)} title="Filter help">
          ?
        </button>
      </div>
      <div id="filter-status" className={`filter-status${error ? ' error' : ''}`} data-testid={error ? 'filter-error' : 'filter-describe'} role={error ? 'alert' : undefined}>
        {error ? (
          <>
            {error.message} <span className="muted">(at {error.at + 1}; still showing: {applied || 'all messages'})</span>
          </>
        ) : (
          <>
            Showing {text.trim() ? describe : 'all messages'}
            {scope !== null && <span className="muted"> in session {scope}</span>}
            {text !== applied && <span className="muted"> (press Enter to apply)</span>}
          </>
        )}
      </div>
      {help && (
        <FilterHelp
          onExample={(t) => {
            use(t);
          }}
          onClose={() => setHelp(false)}
        />
      )}
    </div>
  );
}
