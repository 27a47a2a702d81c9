/**
 * Config files for the config migrator's tests, written for these tests in
 * the shape of a TFS 1.4 config.lua: comments of every kind, tabs, blank
 * lines, trailing comments, a multi-line stages table, a non-ASCII string.
 */
export const TFS_CONFIG = `-- My server's config, hand-tuned since 2019
-- (keep this header)

--[[ Combat
     valid world types: pvp, no-pvp, pvp-enforced ]]
worldType = "pvp"
protectionLevel = 50 -- rookgaard ends here
killsToRedSkull = 3
killsToBlackSkull = 6
pzLocked = 60 * 1000
timeToDecreaseFrags = 24 * 60 * 60 -- a day
whiteSkullTime = 900

-- Connection
ip = "game.example.org"
loginProtocolPort = 7171
gameProtocolPort = 7172
statusProtocolPort = loginProtocolPort
maxPlayers = 900
motd = "Witaj na serwerze — żółć!"
onePlayerOnlinePerAccount = false
allowClones = false
serverName = "Example"

-- Depot
depotFreeLimit = 2000
depotPremiumLimit	=	15000

-- Server save
serverSaveNotifyMessage = true
serverSaveNotifyDuration = 5
serverSaveShutdown = false

-- Stages
experienceStages = {
	{ minlevel = 1, maxlevel = 50, multiplier = 10 },
	{ minlevel = 51, multiplier = 2 } -- the rest
}
rateExp = 5
houseRentPeriod = "weekly"
showPlayerLogInConsole = true
mysqlHost = "127.0.0.1"
mysqlPass = os.getenv("DB_PASS") or ""
`;

/** Keys the TFS → Canary profile must leave exactly as they are (name, value and line). */
export const UNTOUCHED_KEYS = ['worldType', 'protectionLevel', 'pzLocked', 'ip', 'loginProtocolPort', 'gameProtocolPort', 'statusProtocolPort', 'maxPlayers', 'serverName', 'rateExp', 'houseRentPeriod', 'mysqlHost', 'mysqlPass'];

/** A Canary config.lua with values Canary's config manager would misread. */
export const BAD_CANARY_CONFIG = `-- deliberately broken
worldType = "pvpx"
maxPlayers = "lots"
loginProtocolPort = 70000
freeDepotLimit = 1.5
globalServerSaveTime = "noon"
toggleMaintainMode = 1
nonsenseKey = true
serverName = "Fine"
serverName = "Twice"
`;
