/** One served client as `otbridge replay --serve` prints it. */
import { differenceLine, oneLine } from '../report-text';
import { type MockClientReport } from './types';

export function formatMockClient(c: MockClientReport): string {
  const lines = [
    `client ${c.client}: ${c.session === null ? 'never logged in' : `session ${c.session} (${c.account ?? '?'})`}, ${c.matched}/${c.received} messages matched, ` +
      `${c.pushesSent}/${c.pushesCaptured} pushes sent${c.stateAnswers ? `, ${c.stateAnswers} state requests answered from the captured state` : ''}` +
      `${c.notSent ? `, ${c.notSent} captured messages never sent` : ''}; ${c.loggedOut ? 'logged out' : `closed: ${c.closeReason ?? 'open'}`} after ${(c.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const u of c.unmatched.slice(0, 20)) {
    lines.push(`  unmatched ${u.type}${u.answered ? ' (answered ERROR NOT_FOUND)' : ' (not answered)'}: ${JSON.stringify(u.body)?.slice(0, 120) ?? ''}`);
    if (u.nearest) for (const d of u.nearest.differences.slice(0, 3)) lines.push(`    vs capture record ${u.nearest.recordId}: ${differenceLine(d)}`);
  }
  if (c.notSentExamples.length) lines.push(`  never sent: ${c.notSentExamples.map((x) => `${x.type} (record ${x.recordId})`).join(', ')}${c.notSent > c.notSentExamples.length ? ', …' : ''}`);
  const more = c.moreUnmatched + Math.max(0, c.unmatched.length - 20);
  if (more) lines.push(`  … ${more} more unmatched`);
  return `${lines.map(oneLine).join('\n')}\n`;
}
