/**
 * Wireshark reads our captures: tshark with tools/wireshark/up2.lua shows
 * every header field of every frame, the JSON body as a tree, the session
 * and direction, request→response links, and otbridge's session blocks.
 *
 * tshark is required (CI installs it): without it these tests fail and say
 * how to install it — they are never skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CaptureWriter } from './writer';
import { ALL_MESSAGES, Flag, HEADER_SIZE, typeName, utf8Decode, FrameEncoder } from '../../src-shared/protocol';
import { type MessageRecord } from '../../src-shared/records';
import { everyTypeRecords, sessionMeta, T0 } from '../../test-support/capture/sample-records';
import { toBigEndian } from '../../test-support/capture/big-endian';

const LUA = resolve(import.meta.dirname, '../../tools/wireshark/up2.lua');
let dir: string;
let configDir: string;

function tshark(args: readonly string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.env.TSHARK ?? 'tshark', ['-n', '-X', `lua_script:${LUA}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    // An empty profile: no user preferences change what tshark prints.
    env: { ...process.env, WIRESHARK_CONFIG_DIR: configDir, LC_ALL: 'C.UTF-8' },
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? 'tshark is not installed; these tests need it: apt-get install tshark (Debian/Ubuntu; CI installs it)'
        : `tshark failed to run: ${r.error.message}`,
    );
  }
  if (r.status !== 0) throw new Error(`tshark exited with ${r.status}: ${r.stderr}`);
  // Running as root only warns; anything else on stderr (a Lua error above all) is a failure.
  const stderr = r.stderr
    .split('\n')
    .filter((l) => l.trim() && !/Running as user "root"/.test(l))
    .join('\n');
  return { stdout: r.stdout, stderr };
}

const FIELDS = [
  'frame.number',
  'frame.packet_id',
  'frame.cb_pen',
  'frame.p2p_dir',
  'up2.magic',
  'up2.version',
  'up2.type',
  'up2.type_name',
  'up2.flags',
  'up2.flags.response',
  'up2.flags.encrypted',
  'up2.flags.compressed',
  'up2.flags.priority',
  'up2.reserved',
  'up2.seq',
  'up2.ref',
  'up2.length',
  'up2.body',
  'up2.session',
  'up2.dir',
  'up2.latency_ms',
  'up2.request_in',
  'up2.response_in',
  'up2.error',
  'up2.fault',
  'up2.wire_size',
  'otbridge.session',
  'json.key',
  '_ws.col.Protocol',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

function fields(file: string, extra: readonly string[] = []): Row[] {
  const { stdout, stderr } = tshark([
    '-2',
    '-r',
    file,
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=|',
    ...extra,
    ...FIELDS.flatMap((f) => ['-e', f]),
  ]);
  expect(stderr).toBe('');
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => Object.fromEntries(line.split('\t').map((v, i) => [FIELDS[i], v])) as Row);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-tshark-'));
  configDir = join(dir, 'wireshark-config');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('tshark 3.6 or later, with Lua, is installed', () => {
  const v = spawnSync(process.env.TSHARK ?? 'tshark', ['--version'], { encoding: 'utf8' });
  if (v.error) throw new Error('tshark is not installed; these tests need it: apt-get install tshark (Debian/Ubuntu; CI installs it)');
  const m = /TShark \(Wireshark\) (\d+)\.(\d+)/.exec(v.stdout);
  expect(m && Number(m[1]) * 100 + Number(m[2]), `tshark 3.6 or later is needed, found: ${v.stdout.split('\n')[0]}`).toBeGreaterThanOrEqual(306);
  expect(v.stdout, "this tshark is built without Lua: install Debian/Ubuntu's tshark (apt-get install tshark)").toMatch(/with Lua/);
});

describe('tshark with up2.lua on an otbridge capture', () => {
  const records: MessageRecord[] = everyTypeRecords();
  let rows: Row[];

  // Written in beforeAll; tshark runs inside the tests so that a missing tshark fails them (with the install hint) instead of skipping them.
  beforeAll(async () => {
    const w = await CaptureWriter.open(join(dir, 'every-type.pcapng'));
    w.writeSession(sessionMeta(1, { account: 'demo' }));
    for (const r of records) w.writeRecord(r);
    w.writeSession({ session: 1, end: T0 + 1000, closeReason: 'client closed' });
    await w.close();
  });
  const table = (): Row[] => (rows ??= fields(join(dir, 'every-type.pcapng')));

  it('covers every type of the catalogue', () => {
    const seen = new Set(table().map((r) => r['up2.type_name']).filter(Boolean));
    for (const def of ALL_MESSAGES) expect(seen, def.name).toContain(def.name);
  });

  it('shows up2 header fields, session and direction for every frame, as written', () => {
    const packets = table().filter((r) => r['frame.packet_id']);
    expect(packets).toHaveLength(records.length);
    const frameOfId = new Map(packets.map((r) => [Number(r['frame.packet_id']), Number(r['frame.number'])]));
    for (const row of packets) {
      const rec = records[Number(row['frame.packet_id']) - 1]!;
      const at = `record ${rec.id} (${rec.type})`;
      const wireFlags = rec.wire![4]!;
      const storedFlags = rec.plain ? wireFlags & ~(Flag.ENCRYPTED | Flag.COMPRESSED) : wireFlags;
      expect(row['up2.magic'], at).toBe('0x5550');
      expect(row['up2.version'], at).toBe('2');
      expect(Number(row['up2.type']), at).toBe(rec.code);
      expect(row['up2.type_name'], at).toBe(typeName(rec.code));
      expect(Number(row['up2.flags']), at).toBe(storedFlags);
      expect(row['up2.flags.response'], at).toBe(storedFlags & Flag.RESPONSE ? '1' : '0');
      expect(row['up2.flags.encrypted'], at).toBe(storedFlags & Flag.ENCRYPTED ? '1' : '0');
      expect(row['up2.flags.compressed'], at).toBe('0');
      expect(Number(row['up2.flags.priority']), at).toBe((storedFlags & Flag.PRIORITY_MASK) >> Flag.PRIORITY_SHIFT);
      expect(row['up2.reserved'], at).toBe('0x00');
      expect(Number(row['up2.seq']), at).toBe(rec.seq);
      expect(Number(row['up2.ref']), at).toBe(rec.ref);
      expect(Number(row['up2.length']), at).toBe(rec.plain ? rec.plain.length : rec.wire!.length - HEADER_SIZE);
      expect(row['up2.session'], at).toBe('1');
      expect(row['up2.dir'], at).toBe(rec.dir);
      // Exported PDU direction tag: received (1) for client→server.
      expect(row['frame.p2p_dir'], at).toBe(rec.dir === 'c2s' ? '1' : '0');
      expect(Number(row['up2.wire_size']), at).toBe(rec.wireSize);
      expect(row['_ws.col.Protocol'], at).toBe('UP/2.0');
      if (rec.plain) expect(row['up2.body'], at).toBe(utf8Decode(rec.plain));
      else expect(row['up2.body'], at).toBe('');
      if (rec.latencyMs !== undefined) expect(Number(row['up2.latency_ms']), at).toBe(rec.latencyMs);
      if (rec.pairId !== undefined) expect(Number(row['up2.request_in']), at).toBe(frameOfId.get(rec.pairId));
      if (rec.error) expect(row['up2.error'], at).toBe(rec.error);
      if (rec.faults) expect(row['up2.fault'].split('|'), at).toEqual(rec.faults);
    }
  });

  it('links requests to their responses both ways (two passes)', () => {
    const byId = new Map(table().filter((r) => r['frame.packet_id']).map((r) => [Number(r['frame.packet_id']), r]));
    const login = byId.get(records.find((r) => r.type === 'AUTH_LOGIN' && r.dir === 'c2s')!.id)!;
    const answer = byId.get(records.find((r) => r.type === 'AUTH_LOGIN' && r.dir === 's2c')!.id)!;
    expect(login['up2.response_in']).toBe(answer['frame.number']);
    expect(answer['up2.request_in']).toBe(login['frame.number']);
  });

  it('shows the JSON body as a tree', () => {
    const login = table().find((r) => r['frame.packet_id'] === '1')!;
    expect(login['json.key'].split('|')).toEqual(['account', 'password']);
  });

  it('marks a frame the proxy could not decrypt as an encrypted payload', () => {
    const enc = records.find((r) => !r.plain)!;
    const row = table().find((r) => Number(r['frame.packet_id']) === enc.id)!;
    expect(row['up2.flags.encrypted']).toBe('1');
    const { stdout } = tshark(['-r', join(dir, 'every-type.pcapng'), '-Y', `frame.packet_id == ${enc.id}`, '-V']);
    expect(stdout).toContain(`encrypted payload, ${enc.wire!.length - HEADER_SIZE} bytes`);
    expect(stdout).not.toMatch(/Lua Error/);
  });

  it('shows the session metadata blocks', () => {
    const blocks = table().filter((r) => r['frame.cb_pen']);
    expect(blocks.map((r) => [r['frame.cb_pen'], r['otbridge.session'], r['_ws.col.Protocol']])).toEqual([
      ['32473', '1', 'otbridge'],
      ['32473', '1', 'otbridge'],
    ]);
  });

  it('decodes without a single Lua error or malformed-packet warning', () => {
    const { stdout } = tshark(['-r', join(dir, 'every-type.pcapng'), '-V']);
    expect(stdout).not.toMatch(/Lua Error|Malformed Packet|Dissector bug/);
  });
});

it('reads the big-endian rewrite of a capture as the original (so the reader\'s big-endian fixture is real pcapng)', async () => {
  const le = join(dir, 'le.pcapng');
  const be = join(dir, 'be.pcapng');
  const w = await CaptureWriter.open(le);
  w.writeSession(sessionMeta(1));
  for (const r of everyTypeRecords()) w.writeRecord(r);
  await w.close();
  await writeFile(be, toBigEndian(await readFile(le)));
  const pick = (rows: Row[]): string[][] => rows.map((r) => [r['frame.packet_id'], r['up2.type_name'], r['up2.seq'], r['up2.session'], r['up2.dir'], r['up2.body'], r['otbridge.session']]);
  expect(pick(fields(be))).toEqual(pick(fields(le)));
});

describe('tshark with up2.lua on a raw TCP capture (port 7180)', () => {
  it('reassembles frames across segments and splits segments holding several frames', async () => {
    const enc = new FrameEncoder();
    const hello = enc.encode({ type: 4, seq: 1, body: ALL_MESSAGES.find((d) => d.name === 'HANDSHAKE')!.example.body as object });
    const beat = enc.encode({ type: 5, seq: 2, body: { t: 1 } });
    const answer = enc.encode({ type: 5, seq: 1, ref: 2, response: true, body: { t: 1 } });
    const push = enc.encode({ type: 0x42, seq: 2, body: { name: 'a', sha256: '0'.repeat(64), size: 1 } });
    const c = { ip: [127, 0, 0, 1], port: 50_123 };
    const s = { ip: [127, 0, 0, 1], port: 7180 };
    const segments: [typeof c, typeof s, Uint8Array][] = [
      [c, s, hello.subarray(0, 30)],
      [c, s, Buffer.concat([hello.subarray(30), beat])],
      [s, c, Buffer.concat([answer, push])],
    ];
    const path = join(dir, 'raw.pcap');
    await writeFile(path, rawTcpPcap(segments));
    const { stdout, stderr } = tshark(['-r', path, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', '-e', 'frame.number', '-e', 'up2.type_name', '-e', 'up2.seq']);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toEqual(['1\t\t', '2\tHANDSHAKE|HEARTBEAT\t1|2', '3\tHEARTBEAT|RESOURCE_UPDATE\t1|2']);
  });
});

describe('the Lua catalogue', () => {
  it('names exactly the types of src-shared/protocol/catalogue.ts', async () => {
    const lua = await readFile(LUA, 'utf8');
    const table = /local TYPES = \{([\s\S]*?)\n\}/.exec(lua)![1]!;
    const entries = [...table.matchAll(/\[0x([0-9a-f]{2})\] = "([A-Z_]+)"/g)].map((m) => [parseInt(m[1]!, 16), m[2]]);
    expect(entries).toEqual(ALL_MESSAGES.map((d) => [d.code, d.name]));
  });
});

/** A classic pcap (LINKTYPE_RAW: IPv4 packets) of TCP segments with consistent sequence numbers. */
function rawTcpPcap(segments: readonly [{ ip: number[]; port: number }, { ip: number[]; port: number }, Uint8Array][]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(101, 20); // LINKTYPE_RAW
  const seqs = new Map<number, number>();
  const out: Buffer[] = [header];
  segments.forEach(([src, dst, payload], i) => {
    const seq = seqs.get(src.port) ?? 1000;
    seqs.set(src.port, seq + payload.length);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(40 + payload.length, 2);
    ip[8] = 64;
    ip[9] = 6;
    ip.set(src.ip, 12);
    ip.set(dst.ip, 16);
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(src.port, 0);
    tcp.writeUInt16BE(dst.port, 2);
    tcp.writeUInt32BE(seq, 4);
    tcp.writeUInt32BE(seqs.get(dst.port) ?? 1000, 8);
    tcp[12] = 0x50;
    tcp[13] = 0x18; // PSH, ACK
    tcp.writeUInt16BE(65535, 14);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(40 + payload.length, 8);
    rec.writeUInt32LE(40 + payload.length, 12);
    out.push(rec, ip, tcp, Buffer.from(payload));
  });
  return Buffer.concat(out);
}
