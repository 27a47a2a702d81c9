/**
 * Lua source of the result encoder: a script's return values and printed
 * lines become JSON text inside Lua, where the time and memory limits still
 * apply, instead of being walked from JavaScript through the wasm boundary.
 *
 * The chunk is loaded by the sandbox (sandbox.ts) and called with one table:
 *   rawOf(t)        → the table behind a read-only view, or nil
 *   jsonLength[t]   → a table built from JSON: its length if it was an array,
 *                     false if it was an object (nil for tables the script made)
 *   maxBytes, maxDepth
 * It returns { encode = function(value) → json | nil, why;  string = function(s) → json }.
 *
 * Conversions (docs/scripting.md lists them for users):
 * - nil → null; booleans; strings (invalid UTF-8 bytes become U+FFFD).
 * - integers within ±2^53 → numbers; beyond, their decimal text as a string
 *   (a JSON number would silently change value); floats → the shortest text
 *   that reads back exactly; nan, inf and -inf → the strings "nan", "inf", "-inf".
 * - a table whose keys are exactly 1..n → an array; an empty table → [] unless
 *   it came from a JSON object; any other table → an object with keys sorted
 *   (numbers and booleans as their text); a table seen again on its own path
 *   → "[cycle]"; deeper than maxDepth or longer than maxBytes → an error.
 * - functions, userdata, threads → "[function]", "[userdata]", "[thread]".
 * Tables are read raw: a script's __index, __pairs or __tostring never runs here.
 */
export const JSON_ENCODER_LUA = String.raw`
local deps = ...
local rawOf, jsonLength = deps.rawOf, deps.jsonLength
local maxBytes, maxDepth = deps.maxBytes, deps.maxDepth

local type, next, pcall, error, tostring, tonumber, rawget = type, next, pcall, error, tostring, tonumber, rawget
local mtype, huge = math.type, math.huge
local sfmt, sgsub, sbyte, ssub = string.format, string.gsub, string.byte, string.sub
local concat, sort = table.concat, table.sort
local utf8len = utf8.len

local ESCAPES = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function escapeChar(c) return ESCAPES[c] or sfmt('\\u%04x', sbyte(c)) end

-- Lua strings are bytes, JSON text is Unicode: each byte that does not start
-- a valid UTF-8 sequence becomes U+FFFD, so JavaScript reads what was meant.
local function validUtf8(s)
  if utf8len(s) then return s end
  local parts, n, i = {}, 0, 1
  while true do
    local ok, bad = utf8len(s, i)
    if ok then
      n = n + 1; parts[n] = ssub(s, i)
      return concat(parts, '', 1, n)
    end
    n = n + 1; parts[n] = ssub(s, i, bad - 1)
    n = n + 1; parts[n] = '\u{FFFD}'
    i = bad + 1
  end
end

local function jsonString(s)
  return '"' .. sgsub(validUtf8(s), '[%c"\\]', escapeChar) .. '"'
end

local SAFE_INTEGER = 9007199254740992 -- 2^53: beyond it a JSON number loses digits
local FLOAT_FORMATS = { '%.14g', '%.15g', '%.16g', '%.17g' }

local function jsonNumber(n)
  if mtype(n) == 'integer' then
    if n >= -SAFE_INTEGER and n <= SAFE_INTEGER then return sfmt('%d', n) end
    return '"' .. sfmt('%d', n) .. '"'
  end
  if n ~= n then return '"nan"' end
  if n == huge then return '"inf"' end
  if n == -huge then return '"-inf"' end
  for i = 1, #FLOAT_FORMATS do
    local s = sfmt(FLOAT_FORMATS[i], n)
    if tonumber(s) == n then return s end
  end
  return sfmt('%.17g', n)
end

local function keyName(k)
  local tk = type(k)
  if tk == 'string' then return k end
  if tk == 'number' then
    if mtype(k) == 'integer' then return sfmt('%d', k) end
    return tostring(k)
  end
  if tk == 'boolean' then return tostring(k) end
  return '[' .. tk .. ']'
end

local TOO_LARGE, TOO_DEEP = {}, {}

local function encode(value)
  local buf, n, size, onPath = {}, 0, 0, {}

  local function put(s)
    size = size + #s
    if size > maxBytes then error(TOO_LARGE, 0) end
    n = n + 1; buf[n] = s
  end

  local encodeValue

  local function encodeArray(raw, length, depth)
    put('[')
    for i = 1, length do
      if i > 1 then put(',') end
      encodeValue(rawget(raw, i), depth)
    end
    put(']')
  end

  local function encodeObject(raw, depth)
    local names, keyOf, count = {}, {}, 0
    for k in next, raw do
      local name = keyName(k)
      if keyOf[name] == nil then
        count = count + 1; names[count] = name
      end
      keyOf[name] = k
    end
    sort(names)
    put('{')
    for i = 1, count do
      local name = names[i]
      if i > 1 then put(',') end
      put(jsonString(name)); put(':')
      encodeValue(rawget(raw, keyOf[name]), depth)
    end
    put('}')
  end

  local function encodeTable(t, depth)
    local raw = rawOf(t) or t
    if onPath[raw] then put('"[cycle]"') return end
    if depth > maxDepth then error(TOO_DEEP, 0) end
    onPath[raw] = true
    local declared = jsonLength[raw]
    local count, maxIndex, sequence = 0, 0, true
    for k in next, raw do
      count = count + 1
      if sequence then
        if mtype(k) == 'integer' and k >= 1 then
          if k > maxIndex then maxIndex = k end
        else
          sequence = false
        end
      end
    end
    local length
    if sequence then
      if type(declared) == 'number' then
        length = declared > maxIndex and declared or maxIndex
      elseif maxIndex == count and not (count == 0 and declared == false) then
        length = count
      end
    end
    if length then encodeArray(raw, length, depth + 1) else encodeObject(raw, depth + 1) end
    onPath[raw] = nil
  end

  encodeValue = function(v, depth)
    local tv = type(v)
    if tv == 'nil' then put('null')
    elseif tv == 'boolean' then put(v and 'true' or 'false')
    elseif tv == 'number' then put(jsonNumber(v))
    elseif tv == 'string' then
      if #v > maxBytes then error(TOO_LARGE, 0) end
      put(jsonString(v))
    elseif tv == 'table' then encodeTable(v, depth)
    else put('"[' .. tv .. ']"') end
  end

  local ok, err = pcall(encodeValue, value, 1)
  if ok then return concat(buf, '', 1, n) end
  if err == TOO_LARGE then
    return nil, sfmt('the result is larger than %d bytes of JSON: return less, or a summary', maxBytes)
  end
  if err == TOO_DEEP then
    return nil, sfmt('the result nests deeper than %d levels of tables', maxDepth)
  end
  error(err, 0) -- out of memory: the runner reports it as such
end

return { encode = encode, string = jsonString }
`;
