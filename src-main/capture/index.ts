/**
 * Captures: pcapng files of Exported PDUs that Wireshark opens, written as a
 * stream by the proxy and read back by the replay tool and the console.
 * See docs/captures.md.
 */
export { CaptureWriter, DEFAULT_WRITER_OPTIONS, type CaptureWriterOptions, type RecordExtras, type WriterStats } from './writer';
export { CaptureReader, type CaptureItem, type ItemQuery, type IndexInfo, type Page, type PageQuery, type ReaderOptions, type RecordQuery } from './reader';
export { CapturedRecord } from './captured-record';
export { SummaryBatch } from './summary-batch';
export { followCapture, type FollowOptions } from './follow';
export { exportNdjson, importNdjson, messageLine, type ExportOptions, type ImportOptions, type NdjsonItem } from './ndjson';
export { ndjsonToCapture, readCaptureItems, sniffCaptureFile, type AnyItem } from './open-any';
export { summarizeCapture, type CaptureSummary } from './summary';
export { formatRecordLine, formatSessionLine } from './format-line';
export { identityFingerprint, jwtClaims, sanitizeSessionMeta, type SessionMeta } from './session-meta';
export { CaptureError, type CaptureWarning } from './errors';
export { type Endpoint } from './ip';
export { indexPath, partPath } from './parts';
export { pduCodecFor, registerPduCodec, up2PlaintextPdu, type BuiltPdu, type PduCodec, type PduKind } from './pdu/index';
export { attachCapture, parseEndpoint, sessionMetaFromProxy } from './attach-proxy';
