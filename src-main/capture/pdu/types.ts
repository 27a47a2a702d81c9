/** What a dialect tells the capture layer: how a record becomes the PDU Wireshark dissects, and back. */
import { type MessageRecord, type MessageSummary } from '../../../src-shared/records';

/** plain: the decrypted frame; wire: the frame as it crossed the wire (not decrypted); none: no bytes were known. */
export type PduKind = 'plain' | 'wire' | 'none';

export interface BuiltPdu {
  readonly bytes: Uint8Array;
  readonly kind: PduKind;
}

export interface PduCodec {
  /** The dialect name, which is also the Wireshark dissector's name in the Exported PDU tag. */
  readonly dialect: string;
  /** The PDU to store for a record. */
  build(record: MessageRecord): BuiltPdu;
  /** The record's byte fields from a stored PDU (views into `pdu`). */
  split(pdu: Uint8Array, kind: PduKind): { plain?: Uint8Array; wire?: Uint8Array };
  /**
   * The body from the plaintext bytes, when the dialect can derive it (UP/2.0:
   * JSON). Dialects without it get `record.body` stored beside the PDU.
   */
  parseBody?(plain: Uint8Array): unknown;
  /** A summary from the PDU alone, for captures made by other tools (no otbridge metadata). */
  summarize?(pdu: Uint8Array, kind: PduKind): Partial<MessageSummary>;
}
