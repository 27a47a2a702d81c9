import { FILTER_HELP } from '../../src-shared/filter';

/** The filter reference, generated from the same table the parser uses. Clicking an example uses it. */
export function FilterHelp({ onExample, onClose }: { onExample: (text: string) => void; onClose: () => void }) {
  return (
    <div className="popover filter-help" role="dialog" aria-label="Filter help" data-testid="filter-help" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="popover-head">
        <strong>Filter language</strong>
        <button type="button" className="btn small" onClick={onClose} aria-label="close help">
          ✕
        </button>
      </div>
      <p className="muted">Terms separated by spaces must all hold. Filters run in the console's services, on everything the proxy carries.</p>
      <h4>Fields</h4>
      <table className="help-table">
        <tbody>
          {FILTER_HELP.fields.map((f) => (
            <tr key={f.name}>
              <td>
                <code>{f.name}</code>
                {f.aliases.length > 0 && <span className="muted"> ({f.aliases.join(', ')})</span>}
              </td>
              <td>{f.summary}</td>
              <td>
                {f.examples.map((ex) => (
                  <button key={ex} type="button" className="chip" onClick={() => onExample(ex)}>
                    {ex}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Operators</h4>
      <ul className="help-list">
        {FILTER_HELP.operators.map((o) => (
          <li key={o.op}>
            <code>{o.op}</code> {o.meaning}
          </li>
        ))}
      </ul>
      <h4>Combining</h4>
      <ul className="help-list">
        {FILTER_HELP.syntax.map((o) => (
          <li key={o.text}>
            <code>{o.text}</code> {o.meaning}
          </li>
        ))}
      </ul>
      <h4>Examples</h4>
      <ul className="help-list">
        {FILTER_HELP.examples.map((ex) => (
          <li key={ex.text}>
            <button type="button" className="chip" onClick={() => onExample(ex.text)}>
              {ex.text}
            </button>{' '}
            {ex.meaning}
          </li>
        ))}
      </ul>
    </div>
  );
}
