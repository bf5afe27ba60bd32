#!lua
-- Compare-and-append of one batch of audit events (docs/REDIS.md). Every check runs before the
-- first write, so a refused batch writes nothing. Once the checks pass the writes cannot fail
-- (each id is past the stream's last entry; the shebang makes Redis refuse the whole script up
-- front when it is out of memory), so a batch lands whole or not at all.
--
-- KEYS[1]  the stream
-- KEYS[2]  the tip hash: id and hash of the stream's newest event, fence, epoch
-- ARGV[1]  id of the tip the batch is chained on      ARGV[2]  its hash
-- ARGV[3]  the writer's epoch ('' = not checked)
-- ARGV[4]  id of the batch's last event written by a fenced call ('' = none)
-- ARGV[5]  MAXLEN ~ of every XADD ('0' = no trimming)
-- ARGV[6..] six per event: id, event_type, timestamp, payload, prev_hash, hash
--
-- Returns {'OK', new tip id}, or a refusal naming what Redis holds:
-- {'TIP', id, hash} | {'EPOCH', epoch} | {'STREAM', last id} | {'ID', previous id, id} | {'LINK', id}

local stream, tip = KEYS[1], KEYS[2]
local expected_id, expected_hash, epoch, fence = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local max_len = tonumber(ARGV[5])

-- whether stream id a comes after b (ms, then seq; both below 2^53)
local function after(a, b)
  local ams, aseq = string.match(a, '^(%d+)-(%d+)$')
  local bms, bseq = string.match(b, '^(%d+)-(%d+)$')
  if not ams or not bms then
    return false
  end
  ams, aseq, bms, bseq = tonumber(ams), tonumber(aseq), tonumber(bms), tonumber(bseq)
  return ams > bms or (ams == bms and aseq > bseq)
end

local stored = redis.call('HMGET', tip, 'id', 'hash', 'epoch')
local tip_id = stored[1] or '0-0'
local tip_hash = stored[2] or string.rep('0', 64)

-- 1. The stored tip is the one the batch was chained on: nobody appended since its writer read it.
if tip_id ~= expected_id or tip_hash ~= expected_hash then
  return {'TIP', tip_id, tip_hash}
end

-- 2. The writer's epoch is the current one (when it names one): a deposed writer cannot append.
if epoch ~= '' and stored[3] ~= epoch then
  return {'EPOCH', stored[3] or ''}
end

-- 3. The stream ends at the tip: nothing was added to it (or removed from its end) around this script.
local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
local last_id = last[1] and last[1][1] or '0-0'
if last_id ~= tip_id then
  return {'STREAM', last_id}
end

-- 4. The batch starts at the tip: its first id comes after the tip's and its first event names the
-- tip (prev_hash); its last id comes after its first. Inside the batch the writer gives each event
-- an id after the one before (EventId.next) and chains it on that event's hash: RedisEventLog
-- builds every batch so, and walking every event here again cost Redis time on each append.
local first, final = 6, #ARGV - 5
if final < first then
  return {'OK', tip_id}
end
if not after(ARGV[first], tip_id) then
  return {'ID', tip_id, ARGV[first]}
end
if ARGV[first + 4] ~= tip_hash then
  return {'LINK', ARGV[first]}
end
if final > first and not after(ARGV[final], ARGV[first]) then
  return {'ID', ARGV[first], ARGV[final]}
end
local previous_id, previous_hash = ARGV[final], ARGV[final + 5]

-- Every check passed: append the events with their own ids, then move the tip.
if max_len > 0 then
  for i = 6, #ARGV, 6 do
    redis.call('XADD', stream, 'MAXLEN', '~', max_len, ARGV[i], 'event_type', ARGV[i + 1],
      'timestamp', ARGV[i + 2], 'payload', ARGV[i + 3], 'prev_hash', ARGV[i + 4], 'hash', ARGV[i + 5])
  end
else
  for i = 6, #ARGV, 6 do
    redis.call('XADD', stream, ARGV[i], 'event_type', ARGV[i + 1],
      'timestamp', ARGV[i + 2], 'payload', ARGV[i + 3], 'prev_hash', ARGV[i + 4], 'hash', ARGV[i + 5])
  end
end
redis.call('HSET', tip, 'id', previous_id, 'hash', previous_hash)
if fence ~= '' then
  redis.call('HSET', tip, 'fence', fence)
end
return {'OK', previous_id}
