import { afterEach, describe, expect, it } from 'vitest';
import { ReferenceServer } from './server';
import { Bot, BotFleet } from './bot';
import { TEST_SCRYPT } from '../../test-support/up-harness';

let ref: ReferenceServer | null = null;
let fleet: BotFleet | null = null;

afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await ref?.close();
  ref = null;
});

async function server(): Promise<number> {
  ref = await ReferenceServer.create({ port: 0, scrypt: TEST_SCRYPT, botAccounts: 8, world: { creatures: 20, items: 10, seed: 3 } });
  return (await ref.listen()).port;
}

describe('bot fleet', () => {
  it('with actTogether, no bot acts before every login has been tried; then all act', async () => {
    const port = await server();
    const acted: number[] = [];
    const loggedIn: number[] = [];
    const act = Bot.prototype.act;
    const start = Bot.prototype.start;
    // Record when each bot acts and when each login finishes (the fleet's own methods, observed).
    Bot.prototype.act = function (this: Bot) {
      acted.push(performance.now());
      return act.call(this);
    };
    Bot.prototype.start = async function (this: Bot, a?: boolean) {
      await start.call(this, a);
      loggedIn.push(performance.now());
    };
    try {
      fleet = await BotFleet.start({ host: '127.0.0.1', port, identity: { pinned: ref!.identity.publicRaw }, count: 8, intervalMs: 5, loginConcurrency: 2, actTogether: true });
      expect(fleet.connected).toBe(8);
      expect(fleet.failures).toEqual([]);
      const lastLogin = Math.max(...loggedIn);
      await new Promise((r) => setTimeout(r, 300));
      expect(acted.length).toBeGreaterThan(8);
      expect(Math.min(...acted)).toBeGreaterThanOrEqual(lastLogin);
      // Every bot acts, not only some.
      expect(fleet.bots.every((b) => b.stats.actions > 0)).toBe(true);
    } finally {
      Bot.prototype.act = act;
      Bot.prototype.start = start;
    }
  });

  it('keeps the reasons of logins that failed, and goes on with the others', async () => {
    const port = await server();
    const accounts = [
      { account: 'bot1', password: 'bot' },
      { account: 'bot2', password: 'wrong' },
      { account: 'nobody', password: 'bot' },
    ];
    fleet = await BotFleet.start({ host: '127.0.0.1', port, identity: { pinned: ref!.identity.publicRaw }, count: 3, accounts, intervalMs: 1000 });
    expect(fleet.connected).toBe(1);
    expect(fleet.failures).toHaveLength(2);
    for (const e of fleet.failures) expect(e.message).toMatch(/UNAUTHENTICATED: wrong account or password/);
  });
});
