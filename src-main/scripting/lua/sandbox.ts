/**
 * Lua source of the sandbox. The worker runs this chunk once, right after
 * opening the standard library and before any script exists: it keeps
 * private references to what the runner needs (in upvalues no script can
 * reach once `debug` is gone), removes what a script must not touch, and
 * returns the runner's entry points.
 *
 * Called with: the JSON encoder's source (json-encoder.ts), then the limits
 * maxOutputLines, maxOutputLineBytes, maxOutputBytes, maxResultBytes,
 * maxResultDepth, maxMessageBytes.
 * Returns a table:
 *   install(world, args)  world: a table built from JSON (becomes a read-only view), or a plain value
 *   compile(source)       → nil, or an error outcome as JSON
 *   exec()                runs the compiled script under xpcall
 *   finish()              → the outcome as JSON: {"ok":true,"result":…,"output":[…]}
 *                           or {"ok":false,"kind":…,"message":…,"traceback":…}
 *   jsonLength            weak table the worker fills while building tables from
 *                         JSON: table → array length, or false for an object
 *
 * What a script sees:
 * - removed: io, os, package, require, dofile, loadfile, load, debug,
 *   collectgarbage and string.dump. Touching one raises a "forbidden" error
 *   that names it (not a bare "attempt to call a nil value").
 * - `world`: a read-only view of the host's data. Reads work as on a table
 *   (`.`, `[]`, `#`, pairs, ipairs, next, rawget, rawlen, table.concat…);
 *   any write (assignment, rawset, setmetatable, table.insert/sort…) raises
 *   "forbidden". The view only reads a copy in this worker, so nothing a
 *   script does reaches the host's data.
 * - `string`, `table`, `math`, `utf8`, `coroutine`: read-only the same way;
 *   the string metatable is protected (getmetatable("") gives a string).
 * - `args`: the request's args as plain tables (the script may change them).
 * - `print` and `warn` write to the run's output (bounded, see limits.ts).
 * Each run has a fresh Lua state in a fresh worker: nothing outlives a run.
 */
export const SANDBOX_LUA = String.raw`
local encoderSource, maxOutputLines, maxOutputLineBytes, maxOutputBytes, maxResultBytes, maxResultDepth, maxMessageBytes = ...

local G = _G
local load, xpcall, pcall, error, select, type, tostring = load, xpcall, pcall, error, select, type, tostring
local setmetatable, getmetatable = setmetatable, getmetatable
local rawget, rawset, rawlen, next = rawget, rawset, rawlen, next
local traceback, getinfo, debugGetmetatable = debug.traceback, debug.getinfo, debug.getmetatable
local concat, pack, unpack = table.concat, table.pack, table.unpack
local sfmt, ssub, sfind, smatch, sgmatch, sbyte = string.format, string.sub, string.find, string.match, string.gmatch, string.byte
local mtype = math.type

local function weakKeys() return setmetatable({}, { __mode = 'k' }) end

local jsonLength = weakKeys() -- table built from JSON → array length, or false for an object
local rawOfView = weakKeys()  -- world view → the table it shows
local libraryOf = weakKeys()  -- read-only library view → the library

-- Loaded before any global below is replaced, so it captures the originals.
local encoder = load(encoderSource, '=encoder', 't', G)({
  rawOf = function(t) return rawOfView[t] or libraryOf[t] end,
  jsonLength = jsonLength,
  maxBytes = maxResultBytes,
  maxDepth = maxResultDepth,
})
local jsonString = encoder.string

---------------------------------------------------------------------------
-- Forbidden: an error value the runner recognises, so a script that reaches
-- for a removed capability gets kind "forbidden" and a message naming it.

local isForbidden = weakKeys()
local FORBIDDEN_MT = {
  __tostring = function(e) return rawget(e, 'message') end,
  __metatable = 'sandbox error',
}

-- "script:LINE: " of the innermost frame of the script's own code.
local function scriptPosition()
  for level = 3, 64 do
    local info = getinfo(level, 'Sl')
    if not info then break end
    if info.source == '=script' and info.currentline > 0 then
      return 'script:' .. info.currentline .. ': '
    end
  end
  return ''
end

local function forbid(message)
  local e = setmetatable({ message = scriptPosition() .. message }, FORBIDDEN_MT)
  isForbidden[e] = true
  error(e, 0)
end

---------------------------------------------------------------------------
-- Removed globals. Reading one raises "forbidden"; other unknown globals are nil as usual.

local REMOVED = {
  io = 'there is no file or console access (print writes to the output)',
  os = 'there is no access to the operating system',
  package = 'modules cannot be loaded',
  require = 'modules cannot be loaded',
  dofile = 'there is no file access',
  loadfile = 'there is no file access',
  load = 'scripts cannot compile code at run time',
  debug = 'the debug library is removed',
  collectgarbage = 'memory is managed by the runner',
}
for name in next, REMOVED do G[name] = nil end

setmetatable(G, {
  __index = function(_, name)
    local why = REMOVED[name]
    if why then forbid(sfmt("'%s' is not available in scripts: %s", name, why)) end
    return nil
  end,
  __metatable = 'the global table is protected',
})

local stringLib = string
stringLib.dump = nil
setmetatable(stringLib, {
  __index = function(_, name)
    if name == 'dump' then forbid("'string.dump' is not available in scripts: functions cannot be turned into bytecode") end
    return nil
  end,
  __metatable = 'read-only',
})
getmetatable('').__metatable = 'the string metatable is protected'

---------------------------------------------------------------------------
-- Read-only standard libraries: reads go straight to the library (a table
-- __index, as fast as a plain lookup); writes raise "forbidden".

local function readOnlyLibrary(name, lib)
  local libView = setmetatable({}, {
    __index = lib,
    __newindex = function(_, key)
      forbid(sfmt("'%s.%s' is read-only: scripts cannot change the standard library", name, tostring(key)))
    end,
    __pairs = function() return next, lib, nil end,
    __metatable = 'read-only',
  })
  libraryOf[libView] = lib
  return libView
end

for _, name in next, { 'string', 'table', 'math', 'utf8', 'coroutine' } do
  G[name] = readOnlyLibrary(name, G[name])
end

---------------------------------------------------------------------------
-- World views. Every table built from the host's JSON is seen through a
-- view: an empty table whose metatable reads the real one. Children are
-- wrapped when first read (a script that reads three creatures pays for
-- three views, not for the whole world) and keep one view each, so
-- world.a == world.a.

local viewOfRaw = weakKeys()  -- table → its view
local parentOf, keyOf = weakKeys(), weakKeys() -- view → how it was reached, for messages

local VIEW_MT = {}

local function view(raw, parent, key)
  local v = viewOfRaw[raw]
  if v == nil then
    v = setmetatable({}, VIEW_MT)
    rawOfView[v], viewOfRaw[raw] = raw, v
    parentOf[v], keyOf[v] = parent, key
  end
  return v
end

local function pathStep(key)
  if type(key) == 'string' and smatch(key, '^[%a_][%w_]*$') and #key <= 64 then return '.' .. key end
  if mtype(key) == 'integer' then return '[' .. key .. ']' end
  local text = tostring(key)
  if #text > 64 then text = ssub(text, 1, 61) .. '...' end
  return type(key) == 'string' and sfmt('[%q]', text) or '[' .. text .. ']'
end

local function pathOf(v, key)
  local steps, n = {}, 0
  if key ~= nil then n = 1; steps[1] = pathStep(key) end
  while parentOf[v] ~= nil do
    n = n + 1; steps[n] = pathStep(keyOf[v])
    v = parentOf[v]
  end
  local path = 'world'
  for i = n, 1, -1 do path = path .. steps[i] end
  return path
end

local function viewed(v, key, value)
  if type(value) == 'table' then return view(value, v, key) end
  return value
end

local function viewNext(v, key)
  local k, value = next(rawOfView[v], key)
  if k == nil then return nil end
  return k, viewed(v, k, value)
end

local function viewLength(v)
  local raw = rawOfView[v]
  return jsonLength[raw] or rawlen(raw)
end

VIEW_MT.__index = function(v, key) return viewed(v, key, rawOfView[v][key]) end
VIEW_MT.__newindex = function(v, key)
  forbid(sfmt('%s is read-only: scripts cannot change the world', pathOf(v, key)))
end
VIEW_MT.__len = viewLength
VIEW_MT.__pairs = function(v) return viewNext, v, nil end
VIEW_MT.__metatable = 'read-only'

local function isReadOnly(t) return rawOfView[t] ~= nil or libraryOf[t] ~= nil end
local function describe(t) return rawOfView[t] ~= nil and pathOf(t) or 'this standard library table' end

-- The raw functions see through views (reads) and refuse them (writes):
-- rawset on a view would otherwise change what the script sees of the world.
G.rawset = function(t, key, value)
  if isReadOnly(t) then forbid(sfmt('%s is read-only: rawset cannot change it', describe(t))) end
  return rawset(t, key, value)
end
G.rawget = function(t, key)
  local raw = rawOfView[t]
  if raw ~= nil then return viewed(t, key, rawget(raw, key)) end
  local lib = libraryOf[t]
  if lib ~= nil then return rawget(lib, key) end
  return rawget(t, key)
end
G.rawlen = function(t)
  if rawOfView[t] ~= nil then return viewLength(t) end
  local lib = libraryOf[t]
  if lib ~= nil then return rawlen(lib) end
  return rawlen(t)
end
G.next = function(t, key)
  if rawOfView[t] ~= nil then return viewNext(t, key) end
  local lib = libraryOf[t]
  if lib ~= nil then return next(lib, key) end
  return next(t, key)
end
G.setmetatable = function(t, mt)
  if isReadOnly(t) then forbid(sfmt('%s is read-only: its metatable cannot be changed', describe(t))) end
  return setmetatable(t, mt)
end

---------------------------------------------------------------------------
-- Output: print and warn append lines; the host gets them as SCRIPT_RESULT.output.

local output, outputCount, outputBytes, dropped = {}, 0, 0, 0

-- At most maxOutputLineBytes of s, cut before a UTF-8 continuation byte, marked when cut.
local function clip(s, limit, what)
  if #s <= limit then return s end
  local cut = limit
  while cut > 0 and ((sbyte(s, cut + 1) or 0) & 0xC0) == 0x80 do cut = cut - 1 end
  return ssub(s, 1, cut) .. sfmt(' ... [%d more bytes of %s cut]', #s - cut, what)
end

-- Once a line is dropped every later one is too, so the output never has a silent gap.
local function emit(line)
  if dropped > 0 or outputCount >= maxOutputLines then dropped = dropped + 1 return end
  local encoded = jsonString(clip(line, maxOutputLineBytes, 'this line'))
  if outputBytes + #encoded > maxOutputBytes then dropped = dropped + 1 return end
  outputCount = outputCount + 1
  output[outputCount] = encoded
  outputBytes = outputBytes + #encoded + 1
end

G.print = function(...)
  if dropped > 0 or outputCount >= maxOutputLines then dropped = dropped + 1 return end
  local values = pack(...)
  for i = 1, values.n do values[i] = tostring(values[i]) end
  emit(concat(values, '\t', 1, values.n))
end

-- Lua's warn: pieces joined, '@on'/'@off' control messages ignored (warnings are always kept).
G.warn = function(...)
  local pieces = pack(...)
  if pieces.n == 1 and type(pieces[1]) == 'string' and ssub(pieces[1], 1, 1) == '@' then return end
  for i = 1, pieces.n do pieces[i] = tostring(pieces[i]) end
  emit('warning: ' .. concat(pieces, '', 1, pieces.n))
end

local function outputJson()
  local lines = concat(output, ',', 1, outputCount)
  if dropped > 0 then
    local note = jsonString(sfmt('[output truncated: %d more line%s not kept]', dropped, dropped == 1 and ' was' or 's were'))
    lines = outputCount > 0 and (lines .. ',' .. note) or note
  end
  return '[' .. lines .. ']'
end

---------------------------------------------------------------------------
-- Errors

local isRecord = weakKeys() -- tables made by the message handler (never by a script)

local function messageOf(e)
  local te = type(e)
  if te == 'string' then return e end
  if isForbidden[e] then return rawget(e, 'message') end
  if te == 'number' or te == 'boolean' or te == 'nil' then return tostring(e) end
  local mt = debugGetmetatable(e)
  if type(mt) == 'table' and rawget(mt, '__tostring') ~= nil then
    local ok, text = pcall(tostring, e)
    if ok and type(text) == 'string' then return text end
  end
  return sfmt('(error object is a %s value)', te)
end

-- Runs where the error was raised (the stack is still there): classifies it and takes the traceback.
local function messageHandler(e)
  local record = {
    kind = isForbidden[e] and 'forbidden' or 'runtime',
    message = messageOf(e),
    traceback = traceback(nil, 2),
  }
  isRecord[record] = true
  return record
end

-- The script's frames only: not the runner's xpcall and what called it, not the sandbox's own functions.
local function scriptTraceback(text)
  local lines, n = {}, 0
  for line in sgmatch(text, '[^\n]+') do n = n + 1; lines[n] = line end
  for i = n, 1, -1 do
    if sfind(lines[i], "in function 'xpcall'", 1, true) then n = i - 1 break end
  end
  local kept, k = {}, 0
  for i = 1, n do
    local line = lines[i]
    if sfind(line, '^%s*sandbox:') then
      -- the sandbox raised it: its call to error is not the script's either
      if k > 0 and sfind(kept[k], "[C]: in function 'error'", 1, true) then k = k - 1 end
    else
      k = k + 1; kept[k] = line
    end
  end
  return concat(kept, '\n', 1, k)
end

local function failure(kind, message, trace)
  local json = '{"ok":false,"kind":' .. jsonString(kind) .. ',"message":' .. jsonString(clip(message, maxMessageBytes, 'the message'))
  if trace then json = json .. ',"traceback":' .. jsonString(clip(trace, maxMessageBytes, 'the traceback')) end
  return json .. '}'
end

---------------------------------------------------------------------------
-- The runner's entry points

local script, results

local api = { jsonLength = jsonLength }

function api.install(world, args)
  G.world = type(world) == 'table' and view(world, nil, nil) or world
  G.args = args
end

function api.compile(source)
  if sbyte(source, 1) == 27 then
    return failure('forbidden', 'precompiled (binary) chunks are not accepted: send Lua source')
  end
  local fn, err = load(source, '=script', 't', G)
  if not fn then
    if err == 'not enough memory' then return failure('memory', err) end
    return failure('syntax', err)
  end
  script = fn
  return nil
end

function api.exec()
  results = pack(xpcall(script, messageHandler))
end

function api.finish()
  if results == nil then return failure('runtime', 'the script did not run') end
  if results[1] then
    local count, value = results.n - 1, nil
    if count == 1 then
      value = results[2]
    elseif count > 1 then
      value = { unpack(results, 2, results.n) }
      jsonLength[value] = count -- keeps nils between values as nulls
    end
    local json, why = encoder.encode(value)
    if not json then return failure('runtime', why) end
    return '{"ok":true,"result":' .. json .. ',"output":' .. outputJson() .. '}'
  end
  local e = results[2]
  if isRecord[e] then
    local trace = scriptTraceback(e.traceback)
    return failure(e.kind, e.message, trace ~= 'stack traceback:' and trace or nil)
  end
  -- Lua raised this without calling the handler: out of memory, or an error inside the handler itself.
  if e == 'not enough memory' then return failure('memory', e) end
  return failure('runtime', messageOf(e))
end

return api
`;
