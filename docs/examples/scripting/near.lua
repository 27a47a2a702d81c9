-- Creatures within args.radius squares of a player, nearest first.
-- args: { name = "Kira", radius = 5 }
local me
for _, p in ipairs(world.players) do
  if p.name == args.name then me = p.position end
end
assert(me, "no player named " .. tostring(args.name))
local radius = args.radius or 5

local found = {}
for _, c in ipairs(world.creatures) do
  local pos = c.position
  local d = math.max(math.abs(pos.x - me.x), math.abs(pos.y - me.y))
  if pos.z == me.z and d <= radius then
    found[#found + 1] = { name = c.name, id = c.id, distance = d }
  end
end
table.sort(found, function(a, b)
  if a.distance ~= b.distance then return a.distance < b.distance end
  return a.id < b.id
end)
return found
