import type { ReactNode } from 'react';

/** What is missing and what to do about it: every empty or failed view says both. */
export function EmptyState({ title, children, tone = 'info', testId }: { title: string; children?: ReactNode; tone?: 'info' | 'error'; testId?: string }) {
  return (
    <div className={`empty ${tone}`} data-testid={testId} role={tone === 'error' ? 'alert' : 'status'}>
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}
