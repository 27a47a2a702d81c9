/**
 * Drop a capture anywhere on the window to open it: the file is sent to the
 * services in chunks (the browser cannot give them a path) and Traffic then
 * shows it. Only drags that carry files light the overlay up.
 */
import { useEffect, useRef, useState } from 'react';
import { useClient } from '../client/context';
import { formatBytes } from '../format';
import { useStore } from '../store';

const carriesFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') ?? false;

export function DropZone() {
  const client = useClient();
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the drag left the window.
  const depth = useRef(0);
  const uploads = useStore((s) => s.uploads);

  useEffect(() => {
    const enter = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      depth.current++;
      setOver(true);
    };
    const leave = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const dragOver = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      void openFiles(client, [...(e.dataTransfer?.files ?? [])]);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', dragOver);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', dragOver);
      window.removeEventListener('drop', drop);
    };
  }, [client]);

  if (!over && uploads.length === 0) return null;
  return (
    <div className={`drop-zone${over ? ' over' : ''}`} data-testid="drop-zone" aria-live="polite">
      {over ? (
        <p>Drop a capture (pcapng or NDJSON) to open it</p>
      ) : (
        uploads.map((u) => (
          <p key={u.id}>
            Sending {u.name}: {formatBytes(u.sent)} of {formatBytes(u.total)}
          </p>
        ))
      )}
    </div>
  );
}

/** Uploads each file, then shows the last one opened in Traffic; failures become notices. */
export async function openFiles(client: ReturnType<typeof useClient>, files: readonly File[]): Promise<void> {
  let last: number | null = null;
  for (const f of files) {
    try {
      const c = await client.captures.upload(f, f.name);
      last = c.id;
      client.store.getState().addNotice({ level: 'info', text: `opened ${c.name}: ${c.records.toLocaleString()} messages in ${c.sessions} sessions`, at: Date.now() });
    } catch (e) {
      client.store.getState().addNotice({ level: 'error', text: `could not open ${f.name}: ${(e as Error).message}`, at: Date.now() });
    }
  }
  if (last !== null) {
    await client.setSource({ capture: last });
    client.store.getState().setView('traffic');
  }
}
