/**
 * Another player's broadcast that the replay hears only because it lets the
 * server finish before a logout — the captured session had already logged
 * out — is counted as late, not as unexpected: the run still matches.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from './runner';
import { formatReport } from './report-text';
import { BOT_PASSWORD, recordThrough, serverKeys, startReference, waveAfterLogout } from '../../test-support/replay-harness';

let dir: string;
const keys = serverKeys();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-replay-late-'));
  const { ref, port } = await startReference(keys);
  const rec = await recordThrough(port, keys.identity.publicRaw, join(dir, 'late.pcapng'));
  await waveAfterLogout(rec.port, rec.proxyIdentity.publicRaw);
  await new Promise((r) => setTimeout(r, 200));
  await rec.close();
  await ref.close();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("a wave that reaches bot1 while the replay waits before its logout is late, not unexpected; the run matches", async () => {
  const { ref, port } = await startReference(keys);
  try {
    // A long settle: bot1 stays well past the moment bot2 waves, however the two sessions drift on a loaded machine.
    const report = await runReplay({ capture: join(dir, 'late.pcapng'), target: { host: '127.0.0.1', port }, identity: { pinned: keys.identity.publicRaw }, password: BOT_PASSWORD, settleMs: 1500 });
    const text = formatReport(report);
    expect(report.verdict, text).toBe('matched');
    const bot1 = report.sessions.find((s) => s.account === 'bot1')!;
    expect(bot1.pushes.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-2'), text).toMatchObject({ captured: 0, replayed: 1, unexpected: 0, late: 1 });
    expect(bot1.warnings.join('\n')).toMatch(/1 broadcast from other players arrived while the replay let the server finish before the session ended/);
    // bot2 heard its own wave, as captured.
    const bot2 = report.sessions.find((s) => s.account === 'bot2')!;
    expect(bot2.pushes.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-2')).toMatchObject({ captured: 1, replayed: 1, matched: 1 });
  } finally {
    await ref.close();
  }
}, 30_000);
