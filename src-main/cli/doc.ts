/** docs/cli.md, made from every command's usage text (see scripts/cli-doc.ts). */
import { COMMANDS } from './commands/index';

const INTRO = `# The \`otbridge\` command line

Every capability of the console runs headless from the command line, on the
same services. After \`npm ci && npm run build\`, run it as
\`node bin/otbridge.js <command>\` or \`npm run otbridge -- <command>\` (or
\`npm link\` once, then just \`otbridge <command>\`). \`otbridge help <command>\`
prints the same text as below.

A first session, in three terminals:

\`\`\`sh
otbridge server                                   # prints the server's identity key
otbridge proxy --decrypt --capture session.pcapng # prints the proxy's identity key
otbridge client --connect 127.0.0.1:7181 --trust <the proxy's key>
\`\`\`

or all of it at once, with bots: \`otbridge demo\`, or in the browser: \`otbridge console\`.

This page is generated from the commands (\`npm run docs:cli\`).
`;

export function renderCliDoc(): string {
  const toc = COMMANDS.map((c) => `- [\`${c.name}\`](#otbridge-${c.name}) — ${c.summary}`).join('\n');
  const sections = COMMANDS.map((c) => `## otbridge ${c.name}\n\n${c.summary}.\n\n\`\`\`text\n${c.usage.trimEnd()}\n\`\`\`\n`).join('\n');
  return `${INTRO}\n${toc}\n\n${sections}`;
}
