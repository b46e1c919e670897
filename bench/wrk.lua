-- wrk script for bench/http.sh: every request asks about another place,
-- date or box of the synthetic ledger (bench/httpload gen), so caches of
-- one answer do not flatter the figures.
--   wrk ... -s bench/wrk.lua URL -- place|bbox|ogc|baseline [size]
local mode, size = "place", "0"
-- the synthetic gazetteer's grid: keep in step with bench/httpload
local side, lon0, lat0, dlon, dlat = 100, 44.0, 38.5, 0.03, 0.02

function init(args)
  mode = args[1] or mode
  size = args[2] or size
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 1000)
end

local function date()
  return string.format("%04d-%02d-%02d", math.random(1995, 2023), math.random(1, 12), math.random(1, 28))
end

local function box()
  -- 12 x 12 grid cells: 144 places, a page of 100 and a next link
  local c, r = math.random(0, side - 12), math.random(0, side - 12)
  local x0, y0 = lon0 + c * dlon - 0.001, lat0 + r * dlat - 0.001
  return string.format("%.4f,%.4f,%.4f,%.4f", x0, y0, x0 + 11 * dlon + 0.002, y0 + 11 * dlat + 0.002)
end

request = function()
  local path
  if mode == "place" then
    path = string.format("/api/v1/state/p%05d?at=%s", math.random(0, side * side - 1), date())
  elseif mode == "bbox" then
    path = "/api/v1/state?limit=100&at=" .. date() .. "&bbox=" .. box()
  elseif mode == "ogc" then
    path = "/ogc/collections/control/items?limit=100&datetime=" .. date() .. "&bbox=" .. box()
  else
    path = "/?size=" .. size
  end
  return wrk.format("GET", path)
end
