/**
 * Client side of RESOURCE_REQUEST: asks for successive chunks until `done`,
 * checks that every chunk agrees on size and hash, assembles, and verifies
 * the SHA-256 of what it assembled.
 */
import { createHash } from 'node:crypto';
import { MessageType, fromBase64, type ResponseOf } from '../../../src-shared/protocol';
import type { FramedConnection } from '../connection';

export interface FetchedResource {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
  /** null when the server said notModified. */
  readonly data: Uint8Array | null;
  readonly chunks: number;
}

export class ResourceIntegrityError extends Error {
  override readonly name = 'ResourceIntegrityError';
}

type Chunk = Extract<ResponseOf<'RESOURCE_RESPONSE'>, { data: string }>;

export async function fetchResource(
  conn: FramedConnection,
  name: string,
  opts: { ifNoneMatch?: string; maxBytes?: number } = {},
): Promise<FetchedResource> {
  const maxBytes = opts.maxBytes ?? 256 << 20;
  let offset = 0;
  let parts: Uint8Array[] = [];
  let expected: { sha256: string; size: number } | null = null;
  for (let chunks = 1; ; chunks++) {
    const res = await conn.request(MessageType.RESOURCE_REQUEST, {
      name,
      offset,
      ...(opts.ifNoneMatch && offset === 0 ? { ifNoneMatch: opts.ifNoneMatch } : {}),
    });
    const body = res.body as ResponseOf<'RESOURCE_RESPONSE'>;
    if ('notModified' in body) return { name, sha256: opts.ifNoneMatch ?? '', size: -1, data: null, chunks };
    const c = body as Chunk;
    if (c.name !== name) throw new ResourceIntegrityError(`asked for ${name}, got ${c.name}`);
    if (c.size > maxBytes) throw new ResourceIntegrityError(`${name} is ${c.size} bytes, over the ${maxBytes}-byte limit`);
    if (expected && (expected.sha256 !== c.sha256 || expected.size !== c.size)) {
      // The file changed between chunks: start over against the new version.
      parts = [];
      offset = 0;
      expected = null;
      continue;
    }
    expected ??= { sha256: c.sha256, size: c.size };
    if (c.offset !== offset) throw new ResourceIntegrityError(`${name}: expected a chunk at offset ${offset}, got ${c.offset}`);
    const data = fromBase64(c.data);
    if (offset + data.length > c.size) throw new ResourceIntegrityError(`${name}: chunks overrun the declared size ${c.size}`);
    parts.push(data);
    offset += data.length;
    if (c.done) break;
    if (data.length === 0) throw new ResourceIntegrityError(`${name}: empty chunk before done`);
  }
  const all = new Uint8Array(offset);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  if (all.length !== expected!.size) throw new ResourceIntegrityError(`${name}: assembled ${all.length} bytes, declared ${expected!.size}`);
  const hash = createHash('sha256').update(all).digest('hex');
  if (hash !== expected!.sha256) throw new ResourceIntegrityError(`${name}: SHA-256 of the assembled data is ${hash}, the server declared ${expected!.sha256}`);
  return { name, sha256: hash, size: all.length, data: all, chunks: parts.length };
}
