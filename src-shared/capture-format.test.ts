import { describe, expect, it } from 'vitest';
import { formatOfPath } from './capture-format';

describe('formatOfPath', () => {
  it('names the format by extension, in any case, ignoring surrounding blanks', () => {
    expect(formatOfPath('/tmp/a.pcapng')).toBe('pcapng');
    expect(formatOfPath('/tmp/a.PCAPNG ')).toBe('pcapng');
    expect(formatOfPath('a.ndjson')).toBe('ndjson');
    expect(formatOfPath('a.jsonl')).toBe('ndjson');
  });
  it('says nothing for other or missing extensions', () => {
    expect(formatOfPath('a.pcap')).toBeNull();
    expect(formatOfPath('a.json')).toBeNull();
    expect(formatOfPath('pcapng')).toBeNull();
    expect(formatOfPath('')).toBeNull();
  });
});
