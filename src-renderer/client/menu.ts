/**
 * The native menu's commands (event `menu.command`, Electron only), handled
 * in this one place: switch view, toggle the theme, and act on the path a
 * File menu dialog returned — open a capture in Traffic, save the current
 * source, open a config in Config, make a database the migration's source.
 * Failures become notices: there is no form to show them in.
 */
import { isMenuCommand, type MenuCommand } from '../../src-shared/ipc/shell';
import { blockedAt } from '../store/migration-draft';
import { formatOfPath } from '../../src-shared/capture-format';
import type { ConsoleClient } from './index';

export class MenuCommands {
  constructor(private readonly client: ConsoleClient) {}

  private get store() {
    return this.client.store;
  }

  private notice(level: 'info' | 'error', text: string): void {
    this.store.getState().addNotice({ level, text, at: Date.now() });
  }

  /** Runs one command; anything malformed is ignored (main only sends valid ones, but the payload crossed a process boundary). */
  async run(command: unknown): Promise<void> {
    if (!isMenuCommand(command)) return;
    try {
      await this.apply(command);
    } catch (e) {
      this.notice('error', `${describe(command)}: ${(e as Error).message}`);
    }
  }

  private async apply(c: MenuCommand): Promise<void> {
    const s = this.store.getState();
    switch (c.kind) {
      case 'view':
        return s.setView(c.view);
      case 'toggle-theme':
        return s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
      case 'open-capture': {
        const opened = await this.client.captures.open(c.path);
        await this.client.setSource({ capture: opened.id });
        this.store.getState().setView('traffic');
        return this.notice('info', `opened ${opened.name}: ${opened.records.toLocaleString()} messages, ${opened.sessions} sessions`);
      }
      case 'save-capture': {
        const r = await this.client.captures.save(c.path, s.source, formatOfPath(c.path) ?? 'pcapng');
        return this.notice('info', `saved ${r.records.toLocaleString()} messages of ${r.sessions} sessions to ${r.path}`);
      }
      case 'open-config':
        s.reviseConfigDraft({ path: c.path });
        s.setView('config');
        if (!this.store.getState().configProfiles) await this.client.config.loadProfiles();
        return this.client.config.open();
      case 'open-database': {
        s.reviseMigrationDraft({ source: { kind: 'sqlite', location: c.path } });
        s.setView('migrations');
        if (!this.store.getState().migrationDraft.profileInfo) await this.client.migrations.loadProfiles();
        const draft = this.store.getState().migrationDraft;
        if (blockedAt(draft, 'source') === null) this.store.getState().setWizardStep('source');
        // Says at once what the file holds (its tables, db_version) or why it cannot be used.
        await this.client.migrations.testConnection('source');
        return;
      }
    }
  }
}

function describe(c: MenuCommand): string {
  switch (c.kind) {
    case 'view':
      return `could not open ${c.view}`;
    case 'toggle-theme':
      return 'could not switch the theme';
    case 'open-capture':
      return `could not open the capture ${c.path}`;
    case 'save-capture':
      return `could not save to ${c.path}`;
    case 'open-config':
      return `could not open the config ${c.path}`;
    case 'open-database':
      return `could not use the database ${c.path}`;
  }
}
