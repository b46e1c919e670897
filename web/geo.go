package web

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"truce/gazetteer"
	"truce/ledger"
)

// placeGeo is what spatial queries need of the gazetteer, built once per
// gazetteer: each place's envelope and stable integer feature id.
type placeGeo struct {
	gaz    *gazetteer.Gazetteer
	places []ledger.Place // sorted by id
	env    [][4]float64   // minLon, minLat, maxLon, maxLat; NaN when unplaced
	geom   []json.RawMessage
	fid    []int64
	byFID  map[int64]int
	byID   map[string]int
	extent [4]float64
	langs  []string // every name language, for name_<lang> properties
	grid   grid
	// placeNums caches the index's place numbers (see nums).
	placeNums atomic.Pointer[placeNums]
}

// geoCaches holds one placeGeo per server; a package variable so the
// Server struct stays as it is.
var geoCaches sync.Map // *Server -> *placeGeo

func (s *Server) geo() *placeGeo {
	g := s.m.Gazetteer()
	if v, ok := geoCaches.Load(s); ok && v.(*placeGeo).gaz == g {
		return v.(*placeGeo)
	}
	pg := newPlaceGeo(g, s.m.Places())
	geoCaches.Store(s, pg)
	return pg
}

func newPlaceGeo(g *gazetteer.Gazetteer, all []ledger.Place) *placeGeo {
	places := slices.Clone(all)
	slices.SortFunc(places, func(a, b ledger.Place) int { return strings.Compare(a.ID, b.ID) })
	pg := &placeGeo{gaz: g, places: places, env: make([][4]float64, len(places)), geom: make([]json.RawMessage, len(places)),
		fid: make([]int64, len(places)), byFID: make(map[int64]int, len(places)), byID: make(map[string]int, len(places)),
		extent: [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}}
	langs := map[string]bool{}
	for i, p := range places {
		pg.byID[p.ID] = i
		pg.fid[i] = placeFID(p.ID)
		for pg.byFID[pg.fid[i]] != 0 || pg.fid[i] == 0 { // a collision: next free number
			pg.fid[i]++
		}
		pg.byFID[pg.fid[i]] = i
		pg.env[i] = [4]float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
		switch {
		case len(p.Geometry) > 0:
			pg.geom[i] = compactGeometry(p.Geometry) // as encoding/json would write it
			if e, ok := envelope(p.Geometry); ok {
				pg.env[i] = e
			}
		case p.Point != nil:
			pg.geom[i], _ = json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{p.Point.Lon, p.Point.Lat}})
			pg.env[i] = [4]float64{p.Point.Lon, p.Point.Lat, p.Point.Lon, p.Point.Lat}
		}
		if e := pg.env[i]; !math.IsNaN(e[0]) {
			pg.extent = [4]float64{min(pg.extent[0], e[0]), min(pg.extent[1], e[1]), max(pg.extent[2], e[2]), max(pg.extent[3], e[3])}
		}
		for _, n := range p.Names {
			if n.Lang != "" {
				langs[langKey(n.Lang)] = true
			}
		}
	}
	placed := !math.IsInf(pg.extent[0], 0)
	if placed {
		pg.grid = newGrid(pg.env, pg.extent)
	} else {
		pg.extent = [4]float64{-180, -90, 180, 90}
	}
	for l := range langs {
		pg.langs = append(pg.langs, l)
	}
	slices.Sort(pg.langs)
	return pg
}

func langKey(lang string) string { return strings.ReplaceAll(strings.ToLower(lang), "-", "_") }

// placeFID is a place's integer feature id: a hash of its id, so that it
// does not change when other places are added. 53 bits keep it exact in
// JSON numbers.
func placeFID(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64() & (1<<53 - 1))
}

// envelope is the bounding box of a GeoJSON geometry.
func envelope(raw []byte) ([4]float64, bool) {
	var g struct {
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if json.Unmarshal(raw, &g) != nil {
		return [4]float64{}, false
	}
	var c any
	if json.Unmarshal(g.Coordinates, &c) != nil {
		return [4]float64{}, false
	}
	e := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	var walk func(v any)
	walk = func(v any) {
		a, ok := v.([]any)
		if !ok {
			return
		}
		if len(a) >= 2 {
			if lon, ok := a[0].(float64); ok {
				if lat, ok := a[1].(float64); ok {
					e = [4]float64{min(e[0], lon), min(e[1], lat), max(e[2], lon), max(e[3], lat)}
					return
				}
			}
		}
		for _, x := range a {
			walk(x)
		}
	}
	walk(c)
	return e, !math.IsInf(e[0], 0)
}

// within lists, in id order, the places whose envelope (polygon's bounding
// box, or point) meets b.
func (pg *placeGeo) within(b *[4]float64) []int {
	return pg.grid.appendWithin(nil, pg.env, b)
}

// grid is a uniform grid over the places' extent: each cell lists the
// places whose envelope meets it, so a box looks only at the places in its
// cells rather than at a whole strip of the map. Places spanning many cells
// (large polygons) are kept aside in big and checked on every query.
type grid struct {
	x0, y0, w, h float64 // origin and cell size
	cols, rows   int
	start        []int32 // cell c lists items[start[c]:start[c+1]]
	items        []int32
	big          []int32
}

// gridBig is the number of cells above which a place goes to grid.big.
const gridBig = 16

func newGrid(env [][4]float64, extent [4]float64) grid {
	n := 0
	for _, e := range env {
		if !math.IsNaN(e[0]) {
			n++
		}
	}
	// About two places a cell when they are spread evenly.
	side := max(1, int(math.Sqrt(float64(n)/2)))
	g := grid{x0: extent[0], y0: extent[1], cols: side, rows: side,
		w: (extent[2] - extent[0]) / float64(side), h: (extent[3] - extent[1]) / float64(side)}
	if !(g.w > 0) {
		g.w, g.cols = 1, 1
	}
	if !(g.h > 0) {
		g.h, g.rows = 1, 1
	}
	counts := make([]int32, g.cols*g.rows+1)
	each := func(visit func(c int, i int32)) {
		for i, e := range env {
			if math.IsNaN(e[0]) {
				continue
			}
			c0, c1, r0, r1 := g.col(e[0]), g.col(e[2]), g.row(e[1]), g.row(e[3])
			if (c1-c0+1)*(r1-r0+1) > gridBig {
				if visit == nil {
					g.big = append(g.big, int32(i))
				}
				continue
			}
			for r := r0; r <= r1; r++ {
				for c := c0; c <= c1; c++ {
					if visit == nil {
						counts[r*g.cols+c+1]++
					} else {
						visit(r*g.cols+c, int32(i))
					}
				}
			}
		}
	}
	each(nil)
	for c := 1; c < len(counts); c++ {
		counts[c] += counts[c-1]
	}
	g.start = counts
	g.items = make([]int32, counts[len(counts)-1])
	fill := slices.Clone(counts)
	each(func(c int, i int32) {
		g.items[fill[c]] = i
		fill[c]++
	})
	return g
}

// col and row are the cell of a coordinate, clamped to the grid.
func (g *grid) col(x float64) int { return clampCell((x-g.x0)/g.w, g.cols) }
func (g *grid) row(y float64) int { return clampCell((y-g.y0)/g.h, g.rows) }

func clampCell(f float64, n int) int {
	switch {
	case !(f >= 0): // negative or NaN
		return 0
	case f >= float64(n):
		return n - 1
	}
	return int(f)
}

// appendWithin appends to out, in id order, the places meeting b.
func (g *grid) appendWithin(out []int, env [][4]float64, b *[4]float64) []int {
	meets := func(e [4]float64) bool {
		return e[2] >= b[0] && e[0] <= b[2] && e[3] >= b[1] && e[1] <= b[3]
	}
	if len(g.start) == 0 || !meets([4]float64{g.x0, g.y0, g.x0 + g.w*float64(g.cols), g.y0 + g.h*float64(g.rows)}) {
		return out
	}
	c0, c1, r0, r1 := g.col(b[0]), g.col(b[2]), g.row(b[1]), g.row(b[3])
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			for _, i := range g.items[g.start[r*g.cols+c]:g.start[r*g.cols+c+1]] {
				e := env[i]
				// A place in several cells is reported by one: the cell of
				// the south-west corner of its overlap with the box.
				if meets(e) && g.col(max(e[0], b[0])) == c && g.row(max(e[1], b[1])) == r {
					out = append(out, int(i))
				}
			}
		}
	}
	for _, i := range g.big {
		if meets(env[i]) {
			out = append(out, int(i))
		}
	}
	slices.Sort(out)
	return out
}

// stateKey identifies a full map: a date, a horizon, a view, a version of
// the index.
type stateKey struct {
	at     ledger.Day
	known  time.Time
	public bool
	ver    uint64
}

// recent keeps the last few values computed for a key: full maps are the
// costliest view, and clients (map slider, GDAL paging through control)
// ask for the same one repeatedly.
type recent[K comparable, V any] struct {
	mu   sync.Mutex
	keys []K
	vals []V
}

const recentSize = 8

func (c *recent[K, V]) get(key K, make func() (V, error)) (V, error) {
	c.mu.Lock()
	for i, k := range c.keys {
		if k == key {
			v := c.vals[i]
			c.mu.Unlock()
			return v, nil
		}
	}
	c.mu.Unlock()
	v, err := make()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	c.keys, c.vals = append(c.keys, key), append(c.vals, v)
	if len(c.keys) > recentSize {
		c.keys, c.vals = c.keys[1:], c.vals[1:]
	}
	c.mu.Unlock()
	return v, nil
}

// caches are a server's caches of derived views; a package variable keyed
// by server so that the Server struct stays as it is.
type caches struct {
	states recent[stateKey, []ledger.PlaceState]
	maps   recent[stateKey, *body]
	// compact holds the encoded /api/v1/map answers (see mapview.go).
	compact recent[stateKey, *body]
}

var serverCaches sync.Map // *Server -> *caches

func (s *Server) caches() *caches {
	v, _ := serverCaches.LoadOrStore(s, &caches{})
	return v.(*caches)
}

// fullState is the control map at a date, from the cache when current.
func (s *Server) fullState(idx *ledger.Index, public bool, at ledger.Day, k time.Time) []ledger.PlaceState {
	st, _ := s.caches().states.get(stateKey{at, k, public, idx.Version()}, func() ([]ledger.PlaceState, error) {
		return idx.State(at, k), nil
	})
	return st
}

// statesIn is the state at a date of the places meeting bbox (all places
// when bbox is nil), sorted by place id. With a box it asks the index only
// about the places inside, so a small box costs little however large the
// ledger.
func (s *Server) statesIn(idx *ledger.Index, public bool, at ledger.Day, k time.Time, bbox *[4]float64) []ledger.PlaceState {
	st, _ := s.statesAt(idx, public, at, k, bbox, nil)
	return st
}

// scratch holds the buffers of one bbox query, reused through scratchPool
// so that a busy server does not allocate a page of states per request.
type scratch struct {
	states []ledger.PlaceState
	in     []int
	nums   []int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (sc *scratch) release() {
	clear(sc.states) // drop the strings they point to
	sc.states, sc.in, sc.nums = sc.states[:0], sc.in[:0], sc.nums[:0]
	scratchPool.Put(sc)
}

// statesAt is statesIn that also gives, with a box, the candidate places
// (indexes into placeGeo.places, in id order) of which the states are the
// ones with a claim in force; nil without a box. With a box and sc, the
// answers live in sc's buffers until sc is released.
func (s *Server) statesAt(idx *ledger.Index, public bool, at ledger.Day, k time.Time, bbox *[4]float64, sc *scratch) ([]ledger.PlaceState, []int) {
	if bbox == nil {
		return s.fullState(idx, public, at, k), nil
	}
	if sc == nil {
		sc = new(scratch)
	}
	pg := s.geo()
	all := pg.nums(idx)
	sc.in = pg.grid.appendWithin(sc.in[:0], pg.env, bbox)
	sc.nums = sc.nums[:0]
	for _, i := range sc.in {
		sc.nums = append(sc.nums, all[i])
	}
	sc.states = idx.AppendStatesOf(sc.states[:0], sc.nums, at, k)
	return sc.states, sc.in
}

// placeNums are the index's numbers of the gazetteer's places, as of an
// index version: looked up once, not on every request.
type placeNums struct {
	ver  uint64
	nums []int32
}

func (pg *placeGeo) nums(idx *ledger.Index) []int32 {
	v := idx.Version()
	if n := pg.placeNums.Load(); n != nil && n.ver == v {
		return n.nums
	}
	ids := make([]string, len(pg.places))
	for i, p := range pg.places {
		ids[i] = p.ID
	}
	n := &placeNums{ver: v, nums: idx.PlaceNums(ids)}
	pg.placeNums.Store(n)
	return n.nums
}
