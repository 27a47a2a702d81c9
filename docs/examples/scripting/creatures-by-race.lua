-- Creatures per race: an object { race = count }.
local counts = {}
for _, c in ipairs(world.creatures) do
  counts[c.race] = (counts[c.race] or 0) + 1
end
return counts
