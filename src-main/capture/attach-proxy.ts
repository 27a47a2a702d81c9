/**
 * Connects a running proxy to a capture writer: every record becomes a
 * packet (with the dialect's PDU), every session open/update/close a
 * session-metadata block. Returns a function that detaches.
 */
import { type Proxy } from '../proxy/proxy';
import { type ProxySessionInfo } from '../proxy/session';
import { type MessageRecord } from '../../src-shared/records';
import { type CaptureWriter } from './writer';
import { type Endpoint } from './ip';
import { type SessionMeta } from './session-meta';
import { type PduKind } from './pdu/types';

/** "host:port" or "[v6]:port" as an Endpoint; undefined when it is neither. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]*):(\d+)$/.exec(text) ?? /^(.*):(\d+)$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port <= 65535 ? { address: m[1]!, port } : undefined;
}

/** The capture's view of a proxy session: peers, mode, times, and the facts the dialect learnt. */
export function sessionMetaFromProxy(info: ProxySessionInfo, proxyAddress?: Endpoint): SessionMeta {
  const { proxyIdentity, serverIdentity, jwt, mode, dialect: _d, ...facts } = info.facts as Record<string, unknown>;
  const client = parseEndpoint(info.client);
  const server = parseEndpoint(info.upstream);
  const identity = {
    ...(typeof serverIdentity === 'string' ? { server: serverIdentity } : {}),
    ...(typeof proxyIdentity === 'string' ? { presented: proxyIdentity } : {}),
  };
  return {
    ...facts,
    session: info.id,
    dialect: info.dialect,
    mode: typeof mode === 'string' ? mode : info.mode,
    ...(client ? { client } : {}),
    ...(proxyAddress ? { proxy: proxyAddress } : {}),
    ...(server ? { server } : {}),
    start: info.openedAt,
    ...(info.closedAt !== null ? { end: info.closedAt } : {}),
    ...(info.closeReason !== null ? { closeReason: info.closeReason } : {}),
    ...(Object.keys(identity).length ? { identity } : {}),
    ...(jwt && typeof jwt === 'object' ? { claims: jwt as Record<string, unknown> } : {}),
    messages: info.messages,
  };
}

const kindOf = (r: MessageRecord): PduKind => (r.plain ? 'plain' : r.wire ? 'wire' : 'none');

export function attachCapture(proxy: Proxy, writer: CaptureWriter): () => void {
  const address = (): Endpoint | undefined => {
    const a = proxy.address;
    return a ? { address: a.address, port: a.port } : undefined;
  };
  const onSession = (info: ProxySessionInfo): void => {
    writer.writeSession(sessionMetaFromProxy(info, address()));
  };
  // When the PDU is the record's plaintext under its own header, the writer builds it in place: one copy, not two.
  const dialect = proxy.opts.dialect;
  const onRecord = (record: MessageRecord, pdu: () => Uint8Array): void => {
    if (dialect.capturesPlainFrame?.(record)) writer.writeRecord(record);
    else writer.writeRecord(record, { pdu: { bytes: pdu(), kind: kindOf(record) } });
  };
  proxy.on('sessionOpen', onSession);
  proxy.on('sessionUpdate', onSession);
  proxy.on('sessionClose', onSession);
  proxy.on('record', onRecord);
  return () => {
    proxy.off('sessionOpen', onSession);
    proxy.off('sessionUpdate', onSession);
    proxy.off('sessionClose', onSession);
    proxy.off('record', onRecord);
  };
}
