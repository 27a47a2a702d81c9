/** Checks any config file against Canary's or TFS's settings, without migrating it. */
import { useState } from 'react';
import type { ConfigValidation } from '../../../src-shared/ipc/migrate';
import { useStore } from '../../store';
import { useClient } from '../../client/context';

export function ConfigValidate() {
  const client = useClient();
  const profiles = useStore((s) => s.configProfiles);
  const schemas = profiles?.schemas ?? [];
  const [path, setPath] = useState('');
  const [schema, setSchema] = useState<'canary' | 'tfs'>('canary');
  const [result, setResult] = useState<ConfigValidation | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <details className="validate">
      <summary>Check a config file without migrating it</summary>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setProblem(null);
          setResult(null);
          client.config.validate(path, schema).then(setResult, (err: Error) => setProblem(err.message));
        }}
      >
        <select aria-label="settings of" value={schema} onChange={(e) => setSchema(e.target.value as 'canary' | 'tfs')} data-testid="config-validate-schema">
          {schemas.map((s) => (
            <option key={s.name} value={s.name}>
              {s.target}
            </option>
          ))}
        </select>
        <input className="input grow" aria-label="file to check" data-testid="config-validate-path" placeholder="/srv/canary/config.lua" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
        <button type="submit" className="btn" data-testid="config-validate" disabled={!path.trim()}>
          Check
        </button>
        {problem && (
          <span className="error" role="alert">
            {problem}
          </span>
        )}
      </form>
      {result && (
        <div data-testid="config-validation" data-ok={result.ok}>
          <p className={result.ok ? 'ok-text' : 'error'}>
            {result.file}: {result.ok ? `valid for ${result.target}` : `not valid for ${result.target}`}
            {result.problems.length > 0 && ` (${result.problems.length} problems)`}
          </p>
          <ul>
            {result.problems.map((x, i) => (
              <li key={i} className={x.severity === 'error' ? 'error' : 'warn-text'}>
                line {x.line || '–'} · {x.key}: {x.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </details>
  );
}
