import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeExportedPdu, encodeExportedPduTags, ExpPduTag, P2P_DIR_RECV } from './exported-pdu';
import { bytesToIp, formatEndpoint, ipToBytes } from './ip';

describe('Exported PDU tags', () => {
  it('encode as Wireshark writes them: big-endian TLVs, the name NUL-padded to 4, end tag last', () => {
    const tags = encodeExportedPduTags({ dissector: 'up2', src: { address: '10.0.0.1', port: 50000 }, dst: { address: '10.0.0.2', port: 7180 }, p2pDir: P2P_DIR_RECV });
    expect(Buffer.from(tags).toString('hex')).toBe(
      [
        '000c0004', '75703200', // 12 dissector name "up2\0"
        '00140004', '0a000001', // 20 IPv4 source
        '00150004', '0a000002', // 21 IPv4 destination
        '00180004', '00000002', // 24 port type TCP
        '00190004', '0000c350', // 25 source port 50000
        '001a0004', '00001c0c', // 26 destination port 7180
        '00230004', '00000001', // 35 P2P direction: received
        '00000000', // end of options
      ].join(''),
    );
  });

  it('round-trip IPv4, IPv6 and IPv4-mapped addresses', () => {
    for (const [a, b, want] of [
      ['127.0.0.1', '127.0.0.1', '127.0.0.1'],
      ['::1', 'fe80::1', '::1'],
      ['::ffff:192.168.1.5', '::ffff:10.0.0.1', '192.168.1.5'],
      ['[2001:db8::7]', '2001:db8:0:0:1:0:0:1', '2001:db8::7'],
    ] as const) {
      const tags = encodeExportedPduTags({ dissector: 'otgame', src: { address: a, port: 1 }, dst: { address: b, port: 2 } });
      const d = decodeExportedPdu(new Uint8Array([...tags, 0xaa, 0xbb]));
      if (typeof d === 'string') throw new Error(d);
      expect(d.header.dissector).toBe('otgame');
      expect(d.header.src).toEqual({ address: want, port: 1 });
      expect(d.pduAt).toBe(tags.length);
    }
  });

  it('leave addresses out when they are not IPs or of different families, keeping the ports', () => {
    const tags = encodeExportedPduTags({ dissector: 'up2', src: { address: 'localhost', port: 1 }, dst: { address: '::1', port: 2 } });
    const d = decodeExportedPdu(tags);
    if (typeof d === 'string') throw new Error(d);
    expect(d.header.src).toEqual({ address: '', port: 1 });
    expect(d.header.dst).toEqual({ address: '', port: 2 });
  });

  it('refuse a dissector name Wireshark could not look up', () => {
    expect(() => encodeExportedPduTags({ dissector: 'up 2' })).toThrow(/dissector name/);
    expect(() => encodeExportedPduTags({ dissector: '' })).toThrow(/dissector name/);
  });

  it('decoding names what is wrong with malformed tags', () => {
    expect(decodeExportedPdu(Uint8Array.of(0, 12, 0, 8, 0x75))).toMatch(/tag 12 declares 8 bytes/);
    expect(decodeExportedPdu(Uint8Array.of(0, 20, 0, 4, 1, 2, 3, 4))).toMatch(/no end-of-options/);
    expect(decodeExportedPdu(Uint8Array.of(0, 0, 0, 0))).toMatch(/no dissector-name tag/);
    const long = new Uint8Array(4 + 100 + 4);
    long.set([0, ExpPduTag.DISSECTOR_NAME, 0, 100]);
    long.fill(0x61, 4, 104);
    expect(decodeExportedPdu(long)).toMatch(/at most 64/);
  });

  it('decoding random bytes returns a result or a reason, never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const r = decodeExportedPdu(b);
        if (typeof r !== 'string') expect(r.pduAt).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ip text ⇄ bytes', () => {
  it('compresses IPv6 the RFC 5952 way', () => {
    expect(bytesToIp(ipToBytes('2001:0db8:0000:0000:0000:ff00:0042:8329')!)).toBe('2001:db8::ff00:42:8329');
    expect(bytesToIp(ipToBytes('1:0:0:2:0:0:0:3')!)).toBe('1:0:0:2::3');
    expect(bytesToIp(ipToBytes('1:2:3:4:5:6:7:8')!)).toBe('1:2:3:4:5:6:7:8');
    expect(bytesToIp(new Uint8Array(16))).toBe('::');
  });
  it('rejects what is not an address', () => {
    for (const t of ['', 'example.org', '1.2.3', '1.2.3.256', '1::2::3', 'g::1']) expect(ipToBytes(t), t).toBeNull();
  });
  it('formats endpoints with brackets for IPv6', () => {
    expect(formatEndpoint({ address: '::1', port: 7 })).toBe('[::1]:7');
    expect(formatEndpoint({ address: '1.2.3.4', port: 7 })).toBe('1.2.3.4:7');
    expect(formatEndpoint(undefined)).toBe('?');
  });
});
