import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MessageRecord } from '../../src-shared/records';
import { type DialectContext } from '../proxy/dialect';
import { createOtGameDialect } from '../proxy/dialects/otgame/dialect';
import { clientScript, scriptedGameSession } from '../../test-support/otgame/scripted';
import { challenge, creatureMove, textMessage } from '../../test-support/otgame/packets';
import { bytesToHex, formatRecording, parseRecording } from './format';
import { exportRecordingFile, importRecordingFile } from './files';
import { recordingToRecords, recordsToRecording } from './records';

const dir = mkdtempSync(join(tmpdir(), 'otbridge-rec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A recording as OTClient's PacketRecorder writes it: first `<` line with the first-receive prefix. */
function otclientRecording(prefix: 'u16' | 'u8'): string {
  const ch = challenge(1_700_000_000, 0x42);
  const first = prefix === 'u16' ? [ch.length & 0xff, ch.length >> 8, ...ch] : [3, ...ch];
  const lines = [
    `< 12 ${bytesToHex(Uint8Array.from(first))}`,
    `< 140 ${bytesToHex(textMessage(17, 'Welcome!'))}`,
    `> 151 ${bytesToHex(clientScript()[1]!)}`,
    `< 170 ${bytesToHex(creatureMove(0x40000010, { x: 100, y: 200, z: 7 }))}`,
    `> 900 ${bytesToHex(clientScript()[3]!)}`,
    `< 1020 ${bytesToHex(Uint8Array.of(0x4e, 0xaa))}`,
  ];
  return `${lines.join('\n')}\n`;
}

describe('recording lines', () => {
  it('parses what OTClient writes and formats it back byte for byte', () => {
    for (const p of ['u16', 'u8'] as const) {
      const text = otclientRecording(p);
      const parsed = parseRecording(text);
      expect(parsed.problems).toEqual([]);
      expect(parsed.entries.map((e) => e.mark).join('')).toBe('<<><><');
      expect(formatRecording(parsed.entries)).toBe(text);
    }
  });

  it('reports each bad line by number and keeps the good ones', () => {
    const text = ['< 1 1f00', '', '? 2 00', '< x 00', '> 3 abc', '< 4 ', '> 99999999999999999999 00', `< 5 ${'00'.repeat(70_000)}`, 'garbage', '> 6 0aff\r'].join('\n');
    const { entries, problems } = parseRecording(text);
    expect(entries.map((e) => e.line)).toEqual([1, 10]);
    expect(problems).toEqual([
      { line: 3, message: 'direction "?" is neither < nor > (OTClient\'s player ignores such lines)' },
      { line: 4, message: 'expected "<|> <ms> <hex>"' },
      { line: 5, message: 'odd number of hex digits (3)' },
      { line: 6, message: 'empty message (OTClient would read the next line as its hex)' },
      { line: 7, message: 'expected "<|> <ms> <hex>"' },
      { line: 8, message: 'line of 140004 characters: longer than a 65536-byte message can be' },
      { line: 9, message: 'direction "garbage" is neither < nor > (OTClient\'s player ignores such lines)' },
    ]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (t) => {
        const p = parseRecording(t);
        expect(p.entries.length + p.problems.length).toBeLessThanOrEqual(t.split('\n').length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('import → export', () => {
  for (const p of ['u16', 'u8'] as const) {
    it(`is lossless in memory (${p === 'u16' ? 'classic' : '14.05'} first-receive prefix)`, () => {
      const text = otclientRecording(p);
      const { records, session } = recordingToRecords(parseRecording(text).entries, { start: 1_700_000_000_000, version: p === 'u16' ? 1311 : 1412 });
      expect(records.map((r) => r.type)).toEqual(['CHALLENGE', 'TEXT_MESSAGE', 'WALK_NORTH', 'MOVE_CREATURE', 'SAY', 'UNKNOWN_0x4E']);
      expect(records[0]!.flags).toContain(p === 'u16' ? 'FIRST_RECV_U16' : 'FIRST_RECV_U8:3');
      expect(records[0]!.body).toMatchObject({ timestamp: 1_700_000_000, random: 0x42 });
      expect(records[3]!.body).toMatchObject({ from: { creatureId: 0x40000010 }, to: { x: 100, y: 200, z: 7 } });
      expect(records[5]!.flags).toContain('UNKNOWN_OPCODE');
      expect(session).toMatchObject({ session: 1, dialect: 'otgame', start: 1_700_000_000_000 });
      expect(formatRecording(recordsToRecording(records, { start: 1_700_000_000_000 }).entries)).toBe(text);
    });
  }

  it('is lossless through a pcapng capture on disk', async () => {
    for (const p of ['u16', 'u8'] as const) {
      const rec = join(dir, `in-${p}.rec`);
      const cap = join(dir, `cap-${p}.pcapng`);
      const out = join(dir, `out-${p}.rec`);
      writeFileSync(rec, otclientRecording(p));
      const imported = await importRecordingFile(rec, cap, { start: 1_650_000_000_000 });
      expect(imported).toEqual({ records: 6, problems: [] });
      const exported = await exportRecordingFile(cap, out);
      expect(exported.skipped).toEqual([]);
      expect(readFileSync(out, 'utf8')).toBe(otclientRecording(p));
    }
  });

  it('exports a live proxy session so OTClient’s player can play it (login packet left out, prefix added)', () => {
    for (const version of [1311, 1412]) {
      const ctx: DialectContext = { mode: 'decrypt', inject: () => {}, observe: () => {}, facts: () => {}, abort: () => {} };
      const session = createOtGameDialect().createSession(ctx);
      const chunks = scriptedGameSession(version);
      let id = 1;
      const records: MessageRecord[] = chunks.flatMap((c, i) =>
        session.decode(c.dir, c.bytes).map((m) => ({
          id: id++,
          session: 7,
          dir: m.dir,
          time: 1000 + i * 10,
          dialect: 'otgame',
          type: m.type,
          code: m.code,
          seq: m.seq,
          ref: null,
          flags: m.flags,
          wireSize: m.wire.length,
          bodySize: m.plain?.length ?? 0,
          ...(m.plain ? { plain: m.plain } : {}),
        })),
      );
      const { entries, skipped } = recordsToRecording(records, { start: 1000 });
      expect(skipped).toEqual([{ id: 2, reason: 'login packet (OTClient never records it)' }]);
      expect(entries).toHaveLength(chunks.length - 1);
      const first = entries[0]!;
      expect(first.mark).toBe('<');
      // OTClient's first receive skips a u16 size (classic) or a padding count (14.05).
      expect(Array.from(first.bytes.subarray(0, version >= 1405 ? 2 : 3))).toEqual(version >= 1405 ? [0, 0x1f] : [6, 0, 0x1f]);
      expect(entries.filter((e) => e.mark === '>').map((e) => e.bytes)).toEqual(clientScript());
      // Reading the export back names the same messages.
      const back = recordingToRecords(parseRecording(formatRecording(entries)).entries, { version });
      expect(back.records.map((r) => r.type)).toEqual(records.filter((r) => r.type !== 'GAME_LOGIN').map((r) => r.type));
    }
  });

  it('says which session it took and which it could have', async () => {
    const rec = join(dir, 'one.rec');
    writeFileSync(rec, otclientRecording('u16'));
    const cap = join(dir, 'one.pcapng');
    await importRecordingFile(rec, cap, { session: 4 });
    await expect(exportRecordingFile(cap, '-', { session: 9 })).rejects.toThrow('session 9 has no otgame game records (sessions with some: 4)');
    const r = await exportRecordingFile(cap, '-');
    expect(r.session).toBe(4);
    expect(r.text).toBe(otclientRecording('u16'));
  });
});
