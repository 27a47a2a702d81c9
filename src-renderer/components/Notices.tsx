import { useStore } from '../store';

/** What the services (or a failed request) want the user to know, newest last. */
export function Notices() {
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices" aria-live="polite" data-testid="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" className="btn small" onClick={() => dismiss(n.id)} aria-label="dismiss">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
