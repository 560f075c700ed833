/**
 * The Lua scripts behind RedisRoomBus. Every change of a room runs as one script, so Redis
 * applies it whole: the roster change, the event number (INCR), the log entry and the
 * publication happen together, in event-number order on every node, and a join's cap check
 * cannot be overtaken by another node's join.
 *
 * Keys of a room (all expire ROOM_TTL after the room was last active):
 *   KEYS[1] room:<id>:members  hash peerId -> {participant, identity, resumeTokenHash}
 *   KEYS[2] room:<id>:holders  hash peerId -> "<node> <epoch>"
 *   KEYS[3] room:<id>:seq      the last event number
 *   KEYS[4] room:<id>:log      stream of numbered events (field `e`), capped near LOG_LENGTH
 *   KEYS[5] node:<node>:rooms  set of rooms where the writing node holds places
 *   KEYS[6] room:<id>:restoring  set for RESTORE_WINDOW_MS after Redis was found to have lost
 *           the room: meanwhile every node puts back the places it holds (REFRESH)
 * ARGV[1] the TTL in ms, ARGV[2] the room's channel, ARGV[3] the time (ms), ARGV[4] roomId,
 * ARGV[5] the highest event number the calling node has seen in the room (0: none).
 */
import { LOG_LENGTH } from './room-bus.js';

/** After a room was found lost, other nodes put their places back for this long. */
export const RESTORE_WINDOW_MS = 10_000;

const prelude = `
-- The numbering is gone though the calling node saw it reach ARGV[5]: Redis lost the room.
-- It goes on from there (a page never sees numbers go back), and the places are put back.
local function recover()
  local lost = redis.call('EXISTS', KEYS[3]) == 0
  if lost and tonumber(ARGV[5]) > 0 then
    redis.call('SET', KEYS[3], ARGV[5])
    redis.call('SET', KEYS[6], '1', 'PX', ${RESTORE_WINDOW_MS})
  end
  return lost
end
local function touch()
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
-- a JSON object without its seq, starting with '{'
local function numbered(json, seq)
  return '{"seq":' .. seq .. ',' .. string.sub(json, 2)
end
local function append(event)
  local seq = redis.call('INCR', KEYS[3])
  local text = numbered(event, seq)
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ${LOG_LENGTH}, '*', 'e', text)
  redis.call('PUBLISH', ARGV[2], '{"kind":"event","at":' .. ARGV[3] .. ',"event":' .. text .. '}')
  touch()
  return seq
end
`;

/** ARGV[6] peerId, [7] member, [8] holder, [9] cap, [10] event. The seq, or -1 when full. */
export const JOIN = `${prelude}
recover()
if redis.call('HEXISTS', KEYS[1], ARGV[6]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[9]) then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[6], ARGV[7])
redis.call('HSET', KEYS[2], ARGV[6], ARGV[8])
redis.call('SADD', KEYS[5], ARGV[4])
return append(ARGV[10])
`;

/**
 * Compare-and-set of one member. ARGV[6] peerId, [7] the member as read ('' any), [8] the
 * holder required ('' any), [9] the new member ('' removes), [10] the new holder ('' keeps),
 * [11] event, [12] a `taken` message to publish after the event ('' none).
 * The seq; 0 when the member is gone or held by another; -1 when it changed since it was read.
 */
export const CHANGE = `${prelude}
recover()
local current = redis.call('HGET', KEYS[1], ARGV[6])
if not current then return 0 end
if ARGV[8] ~= '' and redis.call('HGET', KEYS[2], ARGV[6]) ~= ARGV[8] then return 0 end
if ARGV[7] ~= '' and current ~= ARGV[7] then return -1 end
if ARGV[9] == '' then
  redis.call('HDEL', KEYS[1], ARGV[6])
  redis.call('HDEL', KEYS[2], ARGV[6])
else
  redis.call('HSET', KEYS[1], ARGV[6], ARGV[9])
  if ARGV[10] ~= '' then
    redis.call('HSET', KEYS[2], ARGV[6], ARGV[10])
    redis.call('SADD', KEYS[5], ARGV[4])
  end
end
local seq = append(ARGV[11])
if ARGV[12] ~= '' then redis.call('PUBLISH', ARGV[2], numbered(ARGV[12], seq)) end
return seq
`;

/** An event about the room or a member: ARGV[6] peerId that must be present ('' none), [7] event. */
export const APPEND = `${prelude}
recover()
if ARGV[6] ~= '' and redis.call('HEXISTS', KEYS[1], ARGV[6]) == 0 then return 0 end
return append(ARGV[7])
`;

/**
 * Keeps a room alive and puts back places a restarted Redis lost (the room counts as lost when
 * its seq is gone: it never expires while a node refreshes it). From ARGV[6], quadruples:
 * peerId, member, holder, its `joined` event. A place put back is announced with that event:
 * whoever joined since Redis came back (and so missed it in their welcome) learns of it, and
 * pages that knew it already take it as an update.
 * Returns how many places were put back.
 */
export const REFRESH = `${prelude}
local lost = recover()
local restored = 0
if lost or redis.call('EXISTS', KEYS[6]) == 1 then
  for i = 6, #ARGV, 4 do
    if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
      redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
      append(ARGV[i + 3])
      restored = restored + 1
    end
  end
end
redis.call('SADD', KEYS[5], ARGV[4])
touch()
return restored
`;

/**
 * KEYS[1] seq, KEYS[2] log; ARGV[1] the last seq the caller has, ARGV[2] the most to return.
 * Returns the current seq, then the events after ARGV[1] oldest first (none when there are more
 * than ARGV[2]), read together so none is appended in between.
 */
export const EVENTS_SINCE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = current - tonumber(ARGV[1])
local out = { current }
if wanted <= 0 or wanted > tonumber(ARGV[2]) then return out end
local entries = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', wanted)
for i = #entries, 1, -1 do out[#out + 1] = entries[i][2][2] end
return out
`;
