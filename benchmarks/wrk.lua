-- Replays the raw requests of a file (each "<length>\n<bytes>"), split between wrk's threads so
-- no two connections send the same one (webhook event ids stay unique), and counts every
-- answer that is not a 200. benchmarks/loadgen.py reads the JSON line `done` prints.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local data = file:read("*a")
  file:close()
  local count = tonumber(args[2])
  local all = {}
  local position = 1
  while position <= #data do
    local newline = data:find("\n", position, true)
    local length = tonumber(data:sub(position, newline - 1))
    table.insert(all, data:sub(newline + 1, newline + length))
    position = newline + length + 1
  end
  requests = {}
  for index, raw in ipairs(all) do
    if (index - 1) % count == id then table.insert(requests, raw) end
  end
  if #requests == 0 then requests = all end
  sent = 0
  bad = 0
end

function request()
  sent = sent + 1
  return requests[(sent - 1) % #requests + 1]
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local refused = 0
  for _, thread in ipairs(threads) do refused = refused + thread:get("bad") end
  local errors = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "bad": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, refused, latency:percentile(50),
    latency:percentile(99), errors.connect, errors.read, errors.write, errors.timeout))
end
