/**
 * Audit log: the page shown and what it was asked with, the last
 * verification, and how far the log has grown since the page was read (the
 * services push audit.appended whoever writes to it).
 */
import type { StateCreator } from 'zustand';
import type { AuditPage, AuditVerification } from '../../src-shared/ipc/migrate';
import type { Store } from './index';

export interface AuditQuery {
  readonly offset: number;
  readonly limit: number;
  /** '' for every kind. */
  readonly kind: string;
  readonly order: 'newest' | 'oldest';
}

export const AUDIT_PAGE = 100;

export interface AuditSlice {
  auditQuery: AuditQuery;
  auditPage: AuditPage | null;
  /** Lines in the log as last pushed (null: no push yet). */
  auditLines: number | null;
  /** The log grew after the page was read. */
  auditStale: boolean;
  auditVerification: AuditVerification | null;
  /** The line selected in the list (lines are stable; seq is absent on damaged ones). */
  auditSelected: number | null;
  setAuditQuery(q: Partial<AuditQuery>): void;
  setAuditPage(p: AuditPage): void;
  auditAppended(lines: number): void;
  setAuditVerification(v: AuditVerification | null): void;
  selectAuditLine(line: number | null): void;
}

export const createAuditSlice: StateCreator<Store, [], [], AuditSlice> = (set) => ({
  auditQuery: { offset: 0, limit: AUDIT_PAGE, kind: '', order: 'newest' },
  auditPage: null,
  auditLines: null,
  auditStale: false,
  auditVerification: null,
  auditSelected: null,
  setAuditQuery: (q) => set((s) => ({ auditQuery: { ...s.auditQuery, ...q } })),
  setAuditPage: (auditPage) => set({ auditPage, auditStale: false }),
  // A verification of the shorter log no longer speaks for the longer one.
  auditAppended: (auditLines) => set((s) => (s.auditLines === auditLines ? {} : { auditLines, auditStale: true, auditVerification: null })),
  setAuditVerification: (auditVerification) => set({ auditVerification }),
  selectAuditLine: (auditSelected) => set({ auditSelected }),
});
