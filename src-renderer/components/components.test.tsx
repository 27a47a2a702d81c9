/**
 * Components rendered to HTML in Node (no DOM here): what they draw, and
 * above all what they do not draw — the virtual table and the JSON tree
 * must stay small whatever they are given.
 */
import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { VirtualTable, type Column } from './VirtualTable';
import { JsonTree } from './JsonTree';
import { HexDump } from './HexDump';
import { Gauge } from './Gauge';
import { EmptyState } from './EmptyState';
import { FilterHelp } from './FilterHelp';
import { FIELDS } from '../../src-shared/filter';

const count = (html: string, needle: string): number => html.split(needle).length - 1;
/** React's server renderer separates adjacent text with comments; they are not what users read. */
const text = (html: string): string => html.replace(/<!-- -->/g, '');

describe('VirtualTable', () => {
  const columns: Column<{ id: number }>[] = [{ key: 'id', title: 'Id', width: '80px', render: (r) => `row-${r.id}` }];
  const table = (rowCount: number, selectedIndex = -1) =>
    renderToString(
      <VirtualTable testId="t" label="t" columns={columns} rowCount={rowCount} getRow={(i) => (i < rowCount ? { id: i } : undefined)} rowKey={(r) => r.id} version={1} selectedIndex={selectedIndex} onSelect={() => undefined} empty={<span>nothing here</span>} />,
    );

  it('draws only the rows in view plus a margin, whatever the count', () => {
    const html = table(200_000);
    const drawn = count(html, 'data-testid="t-row"');
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(40);
    expect(html).toContain(`height:${200_000 * 22}px`);
    expect(html).toContain('aria-rowcount="200001"');
  });

  it('marks the selected row and shows the empty state when there are none', () => {
    expect(table(5, 2)).toMatch(/aria-selected="true"[^>]*data-key="2"/);
    expect(table(0)).toContain('nothing here');
  });
});

describe('JsonTree', () => {
  it('builds children only for open nodes', () => {
    const deep = { a: { b: { c: { d: 'hidden' } } } };
    const html = renderToString(<JsonTree value={deep} openDepth={2} />);
    expect(html).toContain('data-path="/a/b"');
    expect(html).not.toContain('data-path="/a/b/c"');
    expect(html).toContain('1 keys');
  });

  it('opens a 100 000-entry object with only its first entries drawn', () => {
    const big = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, { v: i }]));
    const html = renderToString(<JsonTree value={big} openDepth={1} />);
    expect(count(html, 'role="treeitem"')).toBe(201);
    expect(text(html)).toContain('show 200 more of 99800');
  });

  it('draws scalars by type, strings quoted', () => {
    const html = renderToString(<JsonTree value={{ s: 'x<y', n: 1.5, b: true, z: null }} />);
    expect(html).toContain('json-string');
    expect(html).toContain('&quot;x&lt;y&quot;');
    expect(html).toContain('json-number');
    expect(html).toContain('>null<');
  });
});

describe('HexDump, Gauge, EmptyState, FilterHelp', () => {
  it('hex dump: lines with offsets, or a note when there are no bytes', () => {
    expect(renderToString(<HexDump hex={'41'.repeat(20)} />)).toContain('00000010');
    expect(renderToString(<HexDump hex="" />)).toContain('No wire bytes');
  });

  it('hex dump of a huge frame draws the first 4096 lines and offers the rest', () => {
    const html = renderToString(<HexDump hex={'00'.repeat(16 * 5000)} />);
    expect(count(html, 'class="hex-line"')).toBe(4096);
    expect(text(html)).toContain('show all 5000 lines');
  });

  it('gauge carries its level for styling and tests, and clamps its arc', () => {
    const html = renderToString(<Gauge testId="g" title="p99" value="80 ms" target="≤ 50 ms" level="amber" fill={3} />);
    expect(html).toContain('data-level="amber"');
    expect(html).toContain('level-amber');
    expect(html).toMatch(/stroke-dasharray="125\.6\d* 125\.6/);
    expect(renderToString(<Gauge testId="g" title="x" value="–" target="t" level={null} fill={NaN} />)).toContain('data-level="none"');
  });

  it('empty state says what to do; an error one is an alert', () => {
    const html = renderToString(<EmptyState tone="error" title="Could not load">Try again</EmptyState>);
    expect(html).toContain('role="alert"');
    expect(html).toContain('Try again');
  });

  it('filter help lists every field of the language', () => {
    const html = renderToString(<FilterHelp onExample={() => undefined} onClose={() => undefined} />);
    for (const f of FIELDS) expect(html).toContain(`<code>${f.name}</code>`);
  });
});
