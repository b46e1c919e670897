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
	// byWest lists the placed places by their envelope's west edge.
	byWest   []int
	maxWidth float64
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
			pg.geom[i] = json.RawMessage(p.Geometry)
			if e, ok := envelope(p.Geometry); ok {
				pg.env[i] = e
			}
		case p.Point != nil:
			pg.geom[i], _ = json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{p.Point.Lon, p.Point.Lat}})
			pg.env[i] = [4]float64{p.Point.Lon, p.Point.Lat, p.Point.Lon, p.Point.Lat}
		}
		if e := pg.env[i]; !math.IsNaN(e[0]) {
			pg.byWest = append(pg.byWest, i)
			pg.maxWidth = max(pg.maxWidth, e[2]-e[0])
			pg.extent = [4]float64{min(pg.extent[0], e[0]), min(pg.extent[1], e[1]), max(pg.extent[2], e[2]), max(pg.extent[3], e[3])}
		}
		for _, n := range p.Names {
			if n.Lang != "" {
				langs[langKey(n.Lang)] = true
			}
		}
	}
	slices.SortFunc(pg.byWest, func(a, b int) int { return cmpFloat(pg.env[a][0], pg.env[b][0]) })
	if math.IsInf(pg.extent[0], 0) {
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
	// Envelopes sorted by west edge: only those starting between the box's
	// west edge less the widest envelope and its east edge can meet it.
	lo, _ := slices.BinarySearchFunc(pg.byWest, b[0]-pg.maxWidth, func(i int, x float64) int { return cmpFloat(pg.env[i][0], x) })
	var out []int
	for _, i := range pg.byWest[lo:] {
		e := pg.env[i]
		if e[0] > b[2] {
			break
		}
		if e[2] >= b[0] && e[1] <= b[3] && e[3] >= b[1] {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
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
	if bbox == nil {
		return s.fullState(idx, public, at, k)
	}
	pg := s.geo()
	all := pg.nums(idx)
	in := pg.within(bbox)
	nums := make([]int32, len(in))
	for j, i := range in {
		nums[j] = all[i]
	}
	return idx.StatesOf(nums, at, k)
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
