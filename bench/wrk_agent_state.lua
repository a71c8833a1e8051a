-- wrk script of bench/rest_bench.sh: POST /api/v1/agent/state, alternating idle and available
-- (every one a legal transition), as the agent whose token is in $TOKEN.
local n = 0
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("TOKEN") }
request = function()
  n = n + 1
  local state = (n % 2 == 0) and "available" or "idle"
  return wrk.format("POST", "/api/v1/agent/state", headers, '{"state":"' .. state .. '"}')
end
