/**
 * tools/wireshark/otgame.lua reads otbridge's otgame captures: tshark shows
 * every frame's direction, sequence, opcode name and the decoded fields.
 * tshark is required (CI installs it): without it these tests fail and say
 * how to install it, they never skip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MessageRecord } from '../../../../src-shared/records';
import { CaptureWriter } from '../../../capture/writer';
import { type DialectContext, type ProxyMessage } from '../../dialect';
import { scriptedGameSession } from '../../../../test-support/otgame/scripted';
import { createOtGameDialect } from './dialect';
import { GAME_C2S, GAME_S2C, LOGIN_C2S, LOGIN_S2C } from './opcodes';

const LUA = join(import.meta.dirname, '..', '..', '..', '..', 'tools', 'wireshark', 'otgame.lua');
let dir: string;

function tshark(args: readonly string[]): string {
  const r = spawnSync(process.env.TSHARK ?? 'tshark', ['-n', '-X', `lua_script:${LUA}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, WIRESHARK_CONFIG_DIR: join(dir, 'profile'), LC_ALL: 'C.UTF-8' },
  });
  if (r.error) {
    throw new Error(
      (r.error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'tshark is not installed; these tests need it: apt-get install tshark (Debian/Ubuntu; CI installs it)'
        : `tshark failed to run: ${r.error.message}`,
    );
  }
  const stderr = r.stderr
    .split('\n')
    .filter((l) => l.trim() && !/Running as user "root"/.test(l))
    .join('\n');
  if (r.status !== 0 || stderr) throw new Error(`tshark exited with ${r.status}: ${stderr}`);
  return r.stdout;
}

function toRecords(messages: ProxyMessage[]): MessageRecord[] {
  return messages.map((m, i) => ({
    id: i + 1,
    session: 1,
    dir: m.dir,
    time: 1_700_000_000_000 + i,
    dialect: 'otgame',
    type: m.type,
    code: m.code,
    seq: m.seq,
    ref: null,
    flags: m.flags,
    wireSize: m.wire.length,
    bodySize: m.plain?.length ?? 0,
    ...(m.error ? { error: m.error } : {}),
    ...(m.plain ? { plain: m.plain } : { wire: m.wire }),
    ...(m.body !== undefined ? { body: m.body } : {}),
  }));
}

const ctx = (mode: 'decrypt' | 'passthrough'): DialectContext => ({ mode, inject: () => {}, observe: () => {}, facts: () => {}, abort: () => {} });
let records: MessageRecord[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otb-otgame-tshark-'));
  const chunks = scriptedGameSession(1412);
  const decrypting = createOtGameDialect().createSession(ctx('decrypt'));
  const passthrough = createOtGameDialect({ decryptInPassthrough: false }).createSession(ctx('passthrough'));
  const decoded = chunks.flatMap((c) => decrypting.decode(c.dir, c.bytes));
  // One frame the proxy could not read: the third frame of a passthrough session.
  const opaque = chunks.flatMap((c) => passthrough.decode(c.dir, c.bytes))[2]!;
  records = toRecords([...decoded, opaque]);
  const w = await CaptureWriter.open(join(dir, 'ot.pcapng'), { flushIntervalMs: 0 });
  w.writeSession({ session: 1, dialect: 'otgame', mode: 'decrypt', start: 1_700_000_000_000 });
  for (const r of records) w.writeRecord(r);
  await w.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tshark with otgame.lua', () => {
  it('names every frame: direction, sequence, opcode and type', () => {
    const out = tshark(['-r', join(dir, 'ot.pcapng'), '-Y', 'otgame', '-T', 'fields', '-E', 'separator=|', '-e', 'otgame.dir', '-e', 'otgame.seq', '-e', 'otgame.opcode', '-e', 'otgame.type', '-e', 'otgame.compressed']);
    const rows = out.trim().split('\n').map((l) => l.split('|'));
    expect(rows).toHaveLength(records.length);
    for (const [i, r] of records.entries()) {
      const [dirField, seq, opcode, type, compressed] = rows[i]!;
      expect(dirField).toBe(r.dir);
      expect(type).toBe(r.type);
      if (r.type !== 'ENCRYPTED') expect(Number(opcode)).toBe(r.code);
      expect(seq).toBe(r.flags.includes('SEQUENCED') ? String(r.seq) : '');
      expect(compressed).toBe(r.flags.includes('COMPRESSED') ? '1' : '0');
    }
  });

  it('shows decoded fields: text, positions, creature ids, the challenge', () => {
    const out = tshark(['-r', join(dir, 'ot.pcapng'), '-Y', 'otgame', '-T', 'fields', '-E', 'separator=|', '-e', 'otgame.type', '-e', 'otgame.text', '-e', 'otgame.creature_id', '-e', 'otgame.pos.x', '-e', 'otgame.challenge.timestamp']);
    const byType = new Map(out.trim().split('\n').map((l) => [l.split('|')[0]!, l.split('|')]));
    expect(byType.get('SAY')![1]).toBe('hello world');
    expect(byType.get('MOVE_CREATURE')![2]).toBe('0x40000010');
    expect(byType.get('MOVE_CREATURE')![3]).toBe('32370');
    expect(byType.get('CHALLENGE')![4]).toBe('1700000000');
    expect(byType.get('EXTENDED_OPCODE')![1]).toBe('{"action":"fetch"}');
  });

  it('marks frames the proxy could not decrypt', () => {
    const out = tshark(['-r', join(dir, 'ot.pcapng'), '-Y', 'otgame.type == "ENCRYPTED"', '-T', 'fields', '-e', 'otgame.decoded', '-e', 'otgame.wire']);
    const [decoded, wire] = out.trim().split('\t');
    expect(decoded).toBe('0');
    expect(wire!.replace(/:/g, '')).toBe(Buffer.from(records.at(-1)!.wire!).toString('hex'));
  });

  it('carries the same opcode tables as the dialect', () => {
    const lua = readFileSync(LUA, 'utf8');
    for (const [name, map] of Object.entries({ GAME_S2C, GAME_C2S, LOGIN_S2C, LOGIN_C2S })) {
      const block = new RegExp(`local ${name} = \\{([^}]*)\\}`).exec(lua)![1]!;
      const entries = [...block.matchAll(/\[0x([0-9a-f]{2})\] = "([A-Z0-9_]+)"/g)].map((m) => [parseInt(m[1]!, 16), m[2]!]);
      expect(entries).toEqual([...map.entries()]);
    }
  });
});
