/** The console's replay service through the services facade: the channels a UI calls and the events it gets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleServices } from '../services';
import { replayModule } from './replay';
import { type EventChannel } from '../../../src-shared/ipc/contract';
import { type ReplayDone, type ReplayOpenResult, type ReplayReport } from '../../../src-shared/ipc/replay';
import { waitFor } from '../../../test-support/up-harness';
import { recordThrough, scriptedSession, serverKeys, startReference } from '../../../test-support/replay-harness';
import { sessionRecords, writeCapture } from '../../../test-support/replay-fixtures';

let dir: string;
let capture: string;
const keys = serverKeys();
const key = Buffer.from(keys.identity.publicRaw).toString('base64url');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-replay-console-'));
  capture = join(dir, 'run.pcapng');
  const { ref, port } = await startReference(keys);
  const rec = await recordThrough(port, ref.identity.publicRaw, capture);
  await scriptedSession(rec.port, rec.proxyIdentity.publicRaw, { moves: 1, gapMs: 60 });
  await rec.close();
  await ref.close();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function console_(): Promise<{ services: ConsoleServices; events: { channel: EventChannel; payload: unknown }[]; audit: string }> {
  const audit = join(dir, `audit-${Math.random().toString(36).slice(2)}.ndjson`);
  const services = new ConsoleServices({ shell: 'cli', demo: false }, [replayModule({ auditPath: audit })]);
  await services.start();
  const events: { channel: EventChannel; payload: unknown }[] = [];
  services.connect((channel, payload) => events.push({ channel, payload }));
  return { services, events, audit };
}

describe('console replay service', () => {
  it('replay.open lists the sessions, with why one cannot be replayed; a bad path is a BAD_CAPTURE error', async () => {
    const { services } = await console_();
    try {
      const r = (await services.handle('replay.open', { path: capture })) as ReplayOpenResult;
      expect(r).toMatchObject({ kind: 'pcapng', sessions: [{ session: 1, account: 'demo', replayable: true }] });
      const mixed = join(dir, 'mixed.pcapng');
      await writeCapture(mixed, [{ records: sessionRecords({ session: 1 }) }, { records: sessionRecords({ session: 2, firstId: 100, noLogin: true }) }]);
      const m = (await services.handle('replay.open', { path: mixed })) as ReplayOpenResult;
      expect(m.sessions[1]).toMatchObject({ session: 2, replayable: false, problem: expect.stringMatching(/no login/) });
      await expect(services.handle('replay.open', { path: join(dir, 'nope.pcapng') })).rejects.toMatchObject({ code: 'BAD_CAPTURE', message: expect.stringMatching(/not found/) });
      await expect(services.handle('replay.open', {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      await services.close();
    }
  });

  it('replay.start runs in the background: progress, each session, done; then report and export (JSON, JUnit); the run is audited', async () => {
    const { services, events, audit } = await console_();
    const { ref, port } = await startReference(keys);
    try {
      // A push ignore rule that matches nothing here: passed through to the report's options.
      const { runId } = (await services.handle('replay.start', { capture, target: `127.0.0.1:${port}`, identity: key, password: 'demo', speed: 4, ignorePushes: ['ERROR RATE_LIMITED'] })) as { runId: string };
      expect(await services.handle('replay.report', { runId })).toBeNull();
      await waitFor(() => events.some((e) => e.channel === 'replay.done'), 20_000, 'replay.done');
      const done = events.find((e) => e.channel === 'replay.done')!.payload as ReplayDone;
      expect(done).toMatchObject({ runId, verdict: 'matched', exitCode: 0, counts: { sessions: 1, matched: 1 } });
      expect(events.some((e) => e.channel === 'replay.progress' && (e.payload as { runId: string }).runId === runId)).toBe(true);
      expect(events.find((e) => e.channel === 'replay.session')?.payload).toMatchObject({ runId, session: { session: 1, verdict: 'matched' } });
      const report = (await services.handle('replay.report', { runId })) as ReplayReport;
      expect(report.verdict).toBe('matched');
      expect(report.options.ignorePushes).toEqual(['ERROR RATE_LIMITED']);
      const jsonPath = join(dir, 'export.json');
      expect(await services.handle('replay.export', { runId, format: 'json', path: jsonPath })).toMatchObject({ path: jsonPath });
      expect((JSON.parse(await readFile(jsonPath, 'utf8')) as ReplayReport).sessions).toHaveLength(1);
      const xmlPath = join(dir, 'export.xml');
      await services.handle('replay.export', { runId, format: 'junit', path: xmlPath });
      expect(await readFile(xmlPath, 'utf8')).toContain('<testsuites');
      await expect(services.handle('replay.export', { runId, format: 'junit', path: 'relative.xml' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(services.handle('replay.export', { runId, format: 'json', path: join(dir, 'x.xml') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      // The audit entry is written just after replay.done.
      let text = '';
      for (let i = 0; i < 100 && !text.includes('\n'); i++) {
        text = await readFile(audit, 'utf8').catch(() => '');
        if (!text.includes('\n')) await new Promise((r) => setTimeout(r, 20));
      }
      const entries = text.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; params: { via: string }; outcome: { verdict: string } });
      expect(entries).toEqual([expect.objectContaining({ kind: 'replay.run', params: expect.objectContaining({ via: 'console' }), outcome: expect.objectContaining({ verdict: 'matched' }) })]);
    } finally {
      await services.close();
      await ref.close();
    }
  }, 30_000);

  it('replay.cancel stops a running replay; the run ends as an error', async () => {
    const { services, events } = await console_();
    const { ref, port } = await startReference(keys);
    try {
      const { runId } = (await services.handle('replay.start', { capture, target: `127.0.0.1:${port}`, identity: key, password: 'demo', speed: 0.1 })) as { runId: string };
      await waitFor(() => events.some((e) => e.channel === 'replay.progress'), 10_000, 'the first progress');
      expect(await services.handle('replay.cancel', { runId })).toEqual({ cancelled: true });
      await waitFor(() => events.some((e) => e.channel === 'replay.done'), 10_000, 'replay.done');
      expect((events.find((e) => e.channel === 'replay.done')!.payload as ReplayDone).verdict).toBe('error');
      expect(((await services.handle('replay.report', { runId })) as ReplayReport).sessions[0]!.error).toBe('cancelled');
      expect(await services.handle('replay.cancel', { runId })).toEqual({ cancelled: false });
    } finally {
      await services.close();
      await ref.close();
    }
  }, 30_000);

  it('bad parameters are BAD_REQUEST before anything runs; unknown runs NOT_FOUND', async () => {
    const { services } = await console_();
    try {
      await expect(services.handle('replay.start', { capture, target: 'nowhere', identity: key })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/host:port/) });
      await expect(services.handle('replay.start', { capture, target: '127.0.0.1:1', identity: 'AAAA' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/32 bytes/) });
      await expect(services.handle('replay.start', { capture, target: '127.0.0.1:1', identity: key, speed: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/speed/) });
      await expect(services.handle('replay.start', { capture, target: '127.0.0.1:1', identity: key, ignorePushes: ['GAME_STATE_UPDATE'] })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/GAME_STATE_UPDATE is state/),
      });
      await expect(services.handle('replay.start', { capture, target: '127.0.0.1:1', identity: key, ignorePushes: 'EVENT_BROADCAST' as never })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: 'ignorePushes must be an array of strings',
      });
      await expect(services.handle('replay.start', { capture, target: '127.0.0.1:1', identity: key, ignore: ['NOPE:/x'] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/NOPE/) });
      await expect(services.handle('replay.report', { runId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await services.close();
    }
  });
});
