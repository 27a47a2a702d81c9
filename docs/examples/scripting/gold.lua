-- Gold lying on the ground: a printed report and the total.
local total = 0
for _, item in ipairs(world.items) do
  if item.name == "gold coin" then
    local p = item.position
    print(string.format("%4d gold at %d,%d,%d", item.count, p.x, p.y, p.z))
    total = total + item.count
  end
end
print(string.format("day %d, %02d:%02d, %s", world.time.day, world.time.hour, world.time.minute, world.weather))
return total
