-- wrk script for `npm run bench:api`: replays pre-signed data-API requests from a file, one per line:
--   <path?query>\t<X-App-Key>\t<X-Timestamp>\t<X-Nonce>\t<X-Signature>
-- Lines are split across wrk threads (line i goes to thread i mod N) so that no nonce is sent twice.
-- Usage: wrk -t2 -c64 -d20s --latency -s scripts/bench-api.lua http://127.0.0.1:PORT -- requests.tsv 2
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local file = args[1]
  local nthreads_total = tonumber(args[2])
  requests = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads_total == id then
      local p, k, ts, n, s = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
      requests[#requests + 1] = wrk.format("GET", p, { ["X-App-Key"] = k, ["X-Timestamp"] = ts, ["X-Nonce"] = n, ["X-Signature"] = s })
    end
    i = i + 1
  end
  idx = 0
  wrapped = 0
end

function request()
  idx = idx + 1
  if idx > #requests then
    idx = 1
    wrapped = wrapped + 1
  end
  return requests[idx]
end

function done(summary, latency, requests)
  io.write(string.format("BENCH_RESULT requests=%d errors_status=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
