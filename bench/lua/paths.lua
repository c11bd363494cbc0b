-- GET request paths read from a file, one per line (precomputed by bench/workload.py, e.g.
-- Zipf-distributed job ids or random feed filters). Each thread starts at its own offset.
-- Usage: wrk -s bench/lua/paths.lua <url> -- <paths file> [start offset]
-- done() prints one "WRK_JSON {...}" line that bench/run.py parses.

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local paths = {}
local position = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  -- args[2]: where to start (a later slice of the same scenario goes on from there)
  position = ((tonumber(args[2]) or 0) + (thread_index or 0) * 104729) % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
