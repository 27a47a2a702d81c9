/** The opened capture's sessions, and the run's settings. */
import { useState } from 'react';
import type { ReplayStartParams } from '../../src-shared/ipc/replay';
import { formatClock } from '../format';
import { useStore } from '../store';
import { useClient } from '../client/context';

const SPEEDS = ['0.5', '1', '2', '5', '10', 'max'] as const;

/** The non-empty lines of a text area, trimmed: one rule each. */
export const ruleLines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function ReplayCapture() {
  const client = useClient();
  const capture = useStore((s) => s.replayCapture)!;
  const proxy = useStore((s) => s.proxy);
  const replayable = capture.sessions.filter((s) => s.replayable).map((s) => s.session);
  const [chosen, setChosen] = useState<ReadonlySet<number>>(() => new Set(replayable));
  // The server behind the proxy is the usual target: the demo's, or --target.
  const [target, setTarget] = useState(proxy?.demo?.server ?? proxy?.target ?? '127.0.0.1:7172');
  const [identity, setIdentity] = useState('');
  const [account, setAccount] = useState('');
  const [password, setPassword] = useState('');
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>('max');
  const [ignore, setIgnore] = useState('');
  const [ignorePushes, setIgnorePushes] = useState('');
  const [defaults, setDefaults] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (n: number): void => {
    const next = new Set(chosen);
    if (next.has(n)) next.delete(n);
    else next.add(n);
    setChosen(next);
  };

  const start = async (): Promise<void> => {
    setProblem(null);
    if (chosen.size === 0) return setProblem('choose at least one session');
    const params: ReplayStartParams = {
      capture: capture.path,
      sessions: [...chosen].sort((a, b) => a - b),
      target: target.trim(),
      identity: identity.trim() || null,
      ...(account.trim() ? { account: account.trim() } : {}),
      ...(password ? { password } : {}),
      speed: speed === 'max' ? 'max' : Number(speed),
      ignore: ruleLines(ignore),
      ignorePushes: ruleLines(ignorePushes),
      defaultIgnores: defaults,
    };
    setBusy(true);
    try {
      await client.replay.start(params);
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="replay-setup">
      <p className="muted" data-testid="replay-capture-summary">
        {capture.path} — {capture.kind}, {capture.messages.toLocaleString()} messages, {capture.sessions.length} sessions ({replayable.length} replayable)
      </p>
      {capture.warnings.length > 0 && (
        <ul className="problems">
          {capture.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <table className="table" data-testid="replay-sessions">
        <thead>
          <tr>
            <th>
              <input type="checkbox" aria-label="all sessions" checked={chosen.size === replayable.length && replayable.length > 0} onChange={(e) => setChosen(new Set(e.target.checked ? replayable : []))} />
            </th>
            <th className="right">Session</th>
            <th>Account</th>
            <th>Mode</th>
            <th className="right">Messages</th>
            <th className="right">c2s / s2c</th>
            <th>From – to</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {capture.sessions.map((s) => (
            <tr key={s.session} data-testid="replay-session-row" data-session={s.session} className={s.replayable ? '' : 'disabled'}>
              <td>
                <input type="checkbox" data-testid="replay-session-check" aria-label={`session ${s.session}`} disabled={!s.replayable} checked={chosen.has(s.session)} onChange={() => toggle(s.session)} />
              </td>
              <td className="right">{s.session}</td>
              <td>{s.account ?? '–'}</td>
              <td>{s.mode ?? '–'}</td>
              <td className="right">{s.messages.toLocaleString()}</td>
              <td className="right">
                {s.c2s} / {s.s2c}
              </td>
              <td>{s.start !== null && s.end !== null ? `${formatClock(s.start)} – ${formatClock(s.end)}` : '–'}</td>
              <td className="muted">{s.problem ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="fault-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label className="field wide">
          <span>Server under test (host:port)</span>
          <input data-testid="replay-target" value={target} onChange={(e) => setTarget(e.target.value)} spellCheck={false} />
        </label>
        <label className="field wide">
          <span>Its identity key (empty: trust what it presents)</span>
          <input data-testid="replay-identity" value={identity} onChange={(e) => setIdentity(e.target.value)} spellCheck={false} />
        </label>
        <label className="field">
          <span>Account (default: captured)</span>
          <input data-testid="replay-account" value={account} onChange={(e) => setAccount(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input data-testid="replay-password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label className="field">
          <span>Speed</span>
          <select data-testid="replay-speed" value={speed} onChange={(e) => setSpeed(e.target.value as (typeof SPEEDS)[number])}>
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s === 'max' ? 'as fast as possible' : `${s}×`}
              </option>
            ))}
          </select>
        </label>
        <label className="field wide">
          <span>Ignore (one JSON pointer or glob a line; TYPE: or state: to scope)</span>
          <textarea data-testid="replay-ignore" rows={2} value={ignore} onChange={(e) => setIgnore(e.target.value)} spellCheck={false} placeholder="/serverTime&#10;GAME_STATE_UPDATE:/world/weather" />
        </label>
        <label className="field wide" title="a session replayed alone hears none of the other players' broadcasts: leave them out here; they are still counted and listed">
          <span>Leave pushes out (one kind a line: TYPE [NAME [from SOURCE]], globs * and ?)</span>
          <textarea data-testid="replay-ignore-pushes" rows={2} value={ignorePushes} onChange={(e) => setIgnorePushes(e.target.value)} spellCheck={false} placeholder="EVENT_BROADCAST * from bot-2&#10;EVENT_BROADCAST chat.*" />
        </label>
        <label className="check">
          <input type="checkbox" checked={defaults} onChange={(e) => setDefaults(e.target.checked)} /> default ignores (timestamps, tokens, ids)
        </label>
        <div className="form-actions">
          <button type="submit" className="btn primary" data-testid="replay-start" disabled={busy}>
            {busy ? 'Starting…' : `Replay ${chosen.size} session${chosen.size === 1 ? '' : 's'}`}
          </button>
        </div>
        {problem && (
          <ul className="problems" role="alert" data-testid="replay-start-error">
            <li>{problem}</li>
          </ul>
        )}
      </form>
    </div>
  );
}
