/**
 * The message catalogue as Markdown, rendered from `Messages` itself: the
 * catalogue section of docs/protocol.md is this function's output, and a
 * test fails when the two disagree (`npm run docs:protocol` rewrites it).
 */
import { ALL_MESSAGES, type MessageDef } from './catalogue';
import type { Schema } from './schema';

interface Inspectable {
  readonly expected: string;
  readonly shape?: Record<string, Inspectable>;
  readonly alternatives?: readonly Inspectable[];
  readonly optional?: true;
  readonly inner?: Inspectable;
}

const SENDER = { client: 'client', server: 'server', either: 'either side' } as const;

function fieldRows(s: Inspectable): string[] {
  const rows: string[] = [];
  for (const [name, f] of Object.entries(s.shape ?? {})) {
    const inner = f.optional ? f.inner! : f;
    rows.push(`| \`${name}\` | ${inner.expected.replace(/\|/g, '\\|')} | ${f.optional ? 'no' : 'yes'} |`);
  }
  return rows;
}

function describeSchema(schema: Schema<unknown>): string[] {
  const s = schema as Inspectable;
  const table = (x: Inspectable) => {
    const rows = fieldRows(x);
    return rows.length ? ['| field | value | required |', '|---|---|---|', ...rows] : ['Any JSON object (its members are not checked).'];
  };
  if (s.alternatives) {
    const out = [`One of (${s.expected}):`, ''];
    s.alternatives.forEach((a, i) => out.push(`${i + 1}.`, '', ...table(a).map((l) => `   ${l}`), ''));
    return out.slice(0, -1);
  }
  return table(s);
}

function role(d: MessageDef): string {
  if (!d.body) return 'response only';
  if (d.isRequest) return d.answeredBy.length ? `request, answered by ${d.answeredBy.join(' or ')} (or ERROR)` : 'request';
  return d.responseBody ? 'push, or a RESPONSE' : 'push (no answer)';
}

function section(d: MessageDef): string {
  const code = `0x${d.code.toString(16).padStart(2, '0')}`;
  const out = [`### ${code} ${d.name}`, '', `Sent by ${SENDER[d.sender]}; ${role(d)}.`, ''];
  if (d.note) out.push(d.note, '');
  const part = (title: string, schema: Schema<unknown> | undefined, example: unknown) => {
    if (!schema) return;
    out.push(`**${title}**`, '', ...describeSchema(schema), '');
    if (example !== undefined) out.push('```json', JSON.stringify(example), '```', '');
  };
  part(d.responseBody ? 'Body (request or push)' : 'Body', d.body, d.example.body);
  part(d.body ? 'Body as a RESPONSE' : 'Body (always a RESPONSE)', d.responseBody, d.example.response);
  return out.join('\n').trimEnd();
}

export const CATALOGUE_DOC_START = '<!-- catalogue:start (generated from src-shared/protocol/catalogue.ts by `npm run docs:protocol`) -->';
export const CATALOGUE_DOC_END = '<!-- catalogue:end -->';

export function renderCatalogue(): string {
  const index = ['| code | name | sender | role |', '|---:|---|---|---|'];
  for (const d of ALL_MESSAGES) index.push(`| 0x${d.code.toString(16).padStart(2, '0')} | [${d.name}](#0x${d.code.toString(16).padStart(2, '0')}-${d.name.toLowerCase().replace(/_/g, '_')}) | ${SENDER[d.sender]} | ${role(d)} |`);
  return [index.join('\n'), '', ...ALL_MESSAGES.map(section).flatMap((s) => [s, ''])].join('\n').trimEnd();
}

/** `doc` with its catalogue section replaced by the rendering of the code. */
export function withCatalogue(doc: string): string {
  const i = doc.indexOf(CATALOGUE_DOC_START);
  const j = doc.indexOf(CATALOGUE_DOC_END);
  if (i < 0 || j < i) throw new Error('docs/protocol.md has no catalogue markers');
  return `${doc.slice(0, i + CATALOGUE_DOC_START.length)}\n${renderCatalogue()}\n${doc.slice(j)}`;
}
