import type { Dialect } from '../../dialect';
import { capturesPlainFrame, reviveBody, Up2Session, type Up2DialectOptions } from './session';

export type { Up2DialectOptions };

export function createUp2Dialect(opts: Up2DialectOptions): Dialect {
  return {
    name: 'up2',
    description: 'Unified Protocol v2.0',
    createSession: (ctx) => new Up2Session(ctx, opts),
    reviveBody: (summary, plain) => reviveBody(summary, plain, opts.redact),
    capturesPlainFrame: (record) => capturesPlainFrame(record, opts.redact),
  };
}
