-- How many creatures are there?
return #world.creatures
