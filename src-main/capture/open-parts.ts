/**
 * The part files of a capture, opened: every part of the same capture as
 * the first (by the capture id in their section headers), with warnings for
 * gaps in the numbering and for stray parts of another capture, which are
 * closed and left out. Shared by the reader and the per-session index.
 */
import { PartFile } from './part-file';
import { listParts } from './parts';
import { CaptureError, type CaptureWarning } from './errors';

export interface OpenedParts {
  /** In part order, all of one capture. */
  readonly parts: PartFile[];
  readonly warnings: CaptureWarning[];
}

export async function openParts(path: string): Promise<OpenedParts> {
  const names = await listParts(path);
  if (!names.some((n) => n.part === 0)) throw new CaptureError('NOT_FOUND', `${path}: no such capture file`);
  const parts: PartFile[] = [];
  const warnings: CaptureWarning[] = [];
  try {
    for (const n of names) parts.push(await PartFile.open(n.path, n.part));
  } catch (e) {
    await Promise.all(parts.map((p) => p.close().catch(() => undefined)));
    throw e;
  }
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.part !== parts[i - 1]!.part + 1) {
      warnings.push({ kind: 'missing-part', file: p.path, message: `parts ${parts[i - 1]!.part + 1}..${p.part - 1} are missing; their records are not in this capture` });
    }
    if (p.captureId !== parts[0]!.captureId) {
      warnings.push({ kind: 'missing-part', file: p.path, message: `${p.path} belongs to another capture (its capture id differs); it was left out` });
    }
  }
  const same = parts.filter((p) => p.captureId === parts[0]!.captureId);
  for (const p of parts) if (!same.includes(p)) await p.close();
  return { parts: same, warnings };
}
