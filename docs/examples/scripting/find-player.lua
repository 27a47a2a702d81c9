-- Where is a player? args: { name = "Kira" }
for _, p in ipairs(world.players) do
  if p.name == args.name then
    return p.position
  end
end
error("no player named " .. tostring(args.name), 0)
