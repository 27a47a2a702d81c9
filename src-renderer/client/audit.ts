/** The Audit view's requests: a page of the log, and the verification of its hash chain. */
import type { Bridge } from '../../src-shared/ipc/contract';
import type { ConsoleStore } from '../store';
import type { AuditQuery } from '../store/audit-slice';

export class AuditController {
  private gen = 0;

  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
  ) {}

  /** Reads the page the query names (after changing it); the latest request wins. */
  async load(change: Partial<AuditQuery> = {}): Promise<void> {
    if (Object.keys(change).length) this.store.getState().setAuditQuery(change);
    const q = this.store.getState().auditQuery;
    const gen = ++this.gen;
    const page = await this.bridge.invoke('audit.list', { offset: q.offset, limit: q.limit, order: q.order, ...(q.kind ? { kind: q.kind } : {}) });
    if (gen === this.gen) this.store.getState().setAuditPage(page);
  }

  /** The log grew: the first page of the newest entries follows by itself; elsewhere the view offers a refresh. */
  onAppended(lines: number): void {
    const s = this.store.getState();
    s.auditAppended(lines);
    if (s.view === 'audit' && s.auditQuery.offset === 0 && s.auditQuery.order === 'newest') void this.load().catch(() => undefined);
  }

  async verify(expectHead?: string): Promise<void> {
    const head = expectHead?.trim();
    const v = await this.bridge.invoke('audit.verify', head ? { expectHead: head } : {});
    this.store.getState().setAuditVerification(v);
  }
}
