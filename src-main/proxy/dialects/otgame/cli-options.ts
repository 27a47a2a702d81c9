/**
 * The OT options of `otbridge proxy --dialect otgame`, for the proxy
 * command to spread into its parseArgs options and hand back here. One
 * place knows their names, defaults and checks; the command stays generic.
 */
import { readFile } from 'node:fs/promises';
import { type OtGameDialectOptions } from './dialect';
import { rsaKeyFromPem } from './rsa';

export const OTGAME_CLI_OPTIONS = {
  'ot-key': { type: 'string' },
  'ot-version': { type: 'string' },
  'ot-public-game': { type: 'string' },
  'ot-http-login': { type: 'string' },
  'ot-http-upstream': { type: 'string' },
  'ot-opaque': { type: 'boolean' },
} as const;

export const OTGAME_CLI_USAGE = `OT game protocol (--dialect otgame):
  --ot-key key.pem          the server's private key (default: the published OT key Canary ships)
  --ot-version V            protocol version, e.g. 1412 (default: read from each login packet)
  --ot-public-game H:P      the game listener as clients reach it: worlds handed out at login
                            (binary character list, HTTP login) are rewritten to it
  --ot-http-login H:P       also run the HTTP login proxy (clients ≥ 12.81) here …
  --ot-http-upstream URL    … in front of this login.php (e.g. http://127.0.0.1/login.php)
  --ot-opaque               do not decrypt in passthrough mode (decrypting is passive and on by default)`;

export interface OtGameCliValues {
  readonly 'ot-key'?: string;
  readonly 'ot-version'?: string;
  readonly 'ot-public-game'?: string;
  readonly 'ot-http-login'?: string;
  readonly 'ot-http-upstream'?: string;
  readonly 'ot-opaque'?: boolean;
}

export interface OtGameCliSettings {
  readonly dialect: OtGameDialectOptions;
  /** Present when both --ot-http-login and --ot-http-upstream were given: pass to startHttpLoginProxy. */
  readonly httpLogin?: { readonly listen: { host: string; port: number }; readonly upstream: string; readonly rewriteWorldsTo?: { host: string; port: number } };
}

function hostPort(text: string, name: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new RangeError(`--${name} expects host:port, got "${text}"`);
  return { host: m[1] ?? m[2]!, port };
}

/** Checks the values and reads the key file; throws RangeError with the option's name on a bad value. */
export async function otgameSettingsFromCli(v: OtGameCliValues): Promise<OtGameCliSettings> {
  let protocolVersion: number | undefined;
  if (v['ot-version'] !== undefined) {
    protocolVersion = Number(v['ot-version']);
    if (!Number.isInteger(protocolVersion) || protocolVersion < 700 || protocolVersion > 9999)
      throw new RangeError(`--ot-version must be a protocol version like 1098 or 1412, got "${v['ot-version']}"`);
  }
  const rewriteWorldsTo = v['ot-public-game'] ? hostPort(v['ot-public-game'], 'ot-public-game') : undefined;
  let serverKey: OtGameDialectOptions['serverKey'];
  if (v['ot-key']) {
    const pem = await readFile(v['ot-key'], 'utf8');
    try {
      serverKey = rsaKeyFromPem(pem);
    } catch (e) {
      throw new RangeError(`--ot-key ${v['ot-key']}: not an RSA private key in PEM (${(e as Error).message})`);
    }
  }
  if (!!v['ot-http-login'] !== !!v['ot-http-upstream']) throw new RangeError('--ot-http-login and --ot-http-upstream go together');
  const dialect: OtGameDialectOptions = {
    ...(serverKey ? { serverKey } : {}),
    ...(protocolVersion ? { protocolVersion } : {}),
    ...(rewriteWorldsTo ? { rewriteWorldsTo } : {}),
    ...(v['ot-opaque'] ? { decryptInPassthrough: false } : {}),
  };
  if (!v['ot-http-login']) return { dialect };
  const upstream = v['ot-http-upstream']!;
  if (!/^https?:\/\//.test(upstream)) throw new RangeError(`--ot-http-upstream must be an http(s) URL, got "${upstream}"`);
  return { dialect, httpLogin: { listen: hostPort(v['ot-http-login'], 'ot-http-login'), upstream, ...(rewriteWorldsTo ? { rewriteWorldsTo } : {}) } };
}
