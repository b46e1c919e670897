package web

// OGC API - Features, Part 1: Core, at /ogc, so that QGIS and GDAL (OAPIF
// driver) read truce's places, the control map at a date and events.

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"truce/ledger"
)

const (
	geoJSONType = "application/geo+json"
	oas30Type   = "application/vnd.oai.openapi+json;version=3.0"
	crs84       = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	confBase    = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
	ogcMaxLimit = 10000
)

func init() {
	on := func(pattern string, h func(*Server, http.ResponseWriter, *http.Request) error) {
		addRoute(pattern, func(s *Server) handler {
			return func(w http.ResponseWriter, r *http.Request) error { return h(s, w, r) }
		})
	}
	on("GET /ogc", (*Server).ogcLanding)
	on("GET /ogc/{$}", (*Server).ogcLanding)
	on("GET /ogc/api", (*Server).ogcAPI)
	on("GET /ogc/conformance", (*Server).ogcConformance)
	on("GET /ogc/collections", (*Server).ogcCollections)
	on("GET /ogc/collections/{id}", (*Server).ogcCollection)
	on("GET /ogc/collections/{id}/items", (*Server).ogcItems)
	on("GET /ogc/collections/{id}/items/{fid}", (*Server).ogcItem)
}

// link is a web link as OGC API writes it.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// ogcBase is the API's root URL as the client reached it, proxies included.
func ogcBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = strings.TrimSpace(strings.Split(p, ",")[0])
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		host = strings.TrimSpace(strings.Split(h, ",")[0])
	}
	return scheme + "://" + host + "/ogc"
}

// ogcQuery checks the query of a non-items resource: only f=json.
func ogcQuery(r *http.Request) error {
	q := query(r, "f")
	if q.err != nil {
		return q.err
	}
	if f := q.str("f"); f != "" && f != "json" {
		return badRequest("f %q: only json is offered", f)
	}
	return nil
}

func (s *Server) ogcLanding(w http.ResponseWriter, r *http.Request) error {
	if err := ogcQuery(r); err != nil {
		return err
	}
	b := ogcBase(r)
	return writeJSON(w, r, map[string]any{
		"title":       "truce",
		"description": "Places, the control map at a date and events of a truce ledger, as OGC API - Features.",
		"links": []link{
			{b, "self", "application/json", "this document"},
			{b + "/api", "service-desc", oas30Type, "the API definition"},
			{b + "/conformance", "conformance", "application/json", "conformance classes"},
			{b + "/collections", "data", "application/json", "collections"},
		},
	})
}

func (s *Server) ogcConformance(w http.ResponseWriter, r *http.Request) error {
	if err := ogcQuery(r); err != nil {
		return err
	}
	return writeJSON(w, r, map[string]any{"conformsTo": []string{confBase + "core", confBase + "oas30", confBase + "geojson"}})
}

// ogcColl describes one collection.
type ogcColl struct {
	id, title, description string
	kind                   string // places, control, events
	// dated: a control-YYYY-MM-DD collection, the map on that day, for
	// clients that cannot send datetime (QGIS, GDAL before 3.10).
	dated bool
	day   ledger.Day
}

var ogcColls = []ogcColl{
	{id: "places", kind: "places", title: "Places",
		description: "The gazetteer: points and polygons, every name of each place, and where its geometry comes from."},
	{id: "control", kind: "control", title: "Control at a date",
		description: "Who controls each place at a date (datetime=YYYY-MM-DD, default today; known_at for an earlier state of knowledge): controller, since, disputed sides, presence. The collection control-YYYY-MM-DD is the map on that day."},
	{id: "events", kind: "events", title: "Events",
		description: "Accepted event claims, at their coordinates or at their place's point; datetime filters on the event's valid time."},
}

func collByID(id string) (ogcColl, error) {
	for _, c := range ogcColls {
		if c.id == id {
			return c, nil
		}
	}
	if date, ok := strings.CutPrefix(id, "control-"); ok {
		d, err := ledger.ParseDay(date)
		if err != nil {
			return ogcColl{}, httpError{http.StatusNotFound, fmt.Sprintf("collection %q: %v", id, err)}
		}
		return ogcColl{id: id, kind: "control", title: "Control on " + d.String(), dated: true, day: d,
			description: "Who controls each place on " + d.String() + ": controller, since, disputed sides, presence."}, nil
	}
	return ogcColl{}, httpError{http.StatusNotFound, fmt.Sprintf("collection %q: not found (collections: places, control, control-YYYY-MM-DD, events)", id)}
}

func (s *Server) collectionDoc(r *http.Request, c ogcColl) map[string]any {
	b := ogcBase(r) + "/collections/" + c.id
	e := s.geo().extent
	temporal := []any{nil, nil}
	switch {
	case c.dated:
		temporal = []any{c.day.Time().Format(time.RFC3339), c.day.Time().Format(time.RFC3339)}
	case c.kind == "control":
		if days := s.index(r).ChangeDays(time.Time{}); len(days) > 0 {
			temporal[0] = days[0].Time().Format(time.RFC3339)
		}
	}
	return map[string]any{
		"id": c.id, "title": c.title, "description": c.description, "itemType": "feature",
		"crs": []string{crs84},
		"extent": map[string]any{
			"spatial":  map[string]any{"bbox": [][4]float64{e}, "crs": crs84},
			"temporal": map[string]any{"interval": [][]any{temporal}, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"},
		},
		"links": []link{
			{b, "self", "application/json", c.title},
			{b + "/items", "items", geoJSONType, c.title + " as GeoJSON"},
		},
	}
}

func (s *Server) ogcCollections(w http.ResponseWriter, r *http.Request) error {
	if err := ogcQuery(r); err != nil {
		return err
	}
	var cs []map[string]any
	for _, c := range ogcColls {
		cs = append(cs, s.collectionDoc(r, c))
	}
	return writeJSON(w, r, map[string]any{
		"links":       []link{{ogcBase(r) + "/collections", "self", "application/json", "collections"}},
		"collections": cs,
	})
}

func (s *Server) ogcCollection(w http.ResponseWriter, r *http.Request) error {
	if err := ogcQuery(r); err != nil {
		return err
	}
	c, err := collByID(r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, r, s.collectionDoc(r, c))
}

// feature is a GeoJSON Feature with OGC links.
type feature struct {
	Type       string          `json:"type"`
	ID         int64           `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties any             `json:"properties"`
	Links      []link          `json:"links,omitempty"`
}

var nullGeometry = json.RawMessage("null")

// datetime is an OGC datetime parameter: an instant or an interval with
// open ends ("..", or empty).
type datetime struct {
	from, to ledger.Day
	interval bool
}

func parseInstant(s string) (ledger.Day, error) {
	if d, err := ledger.ParseDay(s); err == nil {
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, fmt.Errorf("%q: want an RFC 3339 date or date-time (2020-11-20 or 2020-11-20T00:00:00Z)", s)
	}
	return ledger.DayOf(t.UTC()), nil
}

func parseDatetime(v string) (*datetime, error) {
	if v == "" {
		return nil, nil
	}
	a, b, isInterval := strings.Cut(v, "/")
	if !isInterval {
		d, err := parseInstant(v)
		if err != nil {
			return nil, badRequest("datetime %v", err)
		}
		return &datetime{d, d, false}, nil
	}
	dt := &datetime{ledger.MinDay, ledger.MaxDay, true}
	var err error
	if a != "" && a != ".." {
		if dt.from, err = parseInstant(a); err != nil {
			return nil, badRequest("datetime start %v", err)
		}
	}
	if b != "" && b != ".." {
		if dt.to, err = parseInstant(b); err != nil {
			return nil, badRequest("datetime end %v", err)
		}
	}
	if dt.from > dt.to {
		return nil, badRequest("datetime %q: the start is after the end", v)
	}
	return dt, nil
}

// itemsQuery is the parsed query of an items request.
type itemsQuery struct {
	limit, offset int
	bbox          *[4]float64
	dt            *datetime
	known         time.Time
}

// itemsParams are the query parameters of an items request; one feature
// takes only oneParams (a place: only f and crs).
var (
	itemsParams = []string{"limit", "offset", "bbox", "datetime", "known_at", "f", "bbox-crs", "crs"}
	oneParams   = []string{"datetime", "known_at", "f", "crs"}
)

func readItemsQuery(r *http.Request, allowed ...string) (itemsQuery, error) {
	q := query(r, allowed...)
	iq := itemsQuery{limit: q.int("limit", 10, 1, ogcMaxLimit), offset: q.int("offset", 0, 0, math.MaxInt32),
		bbox: q.bbox("bbox"), known: q.knownAt("known_at")}
	if q.err != nil {
		return iq, q.err
	}
	if f := q.str("f"); f != "" && f != "json" && f != "geojson" {
		return iq, badRequest("f %q: only geojson is offered", f)
	}
	// Part 2 clients may name the one CRS offered; any other is refused.
	for _, k := range []string{"bbox-crs", "crs"} {
		if c := q.str(k); c != "" && c != crs84 {
			return iq, badRequest("%s %q: only %s is offered", k, c, crs84)
		}
	}
	var err error
	iq.dt, err = parseDatetime(q.str("datetime"))
	return iq, err
}

// page cuts [offset, offset+limit) out of n items.
func (iq itemsQuery) page(n int) (lo, hi int) {
	lo = min(iq.offset, n)
	return lo, min(lo+iq.limit, n)
}

func (s *Server) ogcItems(w http.ResponseWriter, r *http.Request) error {
	c, err := collByID(r.PathValue("id"))
	if err != nil {
		return err
	}
	iq, err := readItemsQuery(r, itemsParams...)
	if err != nil {
		return err
	}
	var feats []feature
	var matched int
	switch c.kind {
	case "places":
		feats, matched = s.placeItems(iq)
	case "control":
		feats, matched, err = s.controlItems(r, c, iq)
	case "events":
		feats, matched, err = s.eventItems(r, iq)
	}
	if err != nil {
		return err
	}
	if feats == nil {
		feats = []feature{}
	}
	self := ogcBase(r) + "/collections/" + c.id + "/items"
	pageURL := func(offset int) string {
		v := r.URL.Query()
		v.Set("offset", strconv.Itoa(offset))
		v.Set("limit", strconv.Itoa(iq.limit))
		return self + "?" + v.Encode()
	}
	links := []link{
		{self + queryString(r.URL.Query()), "self", geoJSONType, "this page"},
		{ogcBase(r) + "/collections/" + c.id, "collection", "application/json", c.title},
	}
	if iq.offset+iq.limit < matched {
		links = append(links, link{pageURL(iq.offset + iq.limit), "next", geoJSONType, "next page"})
	}
	if iq.offset > 0 {
		links = append(links, link{pageURL(max(0, iq.offset-iq.limit)), "prev", geoJSONType, "previous page"})
	}
	if c.kind == "control" {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	return writeBody(w, r, geoJSONType, map[string]any{
		"type": "FeatureCollection", "numberMatched": matched, "numberReturned": len(feats),
		"features": feats, "links": links,
	})
}

func queryString(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (s *Server) ogcItem(w http.ResponseWriter, r *http.Request) error {
	c, err := collByID(r.PathValue("id"))
	if err != nil {
		return err
	}
	allowed := oneParams
	if c.kind == "places" {
		allowed = []string{"f", "crs"}
	}
	iq, err := readItemsQuery(r, allowed...)
	if err != nil {
		return err
	}
	var f feature
	switch c.kind {
	case "places", "control":
		pg := s.geo()
		i, ok := pg.lookup(r.PathValue("fid"))
		if !ok {
			return httpError{http.StatusNotFound, fmt.Sprintf("feature %q of %s: not found", r.PathValue("fid"), c.id)}
		}
		if c.kind == "places" {
			f = pg.placeFeature(i)
			break
		}
		at, err := controlDay(c, iq)
		if err != nil {
			return err
		}
		st, ok := s.index(r).PlaceAt(pg.places[i].ID, at, iq.known)
		if !ok {
			return httpError{http.StatusNotFound, fmt.Sprintf("place %s: no control or presence recorded at %s", pg.places[i].ID, at)}
		}
		f = s.controlFeature(pg, i, st, at)
	case "events":
		f, err = s.eventFeature(r, r.PathValue("fid"), iq.known)
		if err != nil {
			return err
		}
	}
	b := ogcBase(r) + "/collections/" + c.id
	f.Links = []link{
		{b + "/items/" + strconv.FormatInt(f.ID, 10) + queryString(r.URL.Query()), "self", geoJSONType, "this feature"},
		{b, "collection", "application/json", c.title},
	}
	return writeBody(w, r, geoJSONType, f)
}

// lookup finds a place by integer feature id or by place id.
func (pg *placeGeo) lookup(fid string) (int, bool) {
	if n, err := strconv.ParseInt(fid, 10, 64); err == nil {
		if i, ok := pg.byFID[n]; ok {
			return i, true
		}
	}
	i, ok := pg.byID[fid]
	return i, ok
}

func (pg *placeGeo) geometry(i int) json.RawMessage {
	if pg.geom[i] == nil {
		return nullGeometry
	}
	return pg.geom[i]
}

func (pg *placeGeo) placeFeature(i int) feature {
	p := pg.places[i]
	names := make([]string, 0, len(p.Names))
	props := map[string]any{"place": p.ID, "label": p.Label, "kind": p.Kind, "parent": p.Parent,
		"attribution": p.Attribution}
	for _, l := range pg.langs {
		props["name_"+l] = nil
	}
	for _, n := range p.Names {
		names = append(names, n.Name)
		if n.Lang == "" {
			continue
		}
		k := "name_" + langKey(n.Lang)
		if old, ok := props[k].(string); ok {
			props[k] = old + "; " + n.Name
		} else {
			props[k] = n.Name
		}
	}
	props["names"] = strings.Join(names, "; ")
	return feature{Type: "Feature", ID: pg.fid[i], Geometry: pg.geometry(i), Properties: props}
}

func (s *Server) placeItems(iq itemsQuery) ([]feature, int) {
	pg := s.geo()
	var sel []int
	if iq.bbox != nil {
		sel = pg.within(iq.bbox)
	} else {
		sel = make([]int, len(pg.places))
		for i := range sel {
			sel[i] = i
		}
	}
	lo, hi := iq.page(len(sel))
	out := make([]feature, 0, hi-lo)
	for _, i := range sel[lo:hi] {
		out = append(out, pg.placeFeature(i))
	}
	return out, len(sel)
}

// controlDay is the date of the control map: the datetime instant, or the
// collection's day, or today.
func controlDay(c ogcColl, iq itemsQuery) (ledger.Day, error) {
	switch {
	case iq.dt == nil && c.dated:
		return c.day, nil
	case iq.dt == nil:
		return today(), nil
	case iq.dt.interval:
		return 0, badRequest("datetime: control is the map at one date; give an instant such as 2020-11-20")
	}
	return iq.dt.from, nil
}

func (s *Server) controlFeature(pg *placeGeo, i int, st ledger.PlaceState, at ledger.Day) feature {
	g := pg.gaz
	label := func(id string) string {
		if a, ok := g.Actor(id); ok {
			return a.Label
		}
		return id
	}
	sides := make([]string, 0, len(st.Sides))
	for _, sd := range st.Sides {
		sides = append(sides, sd.Actor)
	}
	presence := make([]string, 0, len(st.Presence))
	for _, p := range st.Presence {
		presence = append(presence, p.Actor)
	}
	props := controlProps{
		Place: st.Place, Label: pg.places[i].Label, Date: at.String(),
		Controller: st.Controller, ControllerLabel: label(st.Controller), Since: st.Since, Claim: st.Claim,
		Uncertain: st.Uncertain, Disputed: st.Disputed,
		Sides: strings.Join(sides, "; "), Presence: strings.Join(presence, "; "),
	}
	return feature{Type: "Feature", ID: pg.fid[i], Geometry: pg.geometry(i), Properties: props}
}

// controlProps are a control feature's properties: a struct, as the
// control map is the collection read most.
type controlProps struct {
	Place           string `json:"place"`
	Label           string `json:"label"`
	Date            string `json:"date"`
	Controller      string `json:"controller"`
	ControllerLabel string `json:"controller_label"`
	Since           string `json:"since"`
	Claim           string `json:"claim"`
	Uncertain       bool   `json:"uncertain"`
	Disputed        bool   `json:"disputed"`
	Sides           string `json:"sides"`
	Presence        string `json:"presence"`
}

func (s *Server) controlItems(r *http.Request, c ogcColl, iq itemsQuery) ([]feature, int, error) {
	at, err := controlDay(c, iq)
	if err != nil {
		return nil, 0, err
	}
	pg := s.geo()
	sts := s.statesIn(s.index(r), !s.authed(r), at, iq.known, iq.bbox)
	lo, hi := iq.page(len(sts))
	out := make([]feature, 0, hi-lo)
	// States and places are both sorted by id: search forward from the
	// last place found rather than hash every id.
	i := 0
	for _, st := range sts[lo:hi] {
		j, ok := slices.BinarySearchFunc(pg.places[i:], st.Place, func(p ledger.Place, id string) int { return strings.Compare(p.ID, id) })
		if !ok {
			continue // a claim about a place the gazetteer no longer has
		}
		i += j
		out = append(out, s.controlFeature(pg, i, st, at))
	}
	return out, len(sts), nil
}

// eventFilter selects the accepted, current event claims in a datetime.
func eventFilter(iq itemsQuery) ledger.Filter {
	f := ledger.Filter{Kinds: []string{ledger.KindEvent}, Status: ledger.Accepted, Current: true, KnownAt: iq.known, Instants: true}
	if iq.dt != nil {
		f.From, f.To = iq.dt.from, iq.dt.to
	}
	return f
}

func (s *Server) eventItems(r *http.Request, iq itemsQuery) ([]feature, int, error) {
	idx := s.index(r)
	ids, total, _ := idx.Select(eventFilter(iq))
	// Without a box the index's count is exact and only the page need be
	// read; a box needs every event's coordinates.
	all := iq.bbox != nil
	if !all {
		lo, hi := iq.page(total)
		ids = ids[lo:hi]
	}
	cs, err := s.m.Store.Claims(r.Context(), ids)
	if err != nil {
		return nil, 0, err
	}
	pg := s.geo()
	var out []feature
	for _, c := range cs {
		n, _ := idx.CursorOf(c.ID)
		f, pt := eventToFeature(pg, c, n)
		if iq.bbox != nil && (pt == nil || !inBox(*pt, iq.bbox)) {
			continue
		}
		out = append(out, f)
	}
	if all {
		total = len(out)
		lo, hi := iq.page(total)
		out = out[lo:hi]
	}
	return out, total, nil
}

// eventToFeature places an event at its coordinates, or else at its place's
// point; the point is nil when it has neither.
func eventToFeature(pg *placeGeo, c *ledger.Claim, n int32) (feature, *ledger.Point) {
	e := c.Event
	pt, located := e.Point, "coordinates"
	place := e.Place
	if place == "" {
		place = c.Place()
	}
	if pt == nil {
		located = ""
		if i, ok := pg.byID[place]; ok && pg.places[i].Point != nil {
			pt, located = pg.places[i].Point, "place"
		}
	}
	geom := nullGeometry
	if pt != nil {
		geom, _ = json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{pt.Lon, pt.Lat}})
	}
	var sources []string
	for _, a := range c.Attributions {
		if !slices.Contains(sources, a.Source) {
			sources = append(sources, a.Source)
		}
	}
	props := map[string]any{
		"claim": c.ID, "type": e.Type, "sub_type": e.SubType, "date": c.Valid.From.String(), "date_end": c.Valid.To.String(),
		"actors": strings.Join(e.Actors, "; "), "place": place, "location": e.Location, "located": located,
		"geo_precision": e.GeoPrec, "external_id": e.ExternalID, "notes": e.Notes, "asserted_by": c.AssertedBy,
		"credibility": c.Credibility, "sources": strings.Join(sources, "; "),
		"fatalities": nil, "fatalities_low": nil, "fatalities_high": nil,
	}
	if f := e.Fatalities; f != nil {
		props["fatalities"], props["fatalities_low"], props["fatalities_high"] = f.Best, f.Low, f.High
	}
	return feature{Type: "Feature", ID: int64(n) + 1, Geometry: geom, Properties: props}, pt
}

func (s *Server) eventFeature(r *http.Request, fid string, known time.Time) (feature, error) {
	idx := s.index(r)
	id := fid
	if n, err := strconv.ParseInt(fid, 10, 32); err == nil {
		if cid, ok := idx.ClaimID(int32(n) - 1); ok {
			id = cid
		}
	}
	notFound := httpError{http.StatusNotFound, fmt.Sprintf("event %q: not found", fid)}
	n, ok := idx.CursorOf(id)
	if !ok || !idx.LiveAt(id, known) {
		return feature{}, notFound
	}
	cs, err := s.m.Store.Claims(r.Context(), []string{id})
	if err != nil {
		return feature{}, err
	}
	if cs[0].Event == nil {
		return feature{}, notFound
	}
	f, _ := eventToFeature(s.geo(), cs[0], n)
	return f, nil
}
