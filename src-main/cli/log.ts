/**
 * Logs for people (one readable line per event) or for machines (`--json`:
 * one JSON object per line with `ts`, `event` and fields).
 */
export type Log = (event: string, fields?: Record<string, unknown>) => void;

export function createLog(out: NodeJS.WritableStream, json: boolean, prefix = ''): Log {
  if (json) {
    return (event, fields = {}) => out.write(`${JSON.stringify({ ts: new Date().toISOString(), event, ...fields })}\n`);
  }
  return (event, fields = {}) => {
    const parts = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
    const time = new Date().toISOString().slice(11, 23);
    out.write(`${time} ${prefix}${event}${parts.length ? `  ${parts.join(' ')}` : ''}\n`);
  };
}
