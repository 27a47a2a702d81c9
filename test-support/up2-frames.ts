/**
 * Plaintext frames for the protocol's own tests (no crypto needed): a valid
 * stream of HEARTBEAT and PLAYER_MOVE frames with consecutive seqs.
 */
import { FrameEncoder } from '../src-shared/protocol/encoder';
import { MessageType } from '../src-shared/protocol/catalogue';
import { concatBytes } from '../src-shared/protocol/bytes';

export function heartbeat(seq: number, t = 1_700_000_000_000 + seq): Uint8Array {
  return new FrameEncoder().encode({ type: MessageType.HEARTBEAT, seq, body: { t } }).slice();
}

/** `n` frames, seq 1..n, alternating types and sizes. */
export function validStream(n: number): { frames: Uint8Array[]; bytes: Uint8Array } {
  const enc = new FrameEncoder();
  const frames: Uint8Array[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const f =
      seq % 3 === 0
        ? enc.encode({ type: MessageType.PLAYER_ACTION, seq, body: { action: 'say', args: { text: 'x'.repeat(seq * 7) } } })
        : seq % 2 === 0
          ? enc.encode({ type: MessageType.PLAYER_MOVE, seq, priority: 1, body: { direction: 'ne' } })
          : enc.encode({ type: MessageType.HEARTBEAT, seq, body: { t: seq } });
    frames.push(f.slice());
  }
  return { frames, bytes: concatBytes(...frames) };
}
