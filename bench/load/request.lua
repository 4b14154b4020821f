-- One endpoint per wrk process, so each gets its own latency distribution.
-- Set by bench/load.sh through the environment (done() runs in wrk's main
-- Lua state, which never sees init()'s arguments):
--   LOAD_METHOD, LOAD_PATH, LOAD_BODY_FILE (optional), LOAD_COOKIE, LOAD_OUT, LOAD_LABEL,
--   LOAD_THINK_MS (optional: each connection waits this long, +-50 % at random, between
--   a response and its next request, like a person at a browser; 0 or unset = back to back)
local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

wrk.method = os.getenv("LOAD_METHOD") or "GET"
wrk.path = os.getenv("LOAD_PATH") or "/"
wrk.headers["Cookie"] = os.getenv("LOAD_COOKIE")
local body_file = os.getenv("LOAD_BODY_FILE")
if body_file and body_file ~= "" then
  wrk.body = read(body_file)
  wrk.headers["Content-Type"] = "application/json"
end

local think = tonumber(os.getenv("LOAD_THINK_MS") or "0") or 0
if think > 0 then
  -- wrk measures latency from sending to the answer, so the wait is not counted in it.
  function delay()
    return math.random(math.floor(think / 2), math.floor(think * 3 / 2))
  end
end

-- Latencies in microseconds; errors as wrk counts them (status >= 400 included).
function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local out = assert(io.open(os.getenv("LOAD_OUT"), "w"))
  out:write(string.format(
    '{"label":"%s","requests":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    os.getenv("LOAD_LABEL") or wrk.path, summary.requests, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
  out:close()
end
