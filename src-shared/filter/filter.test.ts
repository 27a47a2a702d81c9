import { describe, expect, it } from 'vitest';
import { compileFilter, FILTER_HELP, FIELDS, MAX_FILTER_LENGTH } from './index';
import { summary } from './test-messages';
import type { MessageSummary } from '../records';

function matcher(text: string): (s: MessageSummary) => boolean {
  const f = compileFilter(text);
  if (!f.ok) throw new Error(`"${text}" did not compile: ${f.error.message} at ${f.error.at}`);
  return f.match;
}

function errorOf(text: string) {
  const f = compileFilter(text);
  if (f.ok) throw new Error(`"${text}" compiled, expected an error`);
  return f.error;
}

/** The characters an error points at. */
const pointed = (text: string): string => {
  const e = errorOf(text);
  return text.slice(e.at, e.at + e.length);
};

const move = summary({ type: 'PLAYER_MOVE', dir: 'c2s', session: 3, wireSize: 2048, bodySize: 1500, seq: 7 });
const moveReply = summary({ type: 'PLAYER_MOVE', dir: 's2c', session: 3, seq: 9, ref: 7, flags: ['RESPONSE', 'ENCRYPTED', 'P1'], latencyMs: 25, wireSize: 80, bodySize: 40 });
const broken = summary({ type: 'GAME_STATE_UPDATE', dir: 's2c', session: 4, code: 0x11, error: 'DECRYPT_FAILED: bad tag', faults: ['latency 120ms', 'corrupt wire'] });
const raw = summary({ type: 'RAW', code: -1, seq: null, ref: null, flags: ['UNFRAMED'], dialect: 'otgame', session: 5 });
const all = [move, moveReply, broken, raw];
const pick = (text: string) => all.filter(matcher(text));

describe('compileFilter: matching', () => {
  it('matches everything when empty or blank', () => {
    expect(pick('')).toEqual(all);
    expect(pick('   \t ')).toEqual(all);
    expect(compileFilter('')).toMatchObject({ ok: true, describe: 'all messages' });
  });

  it('type: exact, any case, glob and lists', () => {
    expect(pick('type:PLAYER_MOVE')).toEqual([move, moveReply]);
    expect(pick('type:player_move')).toEqual([move, moveReply]);
    expect(pick('type=GAME_STATE_*')).toEqual([broken]);
    expect(pick('type:*STATE*')).toEqual([broken]);
    expect(pick('type:RAW,GAME_STATE_UPDATE')).toEqual([broken, raw]);
    expect(pick('type!=PLAYER_MOVE')).toEqual([broken, raw]);
    expect(pick('type:"PLAYER_MOVE"')).toEqual([move, moveReply]);
    expect(pick('type:PLAYER')).toEqual([]);
  });

  it('dir, session, dialect', () => {
    expect(pick('dir:c2s')).toEqual([move, raw]);
    expect(pick('direction=S2C')).toEqual([moveReply, broken]);
    expect(pick('dir!=c2s')).toEqual([moveReply, broken]);
    expect(pick('session:3')).toEqual([move, moveReply]);
    expect(pick('session:4,5')).toEqual([broken, raw]);
    expect(pick('session>=4')).toEqual([broken, raw]);
    expect(pick('session:3..4')).toEqual([move, moveReply, broken]);
    expect(pick('dialect:otgame')).toEqual([raw]);
    expect(pick('dialect:UP*')).toEqual([move, moveReply, broken]);
  });

  it('size and body with units (1k = 1024)', () => {
    expect(pick('size>1k')).toEqual([move]);
    expect(pick('size>2k')).toEqual([]);
    expect(pick('size>=2k')).toEqual([move]);
    expect(pick('size:2kb')).toEqual([move]);
    expect(pick('size<100')).toEqual([moveReply]);
    expect(pick('wire:1k..4k')).toEqual([move]);
    expect(pick('body>1k')).toEqual([move]);
    expect(pick('body<=40')).toEqual([moveReply]);
  });

  it('latency with units; bare latency means a paired response', () => {
    expect(pick('latency>20ms')).toEqual([moveReply]);
    expect(pick('latency>20')).toEqual([moveReply]);
    expect(pick('latency>0.03s')).toEqual([]);
    expect(pick('latency<25000us')).toEqual([]);
    expect(pick('latency<=25000us')).toEqual([moveReply]);
    expect(pick('latency')).toEqual([moveReply]);
    expect(pick('!latency')).toEqual([move, broken, raw]);
  });

  it('error: bare, by code (glob) or by its whole text', () => {
    expect(pick('error')).toEqual([broken]);
    expect(pick('-error')).toEqual([move, moveReply, raw]);
    expect(pick('error:DECRYPT_*')).toEqual([broken]);
    expect(pick('error:decrypt_failed')).toEqual([broken]);
    expect(pick('error:"DECRYPT_FAILED: bad tag"')).toEqual([broken]);
    expect(pick('error:*bad*')).toEqual([broken]);
    expect(pick('error:BAD_SEQUENCE')).toEqual([]);
    expect(pick('error!=BAD_SEQUENCE')).toEqual(all);
  });

  it('fault: bare or by kind', () => {
    expect(pick('fault')).toEqual([broken]);
    expect(pick('fault:latency')).toEqual([broken]);
    expect(pick('fault:corrupt')).toEqual([broken]);
    expect(pick('fault:drop')).toEqual([]);
    expect(pick('fault:"latency 120ms"')).toEqual([broken]);
  });

  it('flag, seq, ref, id, code', () => {
    expect(pick('flag:RESPONSE')).toEqual([moveReply]);
    expect(pick('flag:response')).toEqual([moveReply]);
    expect(pick('-flag:ENCRYPTED')).toEqual([raw]);
    expect(pick('flag:P?')).toEqual([move, moveReply, broken]);
    expect(pick('seq:7')).toEqual([move]);
    expect(pick('seq')).toEqual([move, moveReply, broken]);
    expect(pick('seq>5')).toEqual([move, moveReply]);
    expect(pick('seq!=7')).toEqual([moveReply, broken, raw]);
    expect(pick('ref:7')).toEqual([moveReply]);
    expect(pick('ref')).toEqual([moveReply]);
    expect(pick(`id:${broken.id}`)).toEqual([broken]);
    expect(pick(`id>=${broken.id}`)).toEqual([broken, raw]);
    expect(pick('code:0x11')).toEqual([broken]);
    expect(pick('code:17')).toEqual([broken]);
  });

  it('juxtaposition is and; or binds looser; negation and parentheses', () => {
    expect(pick('type:PLAYER_MOVE dir:c2s')).toEqual([move]);
    expect(pick('type:PLAYER_MOVE and dir:c2s')).toEqual([move]);
    expect(pick('type:PLAYER_MOVE && dir:c2s')).toEqual([move]);
    expect(pick('dir:c2s or error')).toEqual([move, broken, raw]);
    expect(pick('dir:c2s || error')).toEqual([move, broken, raw]);
    expect(pick('session:3 dir:s2c or session:5')).toEqual([moveReply, raw]);
    expect(pick('session:3 (dir:s2c or session:5)')).toEqual([moveReply]);
    expect(pick('!(session:3 or session:4)')).toEqual([raw]);
    expect(pick('not session:3')).toEqual([broken, raw]);
    expect(pick('NOT session:3 OR session:3')).toEqual(all);
    expect(pick('!!session:3')).toEqual([move, moveReply]);
    expect(pick('((((session:3))))')).toEqual([move, moveReply]);
  });

  it('the issue example: type:PLAYER_MOVE dir:c2s size>1k latency>20ms error session:3', () => {
    const slow = summary({ type: 'PLAYER_MOVE', dir: 'c2s', session: 3, wireSize: 4096, latencyMs: 30, error: 'BAD_PAYLOAD: x' });
    const f = matcher('type:PLAYER_MOVE dir:c2s size>1k latency>20ms error session:3');
    expect(f(slow)).toBe(true);
    expect(f({ ...slow, session: 2 })).toBe(false);
    expect(f({ ...slow, latencyMs: 10 })).toBe(false);
    expect(all.filter(f)).toEqual([]);
  });

  it('field names are case-insensitive', () => {
    expect(pick('TYPE:RAW Session:5')).toEqual([raw]);
  });
});

describe('compileFilter: describe', () => {
  it.each([
    ['type:PLAYER_MOVE dir:c2s', 'type = PLAYER_MOVE and dir = c2s'],
    ['size>1k', 'size > 1024 B'],
    ['latency>=1s', 'latency >= 1000 ms'],
    ['error', 'has an error'],
    ['session:3,4', 'session = 3 or 4'],
    ['size:1k..2k', 'size = 1024 B..2048 B'],
    ['a:1', null],
    ['(dir:c2s or dir:s2c) session:1', '(dir = c2s or dir = s2c) and session = 1'],
    ['!(dir:c2s session:1)', 'not (dir = c2s and session = 1)'],
    ['dir:c2s or session:1 seq:2', 'dir = c2s or session = 1 and seq = 2'],
  ])('%s → %s', (text, want) => {
    const f = compileFilter(text);
    if (want === null) expect(f.ok).toBe(false);
    else expect(f).toMatchObject({ ok: true, describe: want });
  });
});

describe('compileFilter: errors point at what is wrong', () => {
  it('unknown fields, with a suggestion', () => {
    expect(errorOf('tpye:PLAYER_MOVE')).toMatchObject({ at: 0, length: 4, message: expect.stringContaining('did you mean "type"') });
    expect(errorOf('dir:c2s sesion:3')).toMatchObject({ at: 8, length: 6, message: expect.stringContaining('"session"') });
    expect(errorOf('PLAYER_MOVE').message).toContain('type:PLAYER_MOVE');
    expect(errorOf('colour:red').message).toContain('unknown field "colour"');
  });

  it('bad numbers and units', () => {
    expect(pointed('size>1q')).toBe('1q');
    expect(errorOf('size>1q').message).toMatch(/unknown unit "q"/);
    expect(pointed('latency>5kg')).toBe('5kg');
    expect(pointed('session:abc')).toBe('abc');
    expect(pointed('session:3.5')).toBe('3.5');
    expect(pointed('session:3,x')).toBe('x');
    expect(pointed('code:0xZZ')).toBe('0xZZ');
    expect(pointed('seq>99999999999999999999')).toBe('99999999999999999999');
    expect(pointed('size:4k..1k')).toBe('4k..1k');
    expect(pointed('size:1k..')).toBe('..');
    expect(pointed('size>1k..2k')).toBe('1k..2k');
    expect(pointed('session>3,4')).toBe('3,4');
  });

  it('bad enum values and operators that do not fit the field', () => {
    expect(pointed('dir:up')).toBe('up');
    expect(pointed('dir:c2s,sideways')).toBe('sideways');
    expect(pointed('type>A')).toBe('>');
    expect(pointed('dir<=c2s')).toBe('<=');
    expect(errorOf('type>A').message).toMatch(/compares with :, = or !=/);
  });

  it('missing values', () => {
    expect(pointed('type:')).toBe('type:');
    expect(pointed('type: dir:c2s')).toBe('type:');
    expect(pointed('size>=')).toBe('size>=');
    expect(pointed('type:""')).toBe('""');
    expect(pointed('size')).toBe('size');
    expect(errorOf('size').message).toMatch(/needs a value, e\.g\. size>1k/);
    expect(pointed('type:A,,B')).toBe(',');
    expect(pointed('type:A,')).toBe(',');
  });

  it('unbalanced parentheses and dangling operators', () => {
    expect(pointed('(type:A')).toBe('(');
    expect(errorOf('(type:A').message).toMatch(/unbalanced "\("/);
    expect(pointed('type:A)')).toBe(')');
    expect(errorOf('type:A)').message).toMatch(/unbalanced "\)"/);
    expect(pointed(')')).toBe(')');
    expect(pointed('(type:A (dir:c2s)')).toBe('(');
    expect(pointed('()')).toBe('()');
    expect(pointed('type:A or')).toBe('or');
    expect(pointed('or type:A')).toBe('or');
    expect(pointed('type:A or or dir:c2s')).toBe('or');
    expect(pointed('type:A and')).toBe('and');
    expect(pointed('and type:A')).toBe('and');
    expect(pointed('type:A !')).toBe('!');
    expect(pointed('!')).toBe('!');
    expect(pointed('(type:A or)')).toBe('or');
    expect(pointed('( )')).toBe('( )');
  });

  it('stray characters and quotes', () => {
    expect(pointed('type:A @x')).toBe('@x');
    expect(pointed('type~A')).toBe('~');
    expect(pointed('type:"PLAYER')).toBe('"PLAYER');
    expect(errorOf('type:"PLAYER').message).toMatch(/unterminated quote/);
    expect(pointed('type:"A"B')).toBe('B');
    expect(pointed('123')).toBe('123');
  });

  it('refuses oversized filters and deep nesting without overflowing the stack', () => {
    const long = 'type:A '.repeat(1000);
    expect(long.length).toBeGreaterThan(MAX_FILTER_LENGTH);
    expect(errorOf(long)).toMatchObject({ at: MAX_FILTER_LENGTH, length: long.length - MAX_FILTER_LENGTH });
    const deep = '('.repeat(100) + 'type:A' + ')'.repeat(100);
    expect(errorOf(deep).message).toMatch(/nested deeper/);
    expect(pick('!'.repeat(2000) + 'session:3')).toEqual([move, moveReply]);
  });

  it('refuses a value that is not text', () => {
    expect(compileFilter(42 as unknown as string)).toMatchObject({ ok: false });
  });
});

describe('FILTER_HELP', () => {
  it('lists every field and only examples that compile', () => {
    expect(FILTER_HELP.fields.map((f) => f.name)).toEqual(FIELDS.map((f) => f.name));
    for (const f of FILTER_HELP.fields) for (const ex of f.examples) expect(compileFilter(ex).ok, ex).toBe(true);
    for (const ex of FILTER_HELP.examples) expect(compileFilter(ex.text).ok, ex.text).toBe(true);
  });
});
