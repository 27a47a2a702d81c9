/**
 * Child process of bench/proxy/bare-hop.ts, with no otbridge code in it:
 * ROLE=echo is a TCP server that writes back what it reads; ROLE=pipe is a
 * plain Node pipe to TARGET_PORT; ROLE=load keeps CONNS connections to each
 * port it is given and, on 'run', sends 64-byte messages on a schedule
 * (RATE a second, round robin) for SECONDS to one of them, timing each from
 * its write to the arrival of its last echoed byte. ROLE=canary does no work
 * at all: a 1-ms timer that notes how late it fires, i.e. how long the
 * machine left an idle process without the CPU.
 */
import '../child-exit';
import { connect, createServer, type Socket } from 'node:net';
import { openLoop } from '../open-loop';

const MESSAGE = 64;
const role = process.env.ROLE;

if (role === 'echo' || role === 'pipe') {
  const target = Number(process.env.TARGET_PORT);
  const server = createServer({ noDelay: true }, (c) => {
    c.on('error', () => c.destroy());
    if (role === 'echo') {
      c.on('data', (d) => c.write(d));
      return;
    }
    const up = connect({ host: '127.0.0.1', port: target, noDelay: true });
    up.on('error', () => c.destroy());
    c.pipe(up);
    up.pipe(c);
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.send!({ cmd: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0 });
  });
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stop') process.exit(0);
  });
} else if (role === 'load') {
  interface Conn {
    socket: Socket;
    /** Send times of the messages not fully echoed yet, oldest first. */
    sent: number[];
    /** Bytes of the oldest one already back. */
    back: number;
  }
  const conns = new Map<number, Conn[]>();
  let latencies: number[] = [];
  const open = async (port: number, n: number): Promise<Conn[]> => {
    const list: Conn[] = [];
    for (let i = 0; i < n; i++) {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      await new Promise<void>((ok, fail) => socket.once('connect', ok).once('error', fail));
      const c: Conn = { socket, sent: [], back: 0 };
      socket.on('data', (d: Buffer) => {
        const at = performance.now();
        c.back += d.length;
        while (c.back >= MESSAGE && c.sent.length) {
          c.back -= MESSAGE;
          latencies.push(at - c.sent.shift()!);
        }
      });
      list.push(c);
    }
    return list;
  };
  const payload = Buffer.alloc(MESSAGE, 0x5a);
  process.on('message', async (m: { cmd: string; ports?: number[]; port?: number; conns?: number; rate?: number; seconds?: number }) => {
    if (m.cmd === 'connect') {
      for (const p of m.ports!) conns.set(p, await open(p, m.conns!));
      process.send!({ cmd: 'connect' });
    } else if (m.cmd === 'run') {
      const list = conns.get(m.port!)!;
      latencies = [];
      // The same schedule as the proxy benchmark's open loop.
      const { sent } = await openLoop(m.rate!, m.seconds!, (k) => {
        const c = list[k % list.length]!;
        c.sent.push(performance.now());
        c.socket.write(payload);
      });
      const waitUntil = performance.now() + 2000;
      while (list.some((c) => c.sent.length) && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
      const lost = list.reduce((n, c) => n + c.sent.length, 0);
      for (const c of list) {
        c.sent.length = 0;
        c.back = 0;
      }
      process.send!({ cmd: 'run', latencies, sent, lost });
    } else if (m.cmd === 'stop') {
      for (const list of conns.values()) for (const c of list) c.socket.destroy();
      process.exit(0);
    }
  });
  process.send!({ cmd: 'ready' });
} else if (role === 'canary') {
  const t0 = performance.now();
  let last = t0;
  let ticks = 0;
  let over2 = 0;
  let over5 = 0;
  let lateMs = 0;
  let maxMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - 1;
    last = now;
    ticks++;
    if (late > 2) {
      over2++;
      lateMs += late;
    }
    if (late > 5) over5++;
    maxMs = Math.max(maxMs, late);
  }, 1);
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stats') process.send!({ cmd: 'stats', seconds: (performance.now() - t0) / 1000, ticks, over2, over5, lateMs, maxMs });
    else if (m.cmd === 'stop') {
      clearInterval(timer);
      process.exit(0);
    }
  });
  process.send!({ cmd: 'ready' });
} else {
  throw new Error(`bare-proc: ROLE must be echo, pipe, load or canary (got ${role ?? 'nothing'})`);
}
