-- wrk script for `npm run bench:edge` (tests/bench/edge.ts): at the end of a run, prints one
-- line `WRK_REPORT {json}` with the request count, latency percentiles and maximum (in
-- microseconds, as wrk measures them) and every error class wrk counts, so the numbers are
-- read from wrk itself rather than scraped from its human-readable summary.

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_REPORT {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f,"stdev":%.1f},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, latency.stdev,
    e.connect, e.read, e.write, e.status, e.timeout))
end
