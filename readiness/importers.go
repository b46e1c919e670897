package readiness

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"truce/ledger"
	"truce/store"
)

// Import says how a file's rows become claims.
type Import struct {
	Name       string // file name, for messages and the source title
	Published  ledger.Date
	Status     string // accepted or candidate
	AssertedBy string // actor id, optional
	RecordedBy string
	// Place resolves a place id or name; Places are searched by polygon
	// when a feature names no place.
	Place  func(ref string) (string, bool)
	Places []ledger.Place
}

// source is the file itself, stored as a source so that every claim's span
// points at its feature or row. Its id comes from the content: importing
// the same file twice is refused as a repeat.
func (im *Import) source(data []byte, kind string) store.SourceText {
	h := sha256.Sum256(data)
	id := kind + "-" + hex.EncodeToString(h[:6])
	return store.SourceText{Source: ledger.Source{ID: id, Kind: "dataset", Title: filepath.Base(im.Name),
		Published: im.Published, Reliability: "C"}, Text: string(data)}
}

func (im *Import) claim(src string, n, start, end int) *ledger.Claim {
	st := im.Status
	if st == "" {
		st = ledger.Accepted
	}
	by := im.RecordedBy
	if by == "" {
		by = "import"
	}
	return &ledger.Claim{ID: fmt.Sprintf("%s-%d", src, n), Attributions: []ledger.Attribution{{Source: src, Start: start, End: end}},
		AssertedBy: im.AssertedBy, RecordedBy: by, Status: st, Credibility: 3, Rule: "import"}
}

func lineAt(data []byte, off int) int {
	return 1 + bytes.Count(data[:min(off, len(data))], []byte("\n"))
}

// Hazards reads a GeoJSON FeatureCollection of hazardous areas, or of land
// released from them, into one batch. Properties: area (or area_id,
// hazard_id, id, or the feature id), status (suspected/confirmed, or
// SHA/CHA), date, place (id or name; else the place whose polygon holds
// the area), area_m2 (else the geodesic area of the polygon), devices; a
// feature with a method (cancelled, reduced, cleared) is a land release,
// with devices_destroyed.
func Hazards(data []byte, im Import) (store.Batch, error) {
	src := im.source(data, "hazards")
	b := store.Batch{Sources: []store.SourceText{src}}
	fail := func(off int, n int, format string, a ...any) error {
		return fmt.Errorf("%s:%d: feature %d: %w: %s", im.Name, lineAt(data, off), n, ledger.ErrInvalid, fmt.Sprintf(format, a...))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return b, fmt.Errorf("%s: %w: want a GeoJSON FeatureCollection object", im.Name, ledger.ErrInvalid)
	}
	found := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return b, fmt.Errorf("%s:%d: %w: %v", im.Name, lineAt(data, int(dec.InputOffset())), ledger.ErrInvalid, err)
		}
		if t != "features" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return b, fmt.Errorf("%s: %w: %v", im.Name, ledger.ErrInvalid, err)
			}
			continue
		}
		found = true
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return b, fmt.Errorf("%s: %w: \"features\" must be an array", im.Name, ledger.ErrInvalid)
		}
		for n := 1; dec.More(); n++ {
			start := int(dec.InputOffset())
			var ft struct {
				Type       string          `json:"type"`
				ID         any             `json:"id"`
				Geometry   json.RawMessage `json:"geometry"`
				Properties map[string]any  `json:"properties"`
			}
			if err := dec.Decode(&ft); err != nil {
				return b, fail(start, n, "%v", err)
			}
			end := int(dec.InputOffset())
			for start < end && strings.ContainsRune(" \t\r\n,", rune(data[start])) {
				start++
			}
			c, err := im.hazardClaim(src.ID, n, start, end, ft.ID, ft.Geometry, ft.Properties)
			if err != nil {
				return b, fail(start, n, "%v", err)
			}
			b.Claims = append(b.Claims, c)
		}
		if _, err := dec.Token(); err != nil {
			return b, fmt.Errorf("%s: %w: %v", im.Name, ledger.ErrInvalid, err)
		}
	}
	if !found {
		return b, fmt.Errorf("%s: %w: no \"features\": want a GeoJSON FeatureCollection", im.Name, ledger.ErrInvalid)
	}
	if len(b.Claims) == 0 {
		return b, fmt.Errorf("%s: %w: no features", im.Name, ledger.ErrInvalid)
	}
	return b, nil
}

func prop(p map[string]any, keys ...string) (string, bool) {
	for _, k := range keys {
		if v, ok := p[k]; ok && v != nil {
			switch x := v.(type) {
			case string:
				if strings.TrimSpace(x) != "" {
					return strings.TrimSpace(x), true
				}
			case float64:
				return strconv.FormatFloat(x, 'f', -1, 64), true
			}
		}
	}
	return "", false
}

func numProp(p map[string]any, key string) (float64, bool, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	switch x := v.(type) {
	case float64:
		return x, true, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, false, fmt.Errorf("property %s %q: want a number", key, x)
		}
		return f, true, nil
	}
	return 0, false, fmt.Errorf("property %s: want a number", key)
}

func (im *Import) hazardClaim(src string, n, start, end int, fid any, geom json.RawMessage, p map[string]any) (*ledger.Claim, error) {
	c := im.claim(src, n, start, end)
	area, ok := prop(p, "area", "area_id", "hazard_id", "id")
	if !ok && fid != nil {
		area, ok = prop(map[string]any{"id": fid}, "id")
	}
	if !ok {
		return nil, errors.New("no hazard area id: want property area (or area_id, hazard_id, id) or a feature id")
	}
	ds, ok := prop(p, "date", "valid_from", "reported")
	if !ok {
		return nil, fmt.Errorf("area %s: no date: want property date as YYYY, YYYY-MM or YYYY-MM-DD", area)
	}
	d, err := ledger.ParseDate(ds)
	if err != nil {
		return nil, fmt.Errorf("area %s: property date: %v", area, err)
	}
	c.Valid.From = d
	hasGeom := len(geom) > 0 && string(geom) != "null"
	m2, hasM2, err := numProp(p, "area_m2")
	if err != nil {
		return nil, fmt.Errorf("area %s: %v", area, err)
	}
	if !hasM2 {
		if !hasGeom {
			return nil, fmt.Errorf("area %s: no area_m2 and no polygon to measure", area)
		}
		if m2, err = GeodesicArea(geom); err != nil {
			return nil, fmt.Errorf("area %s: %v", area, err)
		}
		m2 = math.Round(m2)
	}
	place, ok := prop(p, "place", "district", "adm2", "adm1")
	switch {
	case ok:
		id, found := im.Place(place)
		if !found {
			return nil, fmt.Errorf("area %s: place %q is not in the gazetteer", area, place)
		}
		place = id
	case hasGeom:
		pt, err := centroid(geom)
		if err != nil {
			return nil, fmt.Errorf("area %s: %v", area, err)
		}
		if place, ok = locate(im.Places, pt); !ok {
			return nil, fmt.Errorf("area %s: no place given and no place polygon holds its centre (%.5f, %.5f)", area, pt.Lon, pt.Lat)
		}
	default:
		return nil, fmt.Errorf("area %s: no place and no polygon", area)
	}
	devices := func(key string) (int, error) {
		v, ok, err := numProp(p, key)
		if err != nil || !ok {
			return 0, err
		}
		if v < 0 || v != math.Trunc(v) {
			return 0, fmt.Errorf("property %s %v: want a whole number >= 0", key, v)
		}
		return int(v), nil
	}
	if method, ok := prop(p, "method"); ok {
		method = strings.ToLower(method)
		if method != "cancelled" && method != "reduced" && method != "cleared" {
			return nil, fmt.Errorf("area %s: method %q: want cancelled, reduced or cleared", area, method)
		}
		if m2 <= 0 {
			return nil, fmt.Errorf("area %s: released area_m2 %v: want > 0", area, m2)
		}
		dv, err := devices("devices_destroyed")
		if err != nil {
			return nil, fmt.Errorf("area %s: %v", area, err)
		}
		c.Kind, c.Release = ledger.KindRelease, &ledger.Release{Place: place, Area: area, Method: method, AreaM2: m2, Devices: dv}
		return c, nil
	}
	st, _ := prop(p, "status", "category", "type")
	switch strings.ToLower(st) {
	case "suspected", "sha":
		st = "suspected"
	case "confirmed", "cha", "dha":
		st = "confirmed"
	default:
		return nil, fmt.Errorf("area %s: status %q: want suspected or confirmed (SHA or CHA)", area, st)
	}
	if m2 < 0 {
		return nil, fmt.Errorf("area %s: area_m2 %v: want >= 0", area, m2)
	}
	dv, err := devices("devices")
	if err != nil {
		return nil, fmt.Errorf("area %s: %v", area, err)
	}
	var g []byte
	if hasGeom {
		g = geom
	}
	c.Kind, c.Hazard = ledger.KindHazard, &ledger.Hazard{Place: place, Area: area, Status: st, AreaM2: m2, Geometry: g, Devices: dv}
	return c, nil
}

// hxl is a parsed HXL hashtag: the tag and its attributes.
type hxl struct {
	tag   string
	attrs map[string]bool
}

func parseTag(s string) (hxl, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "#") {
		return hxl{}, false
	}
	parts := strings.Split(strings.ReplaceAll(s, " ", ""), "+")
	h := hxl{tag: parts[0], attrs: map[string]bool{}}
	for _, a := range parts[1:] {
		h.attrs[a] = true
	}
	return h, true
}

// Returns reads an HXL-tagged CSV of displacement and returns (IOM DTM
// style) into one batch: one figure claim per count cell. Place: #loc,
// #adm3, #adm2 or #adm1 (+name or +code), the most specific filled in; a
// place tag with +origin makes IDP counts people displaced *from* it.
// Counts: a tag with +returnees (returned), #affected+idps (displaced).
// #date (prefer +reported) is required; #round+code is optional.
func Returns(data []byte, im Import) (store.Batch, error) {
	src := im.source(data, "returns")
	b := store.Batch{Sources: []store.SourceText{src}}
	base := 0 // spans count from the file's start, byte-order mark included
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		base = 3
	}
	r := csv.NewReader(bytes.NewReader(data[base:]))
	r.FieldsPerRecord = -1
	type col struct {
		i int
		h hxl
	}
	var places []col // most specific first
	var returnees, idps, date, round = -1, -1, -1, -1
	var tagLine int
	n := 0
	for {
		rowStart := base + int(r.InputOffset())
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil { // a csv.ParseError names its line
			return b, fmt.Errorf("%s: %w: %v", im.Name, ledger.ErrInvalid, err)
		}
		line, _ := r.FieldPos(0)
		if tagLine == 0 {
			tags := 0
			for _, cell := range rec {
				if _, ok := parseTag(cell); ok {
					tags++
				}
			}
			if tags == 0 {
				if line > 10 {
					return b, fmt.Errorf("%s: %w: no HXL hashtag row in the first 10 rows", im.Name, ledger.ErrInvalid)
				}
				continue // a human header row
			}
			tagLine = line
			rank := map[string]int{"#loc": 0, "#adm3": 1, "#adm2": 2, "#adm1": 3}
			for i, cell := range rec {
				h, ok := parseTag(cell)
				if !ok {
					continue
				}
				switch {
				case rank[h.tag] > 0 || h.tag == "#loc":
					if h.attrs["name"] || h.attrs["code"] || len(h.attrs) == 0 || h.attrs["origin"] {
						places = append(places, col{i, h})
					}
				case h.attrs["returnees"] && returnees < 0:
					returnees = i
				case h.tag == "#affected" && h.attrs["idps"] && idps < 0:
					idps = i
				case h.tag == "#date" && (date < 0 || h.attrs["reported"]):
					date = i
				case h.tag == "#round" && round < 0:
					round = i
				}
			}
			// most specific level first; names before codes at one level
			for i := 1; i < len(places); i++ {
				for j := i; j > 0; j-- {
					a, c := places[j], places[j-1]
					if rank[a.h.tag] < rank[c.h.tag] || rank[a.h.tag] == rank[c.h.tag] && a.h.attrs["name"] && !c.h.attrs["name"] {
						places[j], places[j-1] = c, a
					}
				}
			}
			switch {
			case len(places) == 0:
				return b, fmt.Errorf("%s:%d: %w: no place column: want #adm1+name, #adm2+name or #loc+name", im.Name, line, ledger.ErrInvalid)
			case returnees < 0 && idps < 0:
				return b, fmt.Errorf("%s:%d: %w: no count column: want #affected+returnees or #affected+idps", im.Name, line, ledger.ErrInvalid)
			case date < 0:
				return b, fmt.Errorf("%s:%d: %w: no #date column", im.Name, line, ledger.ErrInvalid)
			}
			continue
		}
		rowEnd := base + int(r.InputOffset())
		quote := strings.TrimRight(string(data[rowStart:rowEnd]), "\r\n")
		bad := func(col int, format string, a ...any) error {
			return fmt.Errorf("%s:%d: %w: column %d: %s", im.Name, line, ledger.ErrInvalid, col+1, fmt.Sprintf(format, a...))
		}
		cell := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		var place string
		var origin bool
		for _, pc := range places {
			if v := cell(pc.i); v != "" {
				id, ok := im.Place(v)
				if !ok {
					return b, bad(pc.i, "place %q is not in the gazetteer", v)
				}
				place, origin = id, pc.h.attrs["origin"]
				break
			}
		}
		if place == "" {
			return b, bad(places[0].i, "no place named in this row")
		}
		d, err := ledger.ParseDate(cell(date))
		if err != nil || d.IsZero() {
			return b, bad(date, "#date %q: want YYYY-MM-DD (or YYYY-MM, YYYY)", cell(date))
		}
		for _, mc := range []struct {
			i      int
			metric string
		}{{idps, MetricDisplaced}, {returnees, MetricReturned}} {
			v := strings.ReplaceAll(cell(mc.i), ",", "")
			if mc.i < 0 || v == "" {
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 || math.IsInf(x, 0) || math.IsNaN(x) {
				return b, bad(mc.i, "%q: want a count >= 0", cell(mc.i))
			}
			n++
			c := im.claim(src.ID, n, rowStart, rowStart+len(quote))
			c.Attributions[0].Quote = quote
			c.Kind, c.Valid.From = ledger.KindFigure, d
			c.Figure = &ledger.Figure{Metric: mc.metric, Place: place, Best: &x, Round: cell(round),
				Origin: origin && mc.metric == MetricDisplaced, Unit: "people"}
			b.Claims = append(b.Claims, c)
		}
	}
	if tagLine == 0 {
		return b, fmt.Errorf("%s: %w: no HXL hashtag row", im.Name, ledger.ErrInvalid)
	}
	if len(b.Claims) == 0 {
		return b, fmt.Errorf("%s: %w: no counts below the hashtag row", im.Name, ledger.ErrInvalid)
	}
	return b, nil
}
