/** PDU codecs by dialect. A dialect without its own codec stores its plaintext (or wire) bytes as they are. */
import { type MessageRecord } from '../../../src-shared/records';
import { type BuiltPdu, type PduCodec, type PduKind } from './types';
import { up2Codec } from './up2';

export * from './types';
export { up2Codec, up2PlaintextPdu, up2FlagNames, up2FlagsFromNames, type Up2HeaderFields } from './up2';

const codecs = new Map<string, PduCodec>([[up2Codec.dialect, up2Codec]]);

/** Adds (or replaces) the codec of a dialect, e.g. the OT game protocol's when it lands. */
export function registerPduCodec(codec: PduCodec): void {
  codecs.set(codec.dialect, codec);
}

/** Raw bytes as they are: the plaintext when known, else the wire bytes. */
function rawCodec(dialect: string): PduCodec {
  return {
    dialect,
    build(record: MessageRecord): BuiltPdu {
      if (record.plain) return { bytes: record.plain, kind: 'plain' };
      if (record.wire) return { bytes: record.wire, kind: 'wire' };
      return { bytes: new Uint8Array(0), kind: 'none' };
    },
    split(pdu: Uint8Array, kind: PduKind) {
      return kind === 'plain' ? { plain: pdu } : kind === 'wire' ? { wire: pdu } : {};
    },
  };
}

/** The codec of a dialect; unknown dialects (names read from a file included) get a raw codec, not cached. */
export function pduCodecFor(dialect: string): PduCodec {
  return codecs.get(dialect) ?? rawCodec(dialect);
}
