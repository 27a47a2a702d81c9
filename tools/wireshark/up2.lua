-- Wireshark dissector for the Unified Protocol v2.0 (UP/2.0), as otbridge
-- speaks it between OTClient-side and Canary-side peers.
--
--   wireshark -X lua_script:tools/wireshark/up2.lua capture.pcapng
--   tshark -X lua_script:tools/wireshark/up2.lua -r capture.pcapng -Y up2
--
-- Reads:
--   * otbridge captures: pcapng, link type 252 (Exported PDUs) with the
--     dissector name "up2". Each packet is one frame — decrypted by the proxy
--     (ENCRYPTED cleared) or, when it could not decrypt, as on the wire.
--     otbridge's packet comment adds the session, direction, latency, faults
--     and decode errors (up2.session, up2.dir, ...), and the session
--     metadata blocks are shown as "otbridge" frames.
--   * raw TCP captures on the UP/2.0 ports (Preferences: 7180,7181 by
--     default): frames are reassembled across segments; after the handshake
--     their payloads are encrypted and shown as such.
--
-- Works with Wireshark 3.6 and later (Lua 5.2 to 5.4): no bit operators,
-- only arithmetic on the flags byte.

local up2 = Proto("up2", "Unified Protocol v2.0")

local HEADER_SIZE = 18

-- The message catalogue (spec section 5); tests check it against src-shared/protocol/catalogue.ts.
local TYPES = {
  [0x01] = "AUTH_LOGIN",
  [0x02] = "AUTH_LOGOUT",
  [0x03] = "AUTH_REFRESH",
  [0x04] = "HANDSHAKE",
  [0x05] = "HEARTBEAT",
  [0x10] = "GAME_STATE_SYNC",
  [0x11] = "GAME_STATE_UPDATE",
  [0x12] = "GAME_STATE_REQUEST",
  [0x20] = "PLAYER_MOVE",
  [0x21] = "PLAYER_ACTION",
  [0x22] = "PLAYER_INTERACT",
  [0x30] = "EVENT_TRIGGER",
  [0x31] = "EVENT_RESPONSE",
  [0x32] = "EVENT_BROADCAST",
  [0x40] = "RESOURCE_REQUEST",
  [0x41] = "RESOURCE_RESPONSE",
  [0x42] = "RESOURCE_UPDATE",
  [0x50] = "SCRIPT_EXECUTE",
  [0x51] = "SCRIPT_RESULT",
  [0x52] = "SCRIPT_ERROR",
  [0x7f] = "ERROR",
}

local PRIORITIES = { [0] = "CRITICAL", [1] = "HIGH", [2] = "NORMAL", [3] = "LOW" }

local f = {
  magic = ProtoField.uint16("up2.magic", "Magic", base.HEX),
  version = ProtoField.uint8("up2.version", "Version", base.DEC),
  type = ProtoField.uint8("up2.type", "Type", base.HEX, TYPES),
  type_name = ProtoField.string("up2.type_name", "Type name"),
  flags = ProtoField.uint8("up2.flags", "Flags", base.HEX),
  flag_compressed = ProtoField.bool("up2.flags.compressed", "COMPRESSED", 8, nil, 0x01),
  flag_encrypted = ProtoField.bool("up2.flags.encrypted", "ENCRYPTED", 8, nil, 0x02),
  flag_response = ProtoField.bool("up2.flags.response", "RESPONSE", 8, nil, 0x04),
  flag_priority = ProtoField.uint8("up2.flags.priority", "PRIORITY", base.DEC, PRIORITIES, 0x18),
  flag_reserved = ProtoField.uint8("up2.flags.reserved", "Reserved bits (must be 0)", base.HEX, nil, 0xe0),
  reserved = ProtoField.uint8("up2.reserved", "Reserved (must be 0)", base.HEX),
  seq = ProtoField.uint32("up2.seq", "Sequence number", base.DEC),
  ref = ProtoField.uint32("up2.ref", "Answers sequence number", base.DEC),
  length = ProtoField.uint32("up2.length", "Payload length", base.DEC),
  body = ProtoField.string("up2.body", "Body (JSON)"),
  payload = ProtoField.bytes("up2.payload", "Encrypted payload"),
  compressed = ProtoField.bytes("up2.compressed_payload", "LZ4-compressed payload"),
  request_in = ProtoField.framenum("up2.request_in", "Request in frame", base.NONE, frametype.REQUEST),
  response_in = ProtoField.framenum("up2.response_in", "Response in frame", base.NONE, frametype.RESPONSE),
  -- From otbridge's packet comment (absent in raw TCP captures).
  session = ProtoField.uint32("up2.session", "Proxy session", base.DEC),
  dir = ProtoField.string("up2.dir", "Direction (c2s / s2c)"),
  latency = ProtoField.double("up2.latency_ms", "Latency since the request (ms)"),
  wire_size = ProtoField.uint32("up2.wire_size", "Size on the wire", base.DEC),
  wire_flags = ProtoField.string("up2.wire_flags", "Flags on the wire"),
  error = ProtoField.string("up2.error", "Decode error"),
  fault = ProtoField.string("up2.fault", "Fault applied by the proxy"),
}
up2.fields = f

local e = {
  bad_magic = ProtoExpert.new("up2.bad_magic", "Not a UP/2.0 frame (magic is not 'UP')", expert.group.MALFORMED, expert.severity.ERROR),
  bad_version = ProtoExpert.new("up2.bad_version", "Unsupported UP version", expert.group.MALFORMED, expert.severity.ERROR),
  bad_flags = ProtoExpert.new("up2.bad_flags", "Reserved flag bits or reserved byte set", expert.group.MALFORMED, expert.severity.ERROR),
  unknown_type = ProtoExpert.new("up2.unknown_type", "Type not in the UP/2.0 catalogue", expert.group.PROTOCOL, expert.severity.WARN),
  truncated = ProtoExpert.new("up2.truncated", "Payload shorter than the header's length", expert.group.MALFORMED, expert.severity.ERROR),
  encrypted = ProtoExpert.new("up2.encrypted", "Encrypted payload", expert.group.DECRYPTION, expert.severity.NOTE),
  decode_error = ProtoExpert.new("up2.decode_error", "The proxy could not decode this frame", expert.group.PROTOCOL, expert.severity.WARN),
  fault = ProtoExpert.new("up2.fault_applied", "The proxy applied a fault to this frame", expert.group.SEQUENCE, expert.severity.NOTE),
  error_message = ProtoExpert.new("up2.error_message", "ERROR message", expert.group.RESPONSE_CODE, expert.severity.WARN),
}
up2.experts = { e.bad_magic, e.bad_version, e.bad_flags, e.unknown_type, e.truncated, e.encrypted, e.decode_error, e.fault, e.error_message }

local default_ports = "7180,7181"
up2.prefs.tcp_ports = Pref.range("TCP ports", default_ports, "TCP ports carrying UP/2.0 (reference server 7180, console proxy 7181)", 65535)

-- Fields of other dissectors; pcall keeps the script loading on versions that lack one.
local function field(name)
  local ok, fld = pcall(Field.new, name)
  if ok then return fld end
  return nil
end
local comment_field = field("frame.comment")
local tcp_len_field = field("tcp.len")
local json = Dissector.get("json")

-- Request/response pairing. requests: "session/dir/seq" -> frame number, filled
-- on the first pass; links: "frame/dir/seq" -> {request_in, response_in}, read
-- on every pass. Wireshark runs init before a second pass too (tshark -2, the
-- GUI's redissection), so the tables are cleared only before a first pass.
local requests, links = {}, {}
local reset_pending = true
function up2.init()
  reset_pending = true
end
local function maybe_reset(pinfo)
  if not reset_pending then return end
  reset_pending = false
  if not pinfo.visited then requests, links = {}, {} end
end

-- At most n bytes of s, never cutting a UTF-8 sequence in half.
local function utf8_prefix(s, n)
  if #s <= n then return s end
  local cut = n
  -- Step back over continuation bytes (10xxxxxx) to the start of the last character, and drop it.
  while cut > 0 and s:byte(cut + 1) >= 0x80 and s:byte(cut + 1) < 0xc0 do cut = cut - 1 end
  return s:sub(1, cut) .. "..."
end

local function flag_set(flags, bitvalue)
  return math.floor(flags / bitvalue) % 2 == 1
end

-- otbridge's comment is one JSON object; only flat members are read, by pattern.
local function comment_meta()
  if not comment_field then return nil end
  local c = comment_field()
  if not c then return nil end
  local s = tostring(c.value)
  if s:sub(1, 1) ~= "{" or not s:find('"session":', 1, true) then return nil end
  local m = {}
  m.session = tonumber(s:match('"session":(%d+)'))
  m.dir = s:match('"dir":"(%a%a%a)"')
  m.latency = tonumber(s:match('"latencyMs":([%d%.eE+-]+)'))
  m.wire_size = tonumber(s:match('"wireSize":(%d+)'))
  m.error = s:match('"error":"(.-)"[,}]')
  m.pdu = s:match('"pdu":"(%a+)"')
  local faults = s:match('"faults":%[(.-)%]')
  if faults then
    m.faults = {}
    for one in faults:gmatch('"(.-)"') do m.faults[#m.faults + 1] = one end
  end
  local flags = s:match('"flags":%[(.-)%]')
  if flags then m.wire_flags = flags:gsub('"', ""):gsub(",", " ") end
  return m
end

local function direction_of(pinfo, meta)
  if meta and meta.dir then return meta.dir end
  -- Exported PDU tag 35 / epb_flags: received (inbound) is client->server.
  if pinfo.p2p_dir == 1 then return "c2s" end
  if pinfo.p2p_dir == 0 then return "s2c" end
  return "?"
end

local function session_key(pinfo, meta)
  if meta and meta.session then return tostring(meta.session) end
  -- No otbridge metadata: the pair of ports names the connection.
  local a, b = pinfo.src_port, pinfo.dst_port
  if a > b then a, b = b, a end
  return tostring(a) .. "-" .. tostring(b)
end

local function other(dir)
  if dir == "c2s" then return "s2c" end
  if dir == "s2c" then return "c2s" end
  return "?"
end

-- Dissects one frame at the start of tvb; returns the bytes it used.
local function dissect_frame(tvb, pinfo, tree, meta)
  local avail = tvb:len()
  local t = tree:add(up2, tvb())
  if avail < HEADER_SIZE then
    t:add_proto_expert_info(e.truncated, "frame shorter than the 18-byte header")
    return avail
  end

  local magic_item = t:add(f.magic, tvb(0, 2))
  if tvb(0, 2):uint() ~= 0x5550 then
    magic_item:add_proto_expert_info(e.bad_magic)
    return avail
  end
  local version_item = t:add(f.version, tvb(2, 1))
  if tvb(2, 1):uint() ~= 2 then version_item:add_proto_expert_info(e.bad_version) end

  local code = tvb(3, 1):uint()
  local name = TYPES[code]
  local type_item = t:add(f.type, tvb(3, 1))
  if not name then
    name = string.format("UNKNOWN_0x%02x", code)
    type_item:add_proto_expert_info(e.unknown_type)
  end
  t:add(f.type_name, name):set_generated()

  local flags = tvb(4, 1):uint()
  local flags_item = t:add(f.flags, tvb(4, 1))
  flags_item:add(f.flag_compressed, tvb(4, 1))
  flags_item:add(f.flag_encrypted, tvb(4, 1))
  flags_item:add(f.flag_response, tvb(4, 1))
  flags_item:add(f.flag_priority, tvb(4, 1))
  flags_item:add(f.flag_reserved, tvb(4, 1))
  local reserved_item = t:add(f.reserved, tvb(5, 1))
  if flags >= 0x20 then flags_item:add_proto_expert_info(e.bad_flags) end
  if tvb(5, 1):uint() ~= 0 then reserved_item:add_proto_expert_info(e.bad_flags) end

  local seq = tvb(6, 4):uint()
  local ref = tvb(10, 4):uint()
  local length = tvb(14, 4):uint()
  t:add(f.seq, tvb(6, 4))
  t:add(f.ref, tvb(10, 4))
  local length_item = t:add(f.length, tvb(14, 4))

  local compressed = flag_set(flags, 0x01)
  local encrypted = flag_set(flags, 0x02)
  local response = flag_set(flags, 0x04)
  local priority = math.floor(flags / 8) % 4

  -- Capture metadata.
  local dir = direction_of(pinfo, meta)
  local key = session_key(pinfo, meta)
  if meta then
    if meta.session then t:add(f.session, meta.session):set_generated() end
    t:add(f.dir, dir):set_generated()
    if meta.wire_size then t:add(f.wire_size, meta.wire_size):set_generated() end
    if meta.wire_flags then t:add(f.wire_flags, meta.wire_flags):set_generated() end
    if meta.latency then t:add(f.latency, meta.latency):set_generated() end
    if meta.error then
      local item = t:add(f.error, meta.error)
      item:set_generated()
      item:add_proto_expert_info(e.decode_error, meta.error)
    end
    if meta.faults then
      for _, one in ipairs(meta.faults) do
        local item = t:add(f.fault, one)
        item:set_generated()
        item:add_proto_expert_info(e.fault, one)
      end
    end
  else
    t:add(f.dir, dir):set_generated()
  end

  -- Request <-> response link.
  local here = pinfo.number .. "/" .. dir .. "/" .. seq
  if not pinfo.visited then
    if response then
      local req = requests[key .. "/" .. other(dir) .. "/" .. ref]
      if req then
        links[here] = { request_in = req.frame }
        local l = links[req.link] or {}
        l.response_in = l.response_in or pinfo.number
        links[req.link] = l
      end
    else
      requests[key .. "/" .. dir .. "/" .. seq] = { frame = pinfo.number, link = here }
    end
  end
  local link = links[here]
  if link and link.request_in then t:add(f.request_in, link.request_in):set_generated() end
  if link and link.response_in then t:add(f.response_in, link.response_in):set_generated() end

  -- Payload.
  local present = avail - HEADER_SIZE
  local used = HEADER_SIZE + math.min(length, present)
  if length > present then
    length_item:add_proto_expert_info(e.truncated, string.format("header says %d bytes, %d present", length, present))
  end
  local info
  if length == 0 then
    info = ""
  elseif encrypted then
    t:add(f.payload, tvb(HEADER_SIZE, used - HEADER_SIZE))
    t:add_proto_expert_info(e.encrypted, string.format("encrypted payload, %d bytes", length))
    info = string.format(" [encrypted payload, %d bytes]", length)
  elseif compressed then
    t:add(f.compressed, tvb(HEADER_SIZE, used - HEADER_SIZE))
    info = string.format(" [LZ4, %d bytes]", length)
  else
    local body = tvb(HEADER_SIZE, used - HEADER_SIZE)
    t:add_packet_field(f.body, body, ENC_UTF_8)
    if json then
      json:call(body:tvb(), pinfo, t)
    end
    local text = body:string(ENC_UTF_8)
    info = " " .. utf8_prefix(text:gsub("%s+", " "), 120)
    if code == 0x7f then
      local err = text:match('"code"%s*:%s*"(%u[%u_]*)"')
      if err then t:add_proto_expert_info(e.error_message, "ERROR " .. err) end
    end
  end

  local head = name
  if response then
    head = string.format("%s response to %d", name, ref)
    if meta and meta.latency then head = head .. string.format(" (%.1f ms)", meta.latency) end
  else
    head = string.format("%s seq=%d", name, seq)
  end
  if priority == 0 then head = head .. " CRITICAL" end
  local prefix = ""
  if meta and meta.session then prefix = string.format("s%d %s ", meta.session, dir) end
  t:append_text(string.format(", %s%s", prefix, head))
  t:set_len(used)
  return used, prefix .. head .. info
end

local function set_columns(pinfo, infos)
  pinfo.cols.protocol = "UP/2.0"
  pinfo.cols.info = table.concat(infos, " | ")
end

-- One exported PDU, or several frames back to back.
local function dissect_frames(tvb, pinfo, tree)
  maybe_reset(pinfo)
  local meta = comment_meta()
  local offset, infos = 0, {}
  while offset < tvb:len() do
    local used, info = dissect_frame(tvb(offset):tvb(), pinfo, tree, meta)
    infos[#infos + 1] = info or "malformed"
    if used <= 0 then break end
    offset = offset + used
  end
  set_columns(pinfo, infos)
  return offset
end

local function frame_length(tvb, pinfo, offset)
  return HEADER_SIZE + tvb(offset + 14, 4):uint()
end

local function dissect_tcp_frame(tvb, pinfo, tree)
  maybe_reset(pinfo)
  local used, info = dissect_frame(tvb, pinfo, tree, nil)
  set_columns(pinfo, { info or "malformed" })
  return used
end

function up2.dissector(tvb, pinfo, tree)
  if tcp_len_field and tcp_len_field() then
    -- Raw TCP: frames may span segments.
    if tvb:len() >= 2 and tvb(0, 2):uint() ~= 0x5550 then return 0 end
    dissect_tcp_pdus(tvb, tree, HEADER_SIZE, frame_length, dissect_tcp_frame, true)
    return tvb:len()
  end
  return dissect_frames(tvb, pinfo, tree)
end

local registered_ports = nil
local function register_ports()
  local tcp = DissectorTable.get("tcp.port")
  if registered_ports then tcp:remove(registered_ports, up2) end
  registered_ports = up2.prefs.tcp_ports
  tcp:add(registered_ports, up2)
end

function up2.prefs_changed()
  register_ports()
end
register_ports()

-- ---------------------------------------------------------------------------
-- Session metadata. Wireshark 4.0 lists pcapng Custom Blocks as frames; for
-- otbridge's (PEN 32473) this shows the session, its peers and its JSON.

local OTBRIDGE_PEN = 32473
local meta_proto = Proto("otbridge", "otbridge capture session metadata")
local mf = {
  session = ProtoField.uint32("otbridge.session", "Session", base.DEC),
  json = ProtoField.string("otbridge.json", "Metadata (JSON)"),
}
meta_proto.fields = mf
local pen_field = field("frame.cb_pen")

function meta_proto.dissector(tvb, pinfo, tree)
  if not pen_field then return end
  local pen = pen_field()
  if not pen or pen.value ~= OTBRIDGE_PEN then return end
  local text = tvb():string(ENC_UTF_8):gsub("[%s%z]+$", "")
  if not text:find('"kind":"session"', 1, true) then return end
  local t = tree:add(meta_proto, tvb())
  local session = tonumber(text:match('"session":(%d+)'))
  if session then t:add(mf.session, session) end
  t:add(mf.json, tvb(0, #text))
  if json then json:call(tvb(0, #text):tvb(), pinfo, t) end
  local client_addr, client_port = text:match('"client":{"address":"([^"]*)","port":(%d+)}')
  local info = string.format("session %s metadata", session or "?")
  local mode = text:match('"mode":"(%a+)"')
  if mode then info = info .. " (" .. mode .. ")" end
  if text:find('"end":', 1, true) then info = info .. ", ended" end
  if client_addr then info = info .. ", client " .. client_addr .. ":" .. client_port end
  pinfo.cols.protocol = "otbridge"
  pinfo.cols.info = info
end
register_postdissector(meta_proto)
