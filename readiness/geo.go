package readiness

import (
	"encoding/json"
	"fmt"
	"math"

	"truce/ledger"
)

// earthRadius is the WGS84 equatorial radius in metres, as GeoJSON area
// tools (turf, d3) use it.
const earthRadius = 6378137.0

// polygons reads a GeoJSON Polygon or MultiPolygon geometry (or a Feature
// holding one) into polygons of rings of [lon, lat].
func polygons(geom []byte) ([][][][2]float64, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
		Geometry    json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal(geom, &g); err != nil {
		return nil, fmt.Errorf("geometry: %v", err)
	}
	switch g.Type {
	case "Feature":
		return polygons(g.Geometry)
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("Polygon coordinates: %v", err)
		}
		return [][][][2]float64{p}, nil
	case "MultiPolygon":
		var mp [][][][2]float64
		if err := json.Unmarshal(g.Coordinates, &mp); err != nil {
			return nil, fmt.Errorf("MultiPolygon coordinates: %v", err)
		}
		return mp, nil
	}
	return nil, fmt.Errorf("geometry type %q: want Polygon or MultiPolygon", g.Type)
}

// GeodesicArea is the area in m2 of a GeoJSON Polygon or MultiPolygon on
// the sphere (Chamberlain and Duquette, "Some algorithms for polygons on a
// sphere", 2007): outer rings count, holes are taken away, whatever the
// winding order.
func GeodesicArea(geom []byte) (float64, error) {
	ps, err := polygons(geom)
	if err != nil {
		return 0, err
	}
	total := 0.0
	for _, p := range ps {
		for i, ring := range p {
			if len(ring) < 4 {
				return 0, fmt.Errorf("ring of %d positions: a closed ring needs at least 4", len(ring))
			}
			a := math.Abs(ringArea(ring))
			if i == 0 {
				total += a
			} else {
				total -= a
			}
		}
	}
	return total, nil
}

func ringArea(ring [][2]float64) float64 {
	rad := math.Pi / 180
	s := 0.0
	n := len(ring)
	for i := range n {
		p1, p2 := ring[i], ring[(i+1)%n]
		s += (p2[0] - p1[0]) * rad * (2 + math.Sin(p1[1]*rad) + math.Sin(p2[1]*rad))
	}
	return s * earthRadius * earthRadius / 2
}

// centroid is the mean of the outer ring's positions of the first polygon:
// enough to place a hazard area, which is small against a district.
func centroid(geom []byte) (ledger.Point, error) {
	ps, err := polygons(geom)
	if err != nil {
		return ledger.Point{}, err
	}
	if len(ps) == 0 || len(ps[0]) == 0 || len(ps[0][0]) < 4 {
		return ledger.Point{}, fmt.Errorf("empty polygon")
	}
	ring := ps[0][0][:len(ps[0][0])-1] // the closing position repeats the first
	var pt ledger.Point
	for _, c := range ring {
		pt.Lon += c[0]
		pt.Lat += c[1]
	}
	pt.Lon /= float64(len(ring))
	pt.Lat /= float64(len(ring))
	return pt, nil
}

// contains reports whether pt lies in the geometry (even-odd rule over each
// polygon's rings, so holes are outside).
func contains(ps [][][][2]float64, pt ledger.Point) bool {
	for _, p := range ps {
		in := false
		for _, ring := range p {
			for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
				a, b := ring[i], ring[j]
				if (a[1] > pt.Lat) != (b[1] > pt.Lat) &&
					pt.Lon < (b[0]-a[0])*(pt.Lat-a[1])/(b[1]-a[1])+a[0] {
					in = !in
				}
			}
		}
		if in {
			return true
		}
	}
	return false
}

// locate finds the smallest place whose geometry contains pt.
func locate(places []ledger.Place, pt ledger.Point) (string, bool) {
	best, bestArea := "", math.Inf(1)
	for _, p := range places {
		if len(p.Geometry) == 0 {
			continue
		}
		ps, err := polygons(p.Geometry)
		if err != nil || !contains(ps, pt) {
			continue
		}
		if a, err := GeodesicArea(p.Geometry); err == nil && a < bestArea {
			best, bestArea = p.ID, a
		}
	}
	return best, best != ""
}
