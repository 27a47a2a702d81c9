/**
 * Sequence numbers of one direction, checked the way the receiver would.
 * Canary counts both ways from 1 and wraps after 0x7FFFFFFF back to 1
 * (TransportCodec: ++n, then 0 once n reaches 0x7FFFFFFF); it takes
 * sequence 0 from a client as a connection ping and drops the message.
 * OTClient numbers its own messages from 0 and never checks the server's.
 */

export const nextSequence = (n: number): number => (n >= 0x7fffffff ? 1 : n + 1);

export interface SequenceVerdict {
  /** "CODE: detail" when the number is not the expected one. */
  readonly error?: string;
  /** A note that is not an error (sequence 0). */
  readonly flag?: string;
}

const OK: SequenceVerdict = Object.freeze({});
const ZERO: SequenceVerdict = Object.freeze({ flag: 'SEQ_ZERO' });

export class SequenceCheck {
  #expected: number | null;

  /** c2s starts at 1, as Canary expects; s2c takes its first number as the baseline. */
  constructor(readonly dir: 'c2s' | 's2c') {
    this.#expected = dir === 'c2s' ? 1 : null;
  }

  get expected(): number | null {
    return this.#expected;
  }

  check(seq: number): SequenceVerdict {
    if (this.dir === 'c2s') {
      if (seq === 0) return ZERO;
      const want = this.#expected!;
      // Canary advances its counter whether or not the number matched.
      this.#expected = nextSequence(want);
      if (seq !== want) return { error: `BAD_SEQUENCE: expected ${want}, got ${seq}; Canary drops this message` };
      return OK;
    }
    const want = this.#expected;
    this.#expected = nextSequence(seq);
    if (want !== null && seq !== want) return { error: `BAD_SEQUENCE: expected ${want}, got ${seq} (${seq > want ? `${seq - want} missing` : 'repeated or out of order'}); OTClient does not check` };
    return OK;
  }
}
