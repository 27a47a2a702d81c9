import { createRequire } from 'node:module';
import { PROTOCOL_NAME } from '../../src-shared/protocol';

interface PackageJson {
  name: string;
  version: string;
}

/** name and version from package.json, found from the built file or from the source tree. */
export function readPackageJson(): PackageJson {
  const require = createRequire(import.meta.url);
  for (const rel of ['../../package.json', '../package.json', '../../../package.json']) {
    try {
      const pkg = require(rel) as PackageJson;
      if (pkg.name === 'otbridge') return pkg;
    } catch {
      // try the next candidate
    }
  }
  return { name: 'otbridge', version: '0.0.0' };
}

export const APP = { ...readPackageJson(), protocol: PROTOCOL_NAME };
