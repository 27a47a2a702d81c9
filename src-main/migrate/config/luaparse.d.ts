/** The part of luaparse (0.3) the config migrator uses; the package ships no types. */
declare module 'luaparse' {
  export interface LuaNode {
    readonly type: string;
    readonly range: [number, number];
    readonly loc: { readonly start: { readonly line: number; readonly column: number }; readonly end: { readonly line: number; readonly column: number } };
    readonly [field: string]: unknown;
  }
  export interface LuaChunk extends LuaNode {
    readonly body: LuaNode[];
    readonly comments: LuaNode[];
  }
  export interface ParseOptions {
    comments?: boolean;
    ranges?: boolean;
    locations?: boolean;
    luaVersion?: '5.1' | '5.2' | '5.3' | 'LuaJIT';
    encodingMode?: 'none' | 'pseudo-latin1' | 'x-user-defined';
  }
  export function parse(code: string, options?: ParseOptions): LuaChunk;
  const luaparse: { parse: typeof parse };
  export default luaparse;
}
