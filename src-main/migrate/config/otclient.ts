/**
 * Between a Canary config.lua and OTClient's init.lua `Servers_init` table
 * (mehah/otclient): each entry is keyed by the login host — an address, or
 * the login URL for HTTP login — and holds port, protocol (the client
 * version) and httpLogin. Clients from 12.81 on log in over HTTP (a web
 * login endpoint), older ones over the login protocol port.
 *
 * Which Canary setting feeds which entry field is a mapping (mappings/
 * network.json: server.network.* ↔ client.network.*) that an admin can
 * extend with a JSON file of their own.
 */
import { type LuaNode } from 'luaparse';
import { DYNAMIC, evaluate, latin1, luaLiteral, parseLua, readLuaConfig, utf8, type LuaConfig, type LuaTable, type LuaValue } from './lua';
import { append, applyEdits, setValue, type TextEdit } from './edits';
import network from './mappings/network.json';

/** Canary 3.6.1's CLIENT_VERSION (src/core.hpp). */
export const CANARY_CLIENT_VERSION = 1511;
/** From this client version on, login goes over HTTP. */
export const HTTP_LOGIN_FROM = 1281;

export interface MappingPair {
  /** The OTClient side's logical name, e.g. client.network.host. */
  readonly client: string;
  /** The server side's logical name, e.g. server.network.ip. */
  readonly server: string;
  /** Canary config.lua key, when the server side is one. */
  readonly canary?: string;
  /** Field of a Servers_init entry, when the client side is one. */
  readonly otclient?: string;
  /** Computed by the converter rather than copied (host, port, protocol, httpLogin). */
  readonly derived?: boolean;
}

export interface NetworkMapping {
  readonly pairs: readonly MappingPair[];
}

export const NETWORK_MAPPING: NetworkMapping = network as NetworkMapping;

/** The built-in pairs plus an admin's own (same format); a later pair with the same client name replaces the earlier. */
export function mergeMappings(...maps: NetworkMapping[]): NetworkMapping {
  const byClient = new Map<string, MappingPair>();
  for (const m of maps) for (const p of m.pairs) byClient.set(p.client, p);
  return { pairs: [...byClient.values()] };
}

export function parseMapping(json: unknown): NetworkMapping {
  const m = json as Partial<NetworkMapping> | null;
  if (!m || !Array.isArray(m.pairs)) throw new Error('a mapping file is {"pairs": [{"client": …, "server": …, "canary"?: …, "otclient"?: …}]}');
  m.pairs.forEach((p, i) => {
    if (typeof p?.client !== 'string' || typeof p.server !== 'string') throw new Error(`pairs[${i}]: "client" and "server" are required strings`);
    for (const f of ['canary', 'otclient'] as const) if (p[f] !== undefined && !/^[A-Za-z_]\w*$/.test(p[f])) throw new Error(`pairs[${i}].${f}: not a Lua name`);
  });
  return m as NetworkMapping;
}

export interface ServerEntry {
  readonly host: string;
  readonly fields: Record<string, LuaValue>;
}

export interface EntryOptions {
  readonly clientVersion?: number;
  /** For HTTP login: the login URL (default http://<ip>/login.php). */
  readonly loginUrl?: string;
  readonly mapping?: NetworkMapping;
}

/** The Servers_init entry for a Canary server. */
export function canaryToServerEntry(cfg: LuaConfig, opts: EntryOptions = {}): { entry: ServerEntry; notes: string[] } {
  const notes: string[] = [];
  const str = (k: string, d: string) => {
    const v = cfg.get(k)?.value;
    if (typeof v === 'string') return v;
    if (v !== undefined) notes.push(`${k} is ${v === DYNAMIC ? 'computed at run time' : 'not a string'}: using ${d}`);
    return d;
  };
  const num = (k: string, d: number) => {
    const v = cfg.get(k)?.value;
    if (typeof v === 'number') return v;
    if (v !== undefined) notes.push(`${k} is ${v === DYNAMIC ? 'computed at run time' : 'not a number'}: using ${d}`);
    return d;
  };
  const ip = str('ip', '127.0.0.1');
  const version = opts.clientVersion ?? CANARY_CLIENT_VERSION;
  const http = version >= HTTP_LOGIN_FROM;
  let host: string;
  let port: number;
  if (http) {
    const url = new URL(opts.loginUrl ?? `http://${ip}/login.php`);
    host = url.toString();
    port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (!opts.loginUrl) notes.push(`client ${version} logs in over HTTP: ${host} is assumed to be your login endpoint (--login-url to change it)`);
  } else {
    host = ip;
    port = num('loginProtocolPort', 7171);
  }
  const fields: Record<string, LuaValue> = { port, protocol: version, httpLogin: http };
  for (const p of (opts.mapping ?? NETWORK_MAPPING).pairs) {
    if (p.derived || !p.canary || !p.otclient) continue;
    const v = cfg.get(p.canary)?.value;
    if (v === undefined || v === DYNAMIC) continue;
    fields[p.otclient] = v;
  }
  return { entry: { host, fields }, notes };
}

export function entryLua(e: ServerEntry, indent: string): string {
  const inner = Object.entries(e.fields).map(([k, v]) => `${indent}    ${k} = ${luaLiteral(v)}`);
  return `${indent}[${JSON.stringify(e.host)}] = {\n${inner.join(',\n')}\n${indent}}`;
}

interface ServersTable {
  readonly node: LuaNode;
  readonly fields: { key: string; node: LuaNode }[];
}

/** The last `Servers_init = { … }` assignment, wherever it sits (init.lua puts it inside `if ENABLE_SERVERS then`). */
function findServersInit(bytes: string): ServersTable | undefined {
  const chunk = parseLua(bytes);
  let found: ServersTable | undefined;
  const visit = (nodes: readonly LuaNode[]) => {
    for (const st of nodes) {
      if (st.type === 'AssignmentStatement') {
        const vars = st.variables as LuaNode[];
        const init = st.init as LuaNode[];
        vars.forEach((v, i) => {
          const t = init[i];
          if (v.type === 'Identifier' && v.name === 'Servers_init' && t?.type === 'TableConstructorExpression') {
            const fields = (t.fields as LuaNode[]).flatMap((f) => {
              const key = f.type === 'TableKeyString' ? ((f.key as LuaNode).name as string) : f.type === 'TableKey' && (f.key as LuaNode).type === 'StringLiteral' ? utf8((f.key as LuaNode).value as string) : undefined;
              return key === undefined ? [] : [{ key, node: f }];
            });
            found = { node: t, fields };
          }
        });
      }
      for (const k of ['body', 'clauses'] as const) if (Array.isArray(st[k])) visit(st[k] as LuaNode[]);
    }
  };
  visit(chunk.body);
  return found;
}

/**
 * Adds the entry for `entry.host` to an init.lua, or updates the fields of
 * the existing one in place (its other fields and comments stay).
 */
export function upsertServerEntry(initLua: Uint8Array | string, entry: ServerEntry): { output: string; action: 'added' | 'updated' | 'unchanged' } {
  const bytes = typeof initLua === 'string' ? latin1(initLua) : Buffer.from(initLua).toString('latin1');
  const table = findServersInit(bytes);
  if (!table) {
    const edit = append(bytes, `\nServers_init = {\n${entryLua(entry, '    ')}\n}\n`);
    return { output: applyEdits(bytes, [edit]), action: 'added' };
  }
  const existing = table.fields.find((f) => f.key === entry.host);
  const value = existing?.node.value as LuaNode | undefined;
  if (value?.type === 'TableConstructorExpression') {
    const edits: TextEdit[] = [];
    const missing: [string, LuaValue][] = [];
    const fields = value.fields as LuaNode[];
    for (const [k, v] of Object.entries(entry.fields)) {
      const f = fields.find((x) => x.type === 'TableKeyString' && (x.key as LuaNode).name === k);
      if (!f) missing.push([k, v]);
      else if (evaluate(f.value as LuaNode) !== v) edits.push({ start: (f.value as LuaNode).range[0], end: (f.value as LuaNode).range[1], text: latin1(luaLiteral(v)) });
    }
    if (missing.length) edits.push(insertFields(bytes, value, missing.map(([k, v]) => `${k} = ${luaLiteral(v)}`)));
    return { output: applyEdits(bytes, edits), action: edits.length ? 'updated' : 'unchanged' };
  }
  if (existing) {
    const edit: TextEdit = { start: existing.node.range[0], end: existing.node.range[1], text: latin1(entryLua(entry, indentAt(bytes, existing.node.range[0])).trimStart()) };
    return { output: applyEdits(bytes, [edit]), action: 'updated' };
  }
  const indent = (table.node.fields as LuaNode[]).length ? indentAt(bytes, (table.node.fields as LuaNode[])[0]!.range[0]) : `${indentAt(bytes, table.node.range[0])}    `;
  return { output: applyEdits(bytes, [insertFields(bytes, table.node, [entryLua(entry, indent).trimStart()])]), action: 'added' };
}

function indentAt(bytes: string, offset: number): string {
  return /^[ \t]*/.exec(bytes.slice(bytes.lastIndexOf('\n', offset - 1) + 1, offset))![0];
}

/** Inserts fields after a table's last field, keeping a trailing separator (and comments) where the author had them. */
function insertFields(bytes: string, table: LuaNode, texts: readonly string[]): TextEdit {
  const fields = table.fields as LuaNode[];
  const last = fields[fields.length - 1];
  const closing = table.range[1] - 1;
  const outer = indentAt(bytes, table.range[0]);
  if (!last) {
    const indent = `${outer}    `;
    return { start: closing, end: closing, text: `\n${texts.map((t) => latin1(indent + t)).join(',\n')}\n${outer}` };
  }
  const indent = indentAt(bytes, last.range[0]);
  const body = texts.map((t) => latin1(indent + t)).join(',\n');
  const sep = /^\s*[,;]/.exec(bytes.slice(last.range[1], closing));
  const at = sep ? last.range[1] + sep[0].length : last.range[1];
  return { start: at, end: at, text: `${sep ? '' : ','}\n${body}${sep ? ',' : ''}` };
}

/** The Servers_init entries of an init.lua, evaluated. */
export function readServerEntries(initLua: Uint8Array | string): ServerEntry[] {
  const bytes = typeof initLua === 'string' ? latin1(initLua) : Buffer.from(initLua).toString('latin1');
  const table = findServersInit(bytes);
  if (!table) return [];
  return table.fields.flatMap(({ key, node }) => {
    const v = evaluate(node.value as LuaNode);
    if (v === DYNAMIC || v === null || typeof v !== 'object') return [];
    return [{ host: key, fields: (v as LuaTable).hash }];
  });
}

/** Sets Canary's ip and login port from an OTClient entry, in place on a Canary config.lua. */
export function applyServerEntryToCanary(canaryConfig: Uint8Array | string, entry: ServerEntry, mapping: NetworkMapping = NETWORK_MAPPING): { output: string; changes: string[] } {
  const cfg = readLuaConfig(canaryConfig);
  const changes: string[] = [];
  const edits: TextEdit[] = [];
  const appended: string[] = [];
  const set = (key: string, value: LuaValue) => {
    const e = cfg.get(key);
    if (e && e.value === value) return;
    if (e) edits.push(setValue(e, luaLiteral(value)));
    else appended.push(`${key} = ${luaLiteral(value)}`);
    changes.push(`${key} = ${luaLiteral(value)}${e ? ` (was ${e.valueText})` : ' (added)'}`);
  };
  const http = entry.fields.httpLogin === true;
  let ip = entry.host;
  if (/^https?:\/\//i.test(entry.host)) ip = new URL(entry.host).hostname;
  set('ip', ip);
  if (!http && typeof entry.fields.port === 'number') set('loginProtocolPort', entry.fields.port);
  for (const p of mapping.pairs) {
    if (p.derived || !p.canary || !p.otclient) continue;
    const v = entry.fields[p.otclient];
    if (v !== undefined) set(p.canary, v);
  }
  if (appended.length) edits.push(append(cfg.bytes, `\n-- otbridge: from OTClient's Servers_init entry ${JSON.stringify(entry.host)}\n${appended.join('\n')}\n`));
  return { output: applyEdits(cfg.bytes, edits), changes };
}
