-- wrk script for the origin-map soak (bench/soak/maps.sh).
--
-- Cycles through preflights from origins whose verdict every version of the
-- maps agrees on, against a text map (/soak/txt/) and, when SOAK_DBD=1, a
-- PostgreSQL map (/soak/dbd/):
--   mapped     an origin in every version, the section's settings: 204
--   policy     an origin whose entry names the partner policy, PUT: 204
--              with credentials
--   unmapped   an origin in no version: 403
--   method     a mapped origin asking for PUT, which only the partner
--              policy allows: 403
-- wrk does not pair a response with its request, so responses are told
-- apart by what they carry, and done() compares the counts of each class
-- with the requests sent of the kinds that should get it.

local kinds = {}
local function add(name, path, origin, method, class)
   table.insert(kinds, { name = name, path = path, class = class,
      headers = { ["Origin"] = origin, ["Access-Control-Request-Method"] = method } })
end
add("txt_mapped", "/soak/txt/a.txt", "https://stay.example", "GET", "ok_stay")
add("txt_policy", "/soak/txt/a.txt", "https://partner.example", "PUT", "ok_partner")
add("txt_unmapped", "/soak/txt/a.txt", "https://never.example", "GET", "refused")
add("txt_method", "/soak/txt/a.txt", "https://stay.example", "PUT", "refused")
if os.getenv("SOAK_DBD") == "1" then
   add("dbd_mapped", "/soak/dbd/a.txt", "https://stay-db.example", "GET", "ok_stay_db")
   add("dbd_policy", "/soak/dbd/a.txt", "https://partner-db.example", "PUT", "ok_partner_db")
   add("dbd_unmapped", "/soak/dbd/a.txt", "https://never-db.example", "GET", "refused")
   add("dbd_method", "/soak/dbd/a.txt", "https://stay-db.example", "PUT", "refused")
end

local threads = {}
function setup(thread)
   table.insert(threads, thread)
end

local reqs, sent, counts = {}, 0, {}
local classes = { "ok_stay", "ok_partner", "ok_stay_db", "ok_partner_db", "refused", "unexpected" }

function init(args)
   for i, k in ipairs(kinds) do
      reqs[i] = wrk.format("OPTIONS", k.path, k.headers)
      counts["sent_" .. k.class] = 0
   end
   for _, c in ipairs(classes) do
      counts[c] = 0
      counts["sent_" .. c] = counts["sent_" .. c] or 0
   end
end

function request()
   local i = sent % #kinds + 1
   sent = sent + 1
   local key = "sent_" .. kinds[i].class
   counts[key] = counts[key] + 1
   wrk.thread:set(key, counts[key])
   return reqs[i]
end

local function classify(status, h, body)
   local acao = h["Access-Control-Allow-Origin"]
   local acac = h["Access-Control-Allow-Credentials"]
   if status == 204 and acao == "https://stay.example" and not acac then
      return "ok_stay"
   elseif status == 204 and acao == "https://partner.example" and acac == "true" then
      return "ok_partner"
   elseif status == 204 and acao == "https://stay-db.example" and not acac then
      return "ok_stay_db"
   elseif status == 204 and acao == "https://partner-db.example" and acac == "true" then
      return "ok_partner_db"
   elseif status == 403 and not acao and body:find("^CORS preflight refused") then
      return "refused"
   end
   return "unexpected"
end

function response(status, headers, body)
   local c = classify(status, headers, body)
   counts[c] = counts[c] + 1
   if c == "unexpected" and counts.unexpected <= 3 then
      io.stderr:write("unexpected response: " .. status .. "\n")
   end
   wrk.thread:set(c, counts[c])
end

function done(summary, latency, requests)
   local sum = {}
   for _, t in ipairs(threads) do
      for _, c in ipairs(classes) do
         sum[c] = (sum[c] or 0) + (t:get(c) or 0)
         sum["sent_" .. c] = (sum["sent_" .. c] or 0) + (t:get("sent_" .. c) or 0)
      end
   end
   local line = "soak-maps:"
   for _, c in ipairs(classes) do
      if c ~= "unexpected" then
         line = line .. string.format(" %s=%d/%d", c, sum[c], sum["sent_" .. c])
      end
   end
   io.write(line .. string.format(" unexpected=%d\n", sum.unexpected))
   io.write(string.format("soak-maps: requests=%d errors connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.errors.connect, summary.errors.read,
      summary.errors.write, summary.errors.timeout))
   io.write(string.format("soak-maps: latency p50=%.2fms p90=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms\n",
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
      latency.max / 1000))
end
