/** The migrate and audit commands, driven in-process with a captured terminal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo } from '../cli/command';
import { migrateCommand } from '../cli/commands/migrate';
import { auditCommand } from '../cli/commands/audit';
import { progressLine, eta } from './progress-printer';
import { makeWorkspace, type Workspace } from '../../test-support/migrate-harness';
import { BAD_CANARY_CONFIG, TFS_CONFIG } from '../../test-support/migrate-config-fixtures';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

function io(opts: { tty?: boolean } = {}): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: Object.assign({ write: (s: string) => ((out += s), true) }, opts.tty ? { isTTY: true, columns: 100 } : {}) as unknown as CliIo['out'],
    err: { write: (s: string) => ((err += s), true) } as unknown as CliIo['err'],
    stopped: new Promise(() => {}),
    stdout: () => out,
    stderr: () => err,
  };
}

const audit = () => join(ws.dir, 'cli-audit.ndjson');

describe('otbridge migrate data / verify', () => {
  it('runs, prints a summary, exits 3 when rows were rejected, and verify lists the target\'s own rows', async () => {
    const target = ws.newTarget('cli');
    const args = ['--profile', 'tfs-canary', '--from', `sqlite:${ws.sourcePath}`, '--to', `sqlite:${target}`, '--checkpoint', join(ws.dir, 'cli.cp.json'), '--rejects', join(ws.dir, 'cli.rej.ndjson')];
    const t = io();
    expect(await migrateCommand.run(['data', ...args, '--audit-log', audit(), '--now', String(ws.fx.now)], t)).toBe(3);
    expect(t.stdout()).toMatch(/✓ players → players: 297 written, 3 rejected of 300 read/);
    expect(t.stdout()).toMatch(/completed: \d+ row\(s\) written, 9 rejected/);
    expect(t.stderr()).toMatch(/warning: source tables this profile does not know, NOT migrated: znote_accounts/);

    const v = io();
    expect(await migrateCommand.run(['verify', ...args], v)).toBe(5);
    expect(v.stdout()).toMatch(/✗ players: 298 row\(s\) in the target, 297 expected \(3 rejected\)/);
    expect(v.stdout()).toMatch(/extra: \{"id":900000\}/);
    expect(v.stdout()).toMatch(/MISMATCH in 2 table\(s\)/);
  });

  it('--json prints the events and the summary as NDJSON; --dry-run writes nothing', async () => {
    const target = ws.newTarget('cli-json', { clash: false });
    const t = io();
    const code = await migrateCommand.run(
      ['data', '--profile', 'tfs-canary', '--from', ws.sourcePath, '--to', target, '--dry-run', '--json', '--select', 'tables=accounts', '--checkpoint', join(ws.dir, 'j.json'), '--rejects', join(ws.dir, 'j.ndjson'), '--audit-log', audit()],
      t,
    );
    expect(code).toBe(3);
    const events = t.stdout().trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(events[0]!.event).toBe('plan');
    expect(events.map((e) => e.event)).toContain('reject');
    expect(events.at(-1)).toMatchObject({ event: 'done', status: 'completed', dryRun: true, written: 151 });
  });

  it('Ctrl-C (the stop signal) ends after the current batch with exit 4; --resume finishes the run', async () => {
    const target = ws.newTarget('cli-stop', { clash: false });
    const args = ['--profile', 'tfs-canary', '--from', ws.sourcePath, '--to', target, '--batch-size', '50', '--checkpoint', join(ws.dir, 's.json'), '--rejects', join(ws.dir, 's.ndjson'), '--audit-log', audit()];
    let stop!: (s: string) => void;
    const t = io();
    const stopping: CliIo = { ...t, stopped: new Promise<string>((r) => (stop = r)), out: { write: (s: string) => (s.includes('"event":"progress"') && stop('SIGINT'), t.out.write(s)) } as unknown as CliIo['out'] };
    expect(await migrateCommand.run(['data', ...args, '--json'], stopping)).toBe(4);
    expect(t.stdout()).toMatch(/"event":"done".*"status":"cancelled"/);
    const r = io();
    expect(await migrateCommand.run(['data', ...args, '--resume'], r)).toBe(3);
    expect(r.stdout()).toMatch(/completed: /);
  });

  it('usage errors exit through UsageError', async () => {
    await expect(migrateCommand.run(['data', '--from', 'x'], io())).rejects.toThrow(/--profile is required/);
    await expect(migrateCommand.run(['data', '--profile', 'tfs-canary', '--from', 'a', '--to', 'b', '--type', 'partial'], io())).rejects.toThrow(/--type must be/);
    await expect(migrateCommand.run(['data', '--profile', 'tfs-canary', '--resume', '--restart'], io())).rejects.toThrow(/exclude each other/);
    await expect(migrateCommand.run(['data', '--profile', 'tfs-canary', '--from', 'nonsense', '--to', 'b'], io())).rejects.toThrow(/cannot tell what "nonsense" is/);
    await expect(migrateCommand.run(['frobnicate'], io())).rejects.toThrow(/unknown subcommand/);
  });

  it('draws one progress line on a terminal', () => {
    const line = progressLine({ table: 'players', tableIndex: 1, tableCount: 3, rowsDone: 500, rowsTotal: 1000, tableRowsDone: 5, tableRowsTotal: 10, rowsPerSecond: 250, etaSeconds: 2, rejected: 1 }, 80);
    expect(line).toMatch(/^\[█+·+\] {2}50% 500\/1000 250\/s ETA 0:02 players ✗1$/);
    expect(line.length).toBeLessThan(80);
    expect(eta(3725)).toBe('1:02:05');
    expect(eta(null)).toBe('--:--');
  });
});

describe('otbridge migrate config', () => {
  it('shows the diff, writes only with --write, keeps a .bak and records the write', async () => {
    const file = join(ws.dir, 'config.lua');
    writeFileSync(file, TFS_CONFIG);
    const show = io();
    expect(await migrateCommand.run(['config', '--profile', 'tfs-canary', file, '--audit-log', audit()], show)).toBe(0);
    expect(show.stdout()).toMatch(/^--- .*config\.lua\n\+\+\+ .*\(migrated\)\n@@/);
    expect(show.stdout()).toContain('\n-motd = "Witaj na serwerze — żółć!"\n');
    expect(show.stdout()).toContain('\n+serverMotd = "Witaj na serwerze — żółć!"\n');
    expect(show.stderr()).toMatch(/not written: run again with --write/);
    expect(readFileSync(file, 'utf8')).toBe(TFS_CONFIG);

    const write = io();
    expect(await migrateCommand.run(['config', '--profile', 'tfs-canary', file, '--write', '--audit-log', audit()], write)).toBe(0);
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(TFS_CONFIG);
    expect(readFileSync(file, 'utf8')).toContain('serverMotd = "Witaj na serwerze — żółć!"');
    const log = io();
    await auditCommand.run(['list', '--log', audit(), '--kind', 'migrate.config', '--json'], log);
    expect(JSON.parse(log.stdout().trim())).toMatchObject({ kind: 'migrate.config.write', params: { file, profile: 'tfs-canary' }, outcome: { backup: `${file}.bak`, errors: 0 } });
  });

  it('refuses to write a result that does not validate, unless --force', async () => {
    const file = join(ws.dir, 'broken.lua');
    writeFileSync(file, 'worldType = "open"\nmotd = "x"\n');
    const t = io();
    expect(await migrateCommand.run(['config', '--profile', 'tfs-canary', file, '--write', '--audit-log', audit()], t)).toBe(7);
    expect(t.stderr()).toMatch(/broken\.lua \(migrated\):1: error: worldType: "open" is not one of/);
    expect(t.stderr()).toMatch(/NOT written: 1 problem/);
    expect(existsSync(`${file}.bak`)).toBe(false);
    expect(await migrateCommand.run(['config', '--profile', 'tfs-canary', file, '--write', '--force', '--audit-log', audit()], io())).toBe(7);
    expect(readFileSync(file, 'utf8')).toContain('serverMotd = "x"');
  });

  it('--validate checks a file on its own and names each bad line', async () => {
    const file = join(ws.dir, 'canary.lua');
    writeFileSync(file, BAD_CANARY_CONFIG);
    const t = io();
    expect(await migrateCommand.run(['config', '--validate', 'canary', file], t)).toBe(7);
    expect(t.stderr()).toContain(`${file}:2: error: worldType: "pvpx" is not one of "pvp", "no-pvp", "pvp-enforced"`);
    expect(t.stderr()).toContain(`${file}:4: error: loginProtocolPort: 70000 is above the maximum 65535`);
  });

  it('prints an OTClient Servers_init entry for a Canary config', async () => {
    const file = join(ws.dir, 'canary-ok.lua');
    writeFileSync(file, 'ip = "10.0.0.5"\nloginProtocolPort = 7171\n');
    const t = io();
    expect(await migrateCommand.run(['config', '--profile', 'canary-otclient', file, '--client-version', '1098'], t)).toBe(0);
    expect(t.stdout()).toBe('-- for OTClient\'s init.lua\nServers_init = {\n    ["10.0.0.5"] = {\n        port = 7171,\n        protocol = 1098,\n        httpLogin = false\n    }\n}\n');
  });
});

describe('otbridge audit', () => {
  it('verify: 0 and the head when intact; 6 and the broken line after an edit; --expect-head catches a rewrite', async () => {
    const ok = io();
    expect(await auditCommand.run(['verify', '--log', audit()], ok)).toBe(0);
    const head = /head ([0-9a-f]{64})/.exec(ok.stdout())![1]!;
    expect(await auditCommand.run(['verify', '--log', audit(), '--expect-head', head], io())).toBe(0);
    expect(await auditCommand.run(['verify', '--log', audit(), '--expect-head', 'f'.repeat(64)], io())).toBe(6);

    const lines = readFileSync(audit(), 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"migrate.data.end"', '"migrate.data.fine"');
    writeFileSync(audit(), lines.join('\n'));
    const broken = io();
    expect(await auditCommand.run(['verify', '--log', audit()], broken)).toBe(6);
    expect(broken.stdout()).toMatch(/BROKEN at line 2 \(entry 2\): hash does not match the contents \(entry edited\); 1 intact entries before it/);
    await expect(auditCommand.run(['explode', '--log', audit()], io())).rejects.toThrow(/unknown subcommand/);
  });
});
