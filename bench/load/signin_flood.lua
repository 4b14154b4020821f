-- The sign-in flood of issue 9 item 7: POST /api/session with a wrong password
-- and a long, always different username (FLOOD_NAME_BYTES, default 64 KiB).
-- Every answer is expected to be 401 or 429; done() records what came back.
local size = tonumber(os.getenv("FLOOD_NAME_BYTES") or "65536")
local pad = string.rep("u", math.max(size - 24, 1))
local counter = 0
local threads = 0

-- Runs in the main Lua state once per thread: a distinct tag for each, so no
-- two threads ever send the same name.
function setup(thread)
  threads = threads + 1
  thread:set("thread_tag", "t" .. threads .. "-")
end

function request()
  counter = counter + 1
  local body = string.format('{"username":"%s%s%d","password":"wrong-password"}', pad, thread_tag, counter)
  return wrk.format("POST", "/api/session", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local out = assert(io.open(os.getenv("LOAD_OUT"), "w"))
  out:write(string.format(
    '{"label":"sign-in flood","requests":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
  out:close()
end
