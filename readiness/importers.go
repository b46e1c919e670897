package readiness

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"truce/formats"
	"truce/gazetteer"
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
	loc    *gazetteer.Locator // of Places, built when a feature needs it
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
	feats, err := formats.DecodeFeatures(im.Name, data)
	if err != nil {
		return b, err
	}
	for i, ft := range feats {
		c, err := im.hazardClaim(src.ID, i+1, int(ft.Start), int(ft.End), ft.ID, ft.Geometry, ft.Properties)
		if err != nil {
			return b, fmt.Errorf("%s:%d: feature %d: %w: %v", im.Name, ft.Line, i+1, ledger.ErrInvalid, err)
		}
		b.Claims = append(b.Claims, c)
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
		shape, err := gazetteer.ParseShape(geom)
		if err != nil {
			return nil, fmt.Errorf("area %s: %v", area, err)
		}
		if im.loc == nil {
			if im.loc, err = gazetteer.NewLocator(im.Places); err != nil {
				return nil, err
			}
		}
		pt := shape.Centroid()
		if place, ok = im.loc.Locate(pt); !ok {
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
