package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"truce/gazetteer"
	"truce/ledger"
)

// placeNameProps are the properties a feature's name is read from, in
// order: truce's own export, then common boundary datasets.
var placeNameProps = []string{"label", "name", "shapeName", "NAME", "name_en", "NAME_EN", "ADM2_EN", "ADM1_EN", "ADM0_EN"}

// Feature is one GeoJSON feature of a file, with where it is: its byte
// range (the span a claim cites) and the line it starts on.
type Feature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
	Start, End int64           `json:"-"`
	Line       int             `json:"-"`
}

// DecodeFeatures reads the features of a GeoJSON FeatureCollection (or of
// one Feature), keeping each one's place in the file. A refusal is an
// *Error naming the file and line. Places (import --format geojson) and
// hazard areas (import-hazards) both read their files through it.
func DecodeFeatures(name string, data []byte) ([]Feature, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := lineCounter(data)
	bad := func(off int64, what string, format string, a ...any) error {
		return &Error{File: name, Line: lineAt(off), Column: what, Msg: fmt.Sprintf(format, a...)}
	}
	var feats []Feature
	var top map[string]json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return nil, bad(dec.InputOffset(), "", "not a GeoJSON object: want a GeoJSON FeatureCollection: %v", err)
	}
	var typ string
	json.Unmarshal(top["type"], &typ)
	switch typ {
	case "FeatureCollection":
		// Decode features one by one to know where each starts.
		raw := top["features"]
		base := int64(bytes.Index(data, raw))
		fd := json.NewDecoder(bytes.NewReader(raw))
		if tok, err := fd.Token(); err != nil || tok != json.Delim('[') {
			return nil, bad(base, "features", "want an array of features")
		}
		for fd.More() {
			off := base + fd.InputOffset()
			var f Feature
			if err := fd.Decode(&f); err != nil {
				return nil, bad(off, fmt.Sprintf("feature %d", len(feats)+1), "%v", err)
			}
			// The span starts at the feature's '{', past the comma before it.
			for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
				off++
			}
			f.Start, f.End, f.Line = off, base+fd.InputOffset(), lineAt(off)
			feats = append(feats, f)
		}
	case "Feature":
		var f Feature
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, bad(0, "", "%v", err)
		}
		f.Start, f.End, f.Line = 0, int64(len(data)), lineAt(0)
		feats = []Feature{f}
	default:
		return nil, bad(0, "type", "%q: want FeatureCollection or Feature", typ)
	}
	if len(feats) == 0 {
		return nil, bad(0, "features", "empty: want at least one feature")
	}
	return feats, nil
}

// readGeoJSON reads places from a GeoJSON FeatureCollection (or one
// Feature). A feature whose name or id the gazetteer knows becomes a new
// version of that place with the feature's geometry; the others become new
// places. Features of one file that share a name are one place whose
// polygons are merged.
func readGeoJSON(in *input) error {
	feats, err := DecodeFeatures(in.name, in.data)
	if err != nil {
		return err
	}
	bad := func(f Feature, what string, format string, a ...any) error {
		return &Error{File: in.name, Line: f.Line, Column: what, Msg: fmt.Sprintf(format, a...)}
	}
	byKey := map[string]int{} // folded name -> index in batch places
	var updated, merged int
	for i, f := range feats {
		in.res.Rows++
		where := fmt.Sprintf("feature %d", i+1)
		name := ""
		for _, k := range placeNameProps {
			if s, ok := f.Properties[k].(string); ok && strings.TrimSpace(s) != "" {
				name = strings.TrimSpace(s)
				break
			}
		}
		if name == "" {
			return bad(f, where, "no name: want a property %s", strings.Join(placeNameProps[:3], ", "))
		}
		where = fmt.Sprintf("feature %d (%s)", i+1, name)
		var gt struct {
			Type string `json:"type"`
		}
		if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
			return bad(f, where, "no geometry: want a Point, Polygon or MultiPolygon")
		}
		if err := json.Unmarshal(f.Geometry, &gt); err != nil {
			return bad(f, where, "geometry: %v", err)
		}
		var point *ledger.Point
		var shape *gazetteer.Shape
		switch gt.Type {
		case "Point":
			var p struct {
				Coordinates []float64 `json:"coordinates"`
			}
			if err := json.Unmarshal(f.Geometry, &p); err != nil || len(p.Coordinates) < 2 {
				return bad(f, where, "Point coordinates: want [lon, lat]")
			}
			if err := gazetteer.CheckLonLat(p.Coordinates[0], p.Coordinates[1]); err != nil {
				return bad(f, where, "Point: %v", err)
			}
			point = &ledger.Point{Lon: p.Coordinates[0], Lat: p.Coordinates[1]}
		case "Polygon", "MultiPolygon":
			s, err := gazetteer.ParseShape(f.Geometry)
			if err != nil {
				return bad(f, where, "%v", err)
			}
			shape = s
			c := s.Centroid()
			point = &c
		default:
			return bad(f, where, "geometry type %q: want Point, Polygon or MultiPolygon", gt.Type)
		}
		key := gazetteer.Fold(name)
		if j, ok := byKey[key]; ok && shape != nil {
			p := &in.res.Batch.Places[j]
			g, err := mergeGeometry(p.Geometry, f.Geometry)
			if err != nil {
				return bad(f, where, "%v", err)
			}
			p.Geometry = g
			merged++
			continue
		}
		p := placeFromFeature(in, f, name)
		if old, ok := in.r.g.Place(p.ID); ok || in.r.placeByName(name) != "" {
			if !ok {
				old, _ = in.r.g.Place(in.r.placeByName(name))
			}
			// A known place: a new version that gains the geometry.
			keep := old
			if shape != nil {
				keep.Geometry = compactJSON(f.Geometry)
			}
			if keep.Point == nil || shape == nil {
				keep.Point = point
			}
			p = keep
			updated++
		} else {
			p.ID = in.r.freeID(p.ID, func(s string) bool { _, ok := in.r.g.Place(s); return ok })
			p.Point = point
			if shape != nil {
				p.Geometry = compactJSON(f.Geometry)
			}
			if p.Kind == "" {
				p.Kind = in.placeKind()
			}
		}
		byKey[key] = len(in.res.Batch.Places)
		in.res.Batch.Places = append(in.res.Batch.Places, p)
	}
	in.res.notef("%s new, %s given a geometry", plural(len(in.res.Batch.Places)-updated, "place", "places"),
		plural(updated, "known place", "known places"))
	if merged > 0 {
		in.res.notef("merged %s sharing a name with an earlier feature into MultiPolygons", plural(merged, "feature", "features"))
	}
	return nil
}

func (in *input) placeKind() string {
	if in.opt.PlaceKind != "" {
		return in.opt.PlaceKind
	}
	return "area"
}

// placeFromFeature reads a place's fields from a feature's properties:
// truce's own (id, kind, names, parent) or geoBoundaries' (shapeType,
// shapeISO).
func placeFromFeature(in *input, f Feature, name string) ledger.Place {
	str := func(k string) string { s, _ := f.Properties[k].(string); return strings.TrimSpace(s) }
	p := ledger.Place{Label: name, Kind: str("kind"), Parent: str("parent"), Attribution: str("attribution")}
	p.ID = str("id")
	if p.ID == "" {
		p.ID = slug(name)
	}
	if p.Kind == "" {
		p.Kind = map[string]string{"ADM0": "country", "ADM1": "region", "ADM2": "district", "ADM3": "district"}[str("shapeType")]
	}
	if in.opt.PlaceKind != "" {
		p.Kind = in.opt.PlaceKind
	}
	if raw, ok := f.Properties["names"]; ok {
		b, _ := json.Marshal(raw)
		json.Unmarshal(b, &p.Names)
	}
	if len(p.Names) == 0 {
		p.Names = []ledger.Name{{Name: name}}
		if iso := str("shapeISO"); iso != "" {
			p.Names = append(p.Names, ledger.Name{Name: iso, Kind: "code"})
		}
	}
	if p.Attribution == "" {
		p.Attribution = in.opt.Attribution
	}
	if p.Attribution == "" {
		p.Attribution = "boundaries from " + filepath.Base(in.name)
	}
	return p
}

// mergeGeometry joins two polygonal geometries into one MultiPolygon.
func mergeGeometry(a, b []byte) ([]byte, error) {
	var polys [][][][]float64
	for _, g := range [][]byte{a, b} {
		var x struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		}
		if err := json.Unmarshal(g, &x); err != nil {
			return nil, err
		}
		switch x.Type {
		case "Polygon":
			var p [][][]float64
			if err := json.Unmarshal(x.Coordinates, &p); err != nil {
				return nil, err
			}
			polys = append(polys, p)
		case "MultiPolygon":
			var mp [][][][]float64
			if err := json.Unmarshal(x.Coordinates, &mp); err != nil {
				return nil, err
			}
			polys = append(polys, mp...)
		default:
			return nil, fmt.Errorf("cannot merge a %s with polygons", x.Type)
		}
	}
	return json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": polys})
}

func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

// lineCounter maps byte offsets to 1-based lines.
func lineCounter(data []byte) func(int64) int {
	return func(off int64) int {
		off = min(max(off, 0), int64(len(data)))
		// Skip whitespace to the token the offset points before.
		for off < int64(len(data)) && (data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t' || data[off] == ',') {
			off++
		}
		return bytes.Count(data[:off], []byte{'\n'}) + 1
	}
}
