-- POST /api/interventions with a unique request_id per request (WRK_PREFIX, thread, counter), so
-- every request is a create (201), not an idempotent repeat. Authorization comes from -H.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local counter = 0
local prefix = os.getenv("WRK_PREFIX") or tostring(os.time())

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id = prefix .. "-" .. tid .. "-" .. counter
  local body = '{"request_id":"' .. id .. '","uow_id":"ext-' .. id .. '","intervention_type":"cancel",'
    .. '"title":"load request ' .. id .. '","priority":"normal","context":{"source":"bench"},'
    .. '"expires_in_seconds":604800}'
  return wrk.format("POST", nil, nil, body)
end
