"""The cluster's frontier: a queue per host, and each host paced across every worker.

A site's politeness delay (the source's ``DOWNLOAD_DELAY``) is a promise to the site, not to one
process: two workers that each waited a second between requests would together send two a
second. So the frontier, not each worker's downloader, keeps it. Under ``<source>:requests``
(scrapy-redis' queue key, SCHEDULER_QUEUE_KEY):

- ``<source>:requests``: sorted set of the hosts with requests waiting, each scored by the time
  (Redis' clock, seconds) from which it may be fetched again;
- ``<source>:requests:<host>``: sorted set of that host's requests (score: minus the priority,
  as scrapy-redis scores them);
- ``polite`` (campaign-wide, ``summit-archive:<campaign>:polite``): hash of each host's next
  allowed time, so sources sharing a host share its delay.

Taking a request (:data:`TAKE_SCRIPT`, atomic in Redis) picks a host whose time has come, moves
its first request into the worker's claimed hash (crawler/cluster/worker.py) and holds the host
back for the delay; when no host is ready it says how long until one is. Workers thus spread
over the hosts by themselves. Sending is what the promise is about, and a request may wait
between its taking and its sending (for its host's robots.txt, say), so each request a worker
sends, robots.txt included, is stamped at the moment it goes out (:data:`SEND_SCRIPT`, by
HostPacing in crawler/cluster/worker.py): it waits when the cluster's last request to the
host was less than the delay ago. A host is so fetched at most once per delay by the whole
cluster, on one clock (Redis'), whatever the workers' clocks say. A claim keeps its host, so
a lost worker's requests go back to their host's queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy_redis.queue import Base

if TYPE_CHECKING:
    from scrapy import Request

# Hosts looked at per take before giving up for now (one whose campaign-wide time was moved on
# by another source is put back in its place, and the next looked at).
TAKE_TRIES = 8
# KEYS: hosts, claims, polite. ARGV: the delay. Returns {request, wait}: the encoded request
# taken ('' when none), and the seconds until a host is ready ('-1' when no host waits).
TAKE_SCRIPT = f"""
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
for _ = 1, {TAKE_TRIES} do
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #first == 0 then return {{'', '-1'}} end
  local host, at = first[1], tonumber(first[2])
  if at > now then return {{'', tostring(at - now)}} end
  local allowed = tonumber(redis.call('HGET', KEYS[3], host) or '0')
  local queue = KEYS[1] .. ':' .. host
  local request = redis.call('ZRANGE', queue, 0, 0, 'WITHSCORES')
  if #request == 0 then
    redis.call('ZREM', KEYS[1], host)
  elseif allowed > now then
    redis.call('ZADD', KEYS[1], allowed, host)
  else
    redis.call('ZREM', queue, request[1])
    local claim = request[2] .. ' ' .. host .. ' ' .. request[1]
    redis.call('HSET', KEYS[2], redis.sha1hex(request[1]), claim)
    local next_time = now + tonumber(ARGV[1])
    if redis.call('ZCARD', queue) > 0 then
      redis.call('ZADD', KEYS[1], next_time, host)
    else
      redis.call('ZREM', KEYS[1], host)
    end
    return {{request[1], '0'}}
  end
end
return {{'', '0'}}
"""
# KEYS: polite, hosts. ARGV: host, delay. A request to the host goes out now: returns how long to
# wait first (when the cluster's last request to it was less than the delay ago), and sets the
# host's next allowed time, in ``polite`` and in the frontier's schedule.
SEND_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local at = math.max(now, tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0'))
local next_time = at + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], next_time)
local scheduled = redis.call('ZSCORE', KEYS[2], ARGV[1])
if scheduled and tonumber(scheduled) < next_time then
  redis.call('ZADD', KEYS[2], 'XX', next_time, ARGV[1])
end
return tostring(at - now)
"""
# KEYS: hosts, polite. ARGV: score, host, encoded request.
PUSH_SCRIPT = """
redis.call('ZADD', KEYS[1] .. ':' .. ARGV[2], ARGV[1], ARGV[3])
local allowed = redis.call('HGET', KEYS[2], ARGV[2]) or '0'
redis.call('ZADD', KEYS[1], 'NX', allowed, ARGV[2])
"""
# Puts the claims of hash KEYS[1] back in their hosts' queues under KEYS[2] (hosts; KEYS[3]:
# polite), each with its score; drops the hash.
PUT_BACK = """
local values = redis.call('HVALS', KEYS[1])
for _, value in ipairs(values) do
  local first = string.find(value, ' ', 1, true)
  local second = string.find(value, ' ', first + 1, true)
  local host = string.sub(value, first + 1, second - 1)
  redis.call('ZADD', KEYS[2] .. ':' .. host, string.sub(value, 1, first - 1),
             string.sub(value, second + 1))
  redis.call('ZADD', KEYS[2], 'NX', redis.call('HGET', KEYS[3], host) or '0', host)
end
redis.call('DEL', KEYS[1])
"""
# KEYS: hosts. The requests waiting in all the hosts' queues.
COUNT_SCRIPT = """
local count = 0
for _, host in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  count = count + redis.call('ZCARD', KEYS[1] .. ':' .. host)
end
return count
"""


def host_of(url: str) -> str:
    """The host a request's politeness is kept for."""
    return urlsplit(url).hostname or ""


class HostQueue(Base):
    """scrapy-redis' queue (SCHEDULER_QUEUE_CLASS) as a queue per host, paced across workers.

    ``polite_key`` and ``delay`` are set by the scheduler that opens it (ClusterScheduler).
    """

    polite_key = ""
    delay = 0.0

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self._push = server.register_script(PUSH_SCRIPT)
        self._take = server.register_script(TAKE_SCRIPT)
        self._count = server.register_script(COUNT_SCRIPT)

    def __len__(self) -> int:
        return int(self._count(keys=[self.key]))

    def push(self, request: Request) -> None:
        encoded = self._encode_request(request)
        args = [-request.priority, host_of(request.url), encoded]
        self._push(keys=[self.key, self.polite_key], args=args)

    def take(self, claims_key: str) -> tuple[bytes | None, float]:
        """The encoded request taken into ``claims_key`` (None when no host is ready), and the
        seconds until one is (-1 when no request waits)."""
        encoded, wait = self._take(keys=[self.key, claims_key, self.polite_key], args=[self.delay])
        return encoded or None, float(wait)

    def clear(self) -> None:
        hosts = self.server.zrange(self.key, 0, -1)
        self.server.delete(self.key, *(self.key.encode() + b":" + host for host in hosts))
