-- wrk script for the mod_cors soak (bench/soak/run.sh).
--
-- Each thread sends SOAK_REQUESTS / threads requests, cycling through five
-- kinds, then stops and leaves a marker file (SOAK_DONE.N) for run.sh.  Responses are told apart by what they carry, since
-- wrk does not pair a response with its request across connections:
--   pf_ok    allowed preflight: 204, ACAO = the origin, ACAM
--   pf_deny  refused preflight: 403, "CORS preflight refused" body, no ACAO
--   ok       allowed actual GET: 200, ACAO = the origin, Vary: Origin
--   denied   refused actual GET: 200, no ACAO, Vary: Origin
--   reject   CORSRejectDisallowed: 403, no ACAO, not a preflight body
-- Anything else is "unexpected".  done() prints the counts; run.sh checks
-- that every kind got as many answers as it was sent (less what was still
-- in flight when the thread stopped) and that nothing was unexpected.

local APP  = "https://app.example.com"
local EVIL = "https://evil.example"

local kinds = {
   { name = "pf_ok", method = "OPTIONS", path = "/soak/a.txt",
     headers = { ["Origin"] = APP, ["Access-Control-Request-Method"] = "PUT",
                 ["Access-Control-Request-Headers"] = "X-Token, Content-Type" } },
   { name = "pf_deny", method = "OPTIONS", path = "/soak/a.txt",
     headers = { ["Origin"] = EVIL, ["Access-Control-Request-Method"] = "PUT" } },
   { name = "ok", method = "GET", path = "/soak/a.txt",
     headers = { ["Origin"] = APP } },
   { name = "denied", method = "GET", path = "/soak/a.txt",
     headers = { ["Origin"] = EVIL } },
   { name = "reject", method = "GET", path = "/soak/reject/a.txt",
     headers = { ["Origin"] = EVIL } },
}

local threads = {}
local nthreads = tonumber(os.getenv("SOAK_THREADS") or "2")
local total = tonumber(os.getenv("SOAK_REQUESTS") or "1000000")
local close = os.getenv("SOAK_CLOSE") == "1"

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

local reqs = {}
local sent, answered, quota = 0, 0, 0
local counts = {}

function init(args)
   quota = math.floor(total / nthreads)
   for i, k in ipairs(kinds) do
      if close then k.headers["Connection"] = "close" end
      reqs[i] = wrk.format(k.method, k.path, k.headers)
      counts["sent_" .. k.name] = 0
      counts[k.name] = 0
   end
   counts.unexpected = 0
end

function request()
   local i = sent % #kinds + 1
   sent = sent + 1
   counts["sent_" .. kinds[i].name] = counts["sent_" .. kinds[i].name] + 1
   return reqs[i]
end

local function classify(status, h, body)
   local acao = h["Access-Control-Allow-Origin"]
   local vary = h["Vary"] or ""
   if status == 204 and acao == APP and h["Access-Control-Allow-Methods"] then
      return "pf_ok"
   elseif status == 403 and not acao and body:find("^CORS preflight refused") then
      return "pf_deny"
   elseif status == 200 and acao == APP and vary:find("Origin") then
      return "ok"
   elseif status == 200 and not acao and vary:find("Origin") then
      return "denied"
   elseif status == 403 and not acao then
      return "reject"
   end
   return "unexpected"
end

function response(status, headers, body)
   local k = classify(status, headers, body)
   counts[k] = counts[k] + 1
   if k == "unexpected" and counts.unexpected <= 3 then
      io.stderr:write("unexpected response: " .. status .. "\n")
   end
   answered = answered + 1
   if answered % 1000 == 0 or answered >= quota then
      for name, n in pairs(counts) do wrk.thread:set(name, n) end
   end
   if answered == quota then
      -- wrk runs for its whole -d duration whatever the threads do: tell
      -- run.sh, which interrupts wrk once every thread is done.
      local marker = os.getenv("SOAK_DONE")
      if marker then io.open(marker .. "." .. id, "w"):close() end
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local sum = {}
   for _, t in ipairs(threads) do
      for _, k in ipairs(kinds) do
         for _, key in ipairs({ k.name, "sent_" .. k.name }) do
            sum[key] = (sum[key] or 0) + (t:get(key) or 0)
         end
      end
      sum.unexpected = (sum.unexpected or 0) + (t:get("unexpected") or 0)
   end
   local line = "soak:"
   for _, k in ipairs(kinds) do
      line = line .. string.format(" %s=%d/%d", k.name, sum[k.name],
                                   sum["sent_" .. k.name])
   end
   io.write(line .. string.format(" unexpected=%d\n", sum.unexpected))
   io.write(string.format("soak: requests=%d errors connect=%d read=%d write=%d status=%d timeout=%d\n",
      summary.requests, summary.errors.connect, summary.errors.read,
      summary.errors.write, summary.errors.status, summary.errors.timeout))
end
