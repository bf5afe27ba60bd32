-- POST /api/interventions with a unique request_id per request (WRK_PREFIX, thread, counter), so
-- every request is a create (201), not an idempotent repeat. Authorization comes from -H.
-- WRK_MAX (optional): after that many answers a thread stops sending and creates the file WRK_DONE,
-- so the caller can end wrk (SIGINT) and every run writes the same count.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local counter = 0
local answered = 0
local prefix = os.getenv("WRK_PREFIX") or tostring(os.time())
local max = tonumber(os.getenv("WRK_MAX") or "")

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

-- only when asked: a response() makes wrk hand every answer to Lua, which costs the other users
if max then
  function response(status, headers, body)
    answered = answered + 1
    if answered == max then
      wrk.thread:stop()
      local done = os.getenv("WRK_DONE")
      if done then
        io.open(done, "w"):close()
      end
    end
  end
end
