-- wrk script: GET /todos with a share of POST /todos writes (WRITE_SHARE, default 0.1).
-- Every acknowledged write (201) is recorded as "id<TAB>text" in ACKED_FILE when the run ends,
-- so that the caller can read each one back.
local write_share = tonumber(os.getenv("WRITE_SHARE") or "0.1")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  acked = {}
  counter = 0
  math.randomseed(thread_number * 7919 + os.time())
end

function request()
  if math.random() < write_share then
    counter = counter + 1
    local body = string.format('{"text": "load %d-%d"}', thread_number, counter)
    return wrk.format("POST", "/todos", { ["Content-Type"] = "application/json" }, body)
  end
  return wrk.format("GET", "/todos")
end

function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":%s*(%d+)')
    local text = body:match('"text":%s*"([^"]*)"')
    acked[#acked + 1] = id .. "\t" .. text
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("ACKED_FILE"), "w"))
  for _, thread in ipairs(threads) do
    for _, line in ipairs(thread:get("acked")) do
      out:write(line, "\n")
    end
  end
  out:close()
end
