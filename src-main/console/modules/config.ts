/**
 * The console's config service, behind the Config view: open a Lua config
 * with a profile and see what would change (both texts, the diff as hunks,
 * each change, every problem with its line), then apply it — with a backup,
 * refused when the result does not validate unless forced, and audited.
 */
import { ServiceError } from '../../../src-shared/ipc/contract';
import { type ConfigApplied, type ConfigPreview, type ConfigValidation } from '../../../src-shared/ipc/migrate';
import { currentActor, defaultAuditPath, openAuditLog, type AuditLog } from '../../audit/index';
import { SCHEMAS } from '../../migrate/config/index';
import { CONFIG_PROFILES, checkConfigParams, computePreview, validateFile } from '../migrate/config-preview';
import { applyConfig } from '../migrate/config-write';
import { userPath } from '../migrate/paths';
import type { ConsoleServices, ServiceModule } from '../services';

export interface ConfigModuleOptions {
  /** Audit log (default: $OTBRIDGE_AUDIT_LOG or ~/.otbridge/audit.ndjson); null: writes are not audited. */
  readonly auditPath?: string | null;
}

export function configModule(opts: ConfigModuleOptions = {}): ServiceModule {
  let services: ConsoleServices | null = null;
  let audit: AuditLog | undefined;

  const open = (p: unknown): ConfigPreview => computePreview(checkConfigParams(p)).preview;

  const apply = async (p: unknown): Promise<ConfigApplied> => {
    const params = checkConfigParams(p);
    const r = p as { force?: unknown; expectDigest?: unknown };
    if (r.force !== undefined && typeof r.force !== 'boolean') throw new ServiceError('BAD_REQUEST', 'force must be true or false');
    if (r.expectDigest !== undefined && (typeof r.expectDigest !== 'string' || !/^[0-9a-f]{64}$/.test(r.expectDigest)))
      throw new ServiceError('BAD_REQUEST', "expectDigest: config.open's digest (64 hexadecimal digits)");
    if (opts.auditPath !== null) {
      try {
        audit ??= openAuditLog(opts.auditPath ?? defaultAuditPath());
      } catch (e) {
        // Refuse before writing: a config write must leave a record.
        throw new ServiceError('AUDIT_UNAVAILABLE', `the audit log cannot be opened, so nothing is written: ${(e as Error).message}`);
      }
    }
    const applied = await applyConfig(params, computePreview(params), {
      force: r.force === true,
      expectDigest: (r.expectDigest as string | undefined) ?? null,
      audit,
      actor: currentActor(),
    });
    if (applied.auditError) services?.emit('app.notice', { level: 'warn', text: `${applied.file} was written, but the audit log was not: ${applied.auditError}`, at: Date.now() });
    return applied;
  };

  const validate = (p: { path?: unknown; schema?: unknown } | undefined): ConfigValidation => {
    const schema = p?.schema;
    if (schema !== 'canary' && schema !== 'tfs') throw new ServiceError('BAD_REQUEST', 'schema must be canary or tfs');
    const file = userPath(p?.path, 'config file');
    const problems = validateFile(file, schema);
    return { file, target: SCHEMAS[schema].target, problems, ok: !problems.some((x) => x.severity === 'error') };
  };

  return {
    name: 'config',
    handlers: {
      'config.profiles': () => ({
        profiles: CONFIG_PROFILES,
        schemas: (['canary', 'tfs'] as const).map((name) => ({ name, target: SCHEMAS[name].target })),
      }),
      'config.open': (p) => open(p),
      'config.apply': (p) => apply(p),
      'config.validate': (p) => validate(p),
    },
    start(s) {
      services = s;
    },
    close() {
      services = null;
    },
  };
}
