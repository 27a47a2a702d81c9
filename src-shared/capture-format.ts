/** The capture formats the services write, and the one a path's extension names (as save dialogs do). */
export type CaptureFormat = 'pcapng' | 'ndjson';

export const formatOfPath = (path: string): CaptureFormat | null => (/\.(ndjson|jsonl)$/i.test(path.trim()) ? 'ndjson' : /\.pcapng$/i.test(path.trim()) ? 'pcapng' : null);
