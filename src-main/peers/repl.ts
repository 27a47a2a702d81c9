/**
 * The interactive side of `otbridge client`: one command per line, the
 * answers and everything the server pushes printed as lines. Kept apart
 * from the terminal so it can be driven (and tested) line by line.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DIRECTIONS_8, MessageType, type DecodedFrame } from '../../src-shared/protocol';
import { getAt, type JsonValue } from '../../src-shared/sync';
import type { UpClient } from '../net/client/client';
import type { ClientSync } from '../net/client/sync';

export const REPL_HELP = `commands:
  move n|ne|e|se|s|sw|w|nw      step (the state shows where you end up)
  say TEXT                      talk to the players near you
  pickup | rest                 actions
  look ID | attack ID           interact with a creature or player you see (ids from \`see\`)
  see                           what is around you
  where                         your position, health and mana
  state [/json/pointer]         the synchronised state (or a part of it)
  ui /path JSON                 change your ui state (e.g. ui /windows/vip {"open":true})
  event NAME [JSON]             a remote event (answered by the server)
  broadcast NAME [JSON]         an event for every other player
  tell PLAYER NAME [JSON]       an event for one player
  fetch NAME [FILE]             download a resource (and save it)
  lua SOURCE                    run a Lua script on the server (admin scope)
  refresh | logout | quit | help`;

function json(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON: ${text}`);
  }
}

export class ClientRepl {
  constructor(
    private readonly client: UpClient,
    private readonly sync: ClientSync,
    private readonly print: (line: string) => void,
  ) {}

  /** Prints what the server pushes (events, resource updates, errors). */
  watch(): () => void {
    const onPush = (f: DecodedFrame): void => {
      if (f.header.type === MessageType.EVENT_BROADCAST) {
        const b = f.body as { name: string; source: unknown; data?: unknown };
        this.print(`« event ${b.name} from ${String(b.source)}${b.data !== undefined ? ` ${JSON.stringify(b.data)}` : ''}`);
      } else if (f.header.type === MessageType.RESOURCE_UPDATE) {
        const b = f.body as { name: string; size: number };
        this.print(`« resource ${b.name} changed (${b.size} bytes)`);
      }
    };
    const onError = (e: Error): void => this.print(`« error ${e.message}`);
    const offChange = this.sync.replica.on('conflict', (c) => this.print(`« conflict at ${c.path}: ${c.strategy} → ${c.winner}`));
    this.client.on('push', onPush);
    this.client.on('serverError', onError);
    return () => {
      this.client.off('push', onPush);
      this.client.off('serverError', onError);
      offChange();
    };
  }

  /** Runs one command line; returns false when the session should end. */
  async run(line: string): Promise<boolean> {
    const trimmed = line.trim();
    if (!trimmed) return true;
    const [cmd, ...rest] = trimmed.split(/\s+/);
    const arg = trimmed.slice(cmd!.length).trim();
    const state = this.sync.replica.state as Record<string, JsonValue>;
    switch (cmd) {
      case 'help':
        this.print(REPL_HELP);
        return true;
      case 'move': {
        const d = rest[0] as (typeof DIRECTIONS_8)[number];
        if (!DIRECTIONS_8.includes(d)) throw new Error(`move needs one of ${DIRECTIONS_8.join(' ')}`);
        this.client.send('PLAYER_MOVE', { direction: d });
        return true;
      }
      case 'say':
        this.client.send('PLAYER_ACTION', { action: 'say', args: { text: arg } });
        return true;
      case 'pickup':
      case 'rest':
        this.client.send('PLAYER_ACTION', { action: cmd });
        return true;
      case 'look':
      case 'attack':
        if (!rest[0]) throw new Error(`${cmd} needs an id (see \`see\`)`);
        this.client.send('PLAYER_INTERACT', { target: rest[0], kind: cmd });
        return true;
      case 'where': {
        const p = state.player as { position?: unknown; health?: unknown; mana?: unknown } | undefined;
        this.print(`position ${JSON.stringify(p?.position)} health ${String(p?.health)} mana ${String(p?.mana)} (state version ${this.sync.version})`);
        return true;
      }
      case 'see': {
        const w = (state.world ?? {}) as Record<string, Record<string, { name?: string; position?: { x: number; y: number } }>>;
        for (const kind of ['creatures', 'players', 'items'] as const) {
          for (const [id, e] of Object.entries(w[kind] ?? {})) this.print(`${kind.slice(0, -1)} ${id} ${e.name ?? ''} at ${e.position?.x},${e.position?.y}`);
        }
        this.print(`weather ${JSON.stringify((state.world as Record<string, unknown>)?.weather)} time ${JSON.stringify((state.world as Record<string, unknown>)?.time)}`);
        return true;
      }
      case 'state': {
        const value = rest[0] ? getAt(state, rest[0]) : state;
        this.print(JSON.stringify(value, null, 2) ?? 'undefined');
        return true;
      }
      case 'ui': {
        const [path, ...v] = rest;
        if (!path?.startsWith('/')) throw new Error('ui needs a path under /ui, e.g. ui /windows/vip {"open":true}');
        const r = this.sync.replica.set(path.startsWith('/ui') ? path : `/ui${path}`, json(v.join(' ')) as JsonValue);
        this.print(r.ok ? 'queued' : `refused: ${r.reason}`);
        return true;
      }
      case 'event':
      case 'broadcast':
      case 'tell': {
        const [a, b, ...tail] = rest;
        const scope = cmd === 'event' ? 'remote' : cmd === 'broadcast' ? 'broadcast' : 'targeted';
        const name = scope === 'targeted' ? b : a;
        if (!name) throw new Error(`${cmd} needs a name`);
        const data = json((scope === 'targeted' ? tail : [b ?? '', ...tail]).join(' '));
        const res = await this.client.trigger({
          id: randomUUID(),
          name,
          scope,
          ...(scope === 'targeted' ? { targets: [a!] } : {}),
          ...(data !== undefined ? { data } : {}),
        });
        this.print(`» ${JSON.stringify(res)}`);
        return true;
      }
      case 'fetch': {
        if (!rest[0]) throw new Error('fetch needs a resource name');
        const r = await this.client.fetchResource(rest[0]);
        if (rest[1] && r.data) writeFileSync(rest[1], r.data);
        this.print(`» ${r.name}: ${r.size} bytes in ${r.chunks} chunks, sha256 ${r.sha256} verified${rest[1] ? `, saved to ${rest[1]}` : ''}`);
        return true;
      }
      case 'lua': {
        const r = await this.client.runScript(arg);
        if (r.ok) {
          for (const l of r.result.output) this.print(`| ${l}`);
          this.print(`» ${JSON.stringify(r.result.result)} (${r.result.durationMs.toFixed(1)} ms)`);
        } else this.print(`» ${r.error.kind} error: ${r.error.message}${r.error.traceback ? `\n${r.error.traceback}` : ''}`);
        return true;
      }
      case 'refresh':
        await this.client.refresh();
        this.print('» tokens refreshed');
        return true;
      case 'logout':
        await this.client.logout();
        this.print('» logged out');
        return false;
      case 'quit':
      case 'exit':
        return false;
      default:
        throw new Error(`unknown command "${cmd}" (try help)`);
    }
  }
}
