/**
 * The OT game protocol as a proxy dialect. One factory call per proxy
 * listener: the login listener (7171) and the game listener (7172) each
 * get a dialect; point the login one's `rewriteWorldsTo` at the game
 * listener so clients come back through the proxy.
 */
import { type Dialect, type DialectContext, type DialectSession } from '../../dialect';
import { registerPduCodec } from '../../../capture/pdu/index';
import { type World } from './charlist';
import { otgamePduCodec } from './pdu';
import { otServerKey, rsaKeyFromPem, type RsaPrivateKey } from './rsa';
import { OtGameSession } from './session';

export interface OtGameDialectOptions {
  /**
   * The server's private RSA key: a PEM text (Canary's key.pem), a key
   * object, or undefined for the widely published OT key (the default of
   * Canary, TFS and OTClient).
   */
  readonly serverKey?: string | RsaPrivateKey;
  /** Force a protocol version (e.g. 1412) instead of reading it from each login packet. */
  readonly protocolVersion?: number;
  /** Where the proxy's game listener is, as clients must reach it: worlds of binary character lists are rewritten to it. */
  readonly rewriteWorldsTo?: { readonly host: string; readonly port: number };
  /** Called with the worlds a login server handed out, before rewriting (e.g. to check the game listener's upstream). */
  readonly onWorlds?: (worlds: readonly World[]) => void;
  /** Bound on one inflated message (default 65536, OTClient's buffer). */
  readonly maxInflated?: number;
  /**
   * Decrypt in the proxy's passthrough mode too (default true). Reading an
   * OT session is passive — the key comes from the login packet and no byte
   * the peers see changes — so passthrough and decrypt differ only in what
   * the proxy may read; false keeps passthrough sessions opaque.
   */
  readonly decryptInPassthrough?: boolean;
}

export function createOtGameDialect(opts: OtGameDialectOptions = {}): Dialect {
  const key: RsaPrivateKey = typeof opts.serverKey === 'string' ? rsaKeyFromPem(opts.serverKey) : (opts.serverKey ?? otServerKey());
  registerPduCodec(otgamePduCodec);
  return {
    name: 'otgame',
    description: `OT game protocol (OTClient ↔ Canary/TFS): ${key.label}${opts.protocolVersion ? `, version ${opts.protocolVersion}` : ', version from each login'}`,
    createSession(ctx: DialectContext): DialectSession {
      const decrypting = ctx.mode === 'decrypt' || opts.decryptInPassthrough !== false;
      ctx.facts({ dialect: 'otgame', mode: ctx.mode, decryption: decrypting ? 'passive (key from the login packet)' : 'off', serverKey: key.label });
      return new OtGameSession(ctx, {
        serverKey: decrypting ? key : null,
        ...(opts.protocolVersion ? { protocolVersion: opts.protocolVersion } : {}),
        ...(opts.rewriteWorldsTo ? { rewriteWorldsTo: opts.rewriteWorldsTo } : {}),
        ...(opts.onWorlds ? { onWorlds: opts.onWorlds } : {}),
        ...(opts.maxInflated ? { maxInflated: opts.maxInflated } : {}),
      });
    },
  };
}
