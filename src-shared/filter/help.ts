/** What the help popover shows; generated from the field table so it cannot drift from the parser. */
import { FIELDS } from './fields';

export interface FilterHelp {
  readonly fields: readonly { readonly name: string; readonly aliases: readonly string[]; readonly summary: string; readonly examples: readonly string[] }[];
  readonly operators: readonly { readonly op: string; readonly meaning: string }[];
  readonly syntax: readonly { readonly text: string; readonly meaning: string }[];
  readonly examples: readonly { readonly text: string; readonly meaning: string }[];
}

export const FILTER_HELP: FilterHelp = {
  fields: FIELDS.map((f) => ({ name: f.name, aliases: f.aliases ?? [], summary: f.summary, examples: f.examples })),
  operators: [
    { op: ':', meaning: 'is (same as =); takes a comma list (a,b) and, for numbers, ranges (1k..4k)' },
    { op: '=', meaning: 'is' },
    { op: '!=', meaning: 'is not (also true when the message has no such field)' },
    { op: '> >= < <=', meaning: 'numeric comparison, with units for size and latency' },
  ],
  syntax: [
    { text: 'a b', meaning: 'both (and may also be written "and" or &&)' },
    { text: 'a or b', meaning: 'either (also ||); binds looser than and' },
    { text: '!a  -a  not a', meaning: 'not' },
    { text: '( … )', meaning: 'grouping' },
    { text: '"…"', meaning: 'a quoted value, taken literally (no lists or ranges)' },
    { text: '* ?', meaning: 'wildcards in text values, any case' },
  ],
  examples: [
    { text: 'type:PLAYER_MOVE dir:c2s', meaning: 'player moves sent by clients' },
    { text: 'size>1k latency>20ms', meaning: 'large responses that took over 20 ms' },
    { text: 'error session:3', meaning: 'decode problems in session 3' },
    { text: 'type:GAME_STATE_* -flag:COMPRESSED', meaning: 'state messages sent uncompressed' },
    { text: '(type:AUTH_* or type:HANDSHAKE) dir:s2c', meaning: 'what the server answered during login' },
    { text: 'fault:drop or fault:latency', meaning: 'messages a fault dropped or delayed' },
  ],
};
