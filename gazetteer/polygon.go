package gazetteer

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"truce/ledger"
)

// Shape is a parsed GeoJSON Polygon or MultiPolygon: a list of polygons,
// each a list of rings (the first the outer boundary, the rest holes), each
// ring a list of [lon, lat] positions.
type Shape struct {
	Polygons [][][][2]float64
	// MinLon, MinLat, MaxLon, MaxLat bound every ring, for a cheap first test.
	MinLon, MinLat, MaxLon, MaxLat float64
}

// ParseShape reads a GeoJSON geometry object of type Polygon or
// MultiPolygon and checks that every position is a WGS84 longitude and
// latitude and every ring has at least four positions.
func ParseShape(geom []byte) (*Shape, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(geom, &g); err != nil {
		return nil, fmt.Errorf("geometry: %w", err)
	}
	s := &Shape{MinLon: math.Inf(1), MinLat: math.Inf(1), MaxLon: math.Inf(-1), MaxLat: math.Inf(-1)}
	switch g.Type {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("Polygon coordinates: want [[[lon, lat], ...], ...]: %w", err)
		}
		if err := s.add(p); err != nil {
			return nil, err
		}
	case "MultiPolygon":
		var mp [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &mp); err != nil {
			return nil, fmt.Errorf("MultiPolygon coordinates: want [[[[lon, lat], ...], ...], ...]: %w", err)
		}
		for _, p := range mp {
			if err := s.add(p); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("geometry type %q: want Polygon or MultiPolygon", g.Type)
	}
	if len(s.Polygons) == 0 {
		return nil, fmt.Errorf("%s has no polygon", g.Type)
	}
	return s, nil
}

func (s *Shape) add(p [][][]float64) error {
	if len(p) == 0 {
		return fmt.Errorf("polygon %d has no ring", len(s.Polygons)+1)
	}
	var poly [][][2]float64
	for ri, ring := range p {
		if len(ring) < 4 {
			return fmt.Errorf("polygon %d ring %d has %d positions: want at least 4 (closed)", len(s.Polygons)+1, ri+1, len(ring))
		}
		r := make([][2]float64, len(ring))
		for i, pos := range ring {
			if len(pos) < 2 {
				return fmt.Errorf("polygon %d ring %d position %d: want [lon, lat]", len(s.Polygons)+1, ri+1, i+1)
			}
			lon, lat := pos[0], pos[1]
			if err := CheckLonLat(lon, lat); err != nil {
				return fmt.Errorf("polygon %d ring %d position %d: %w", len(s.Polygons)+1, ri+1, i+1, err)
			}
			r[i] = [2]float64{lon, lat}
			s.MinLon, s.MaxLon = math.Min(s.MinLon, lon), math.Max(s.MaxLon, lon)
			s.MinLat, s.MaxLat = math.Min(s.MinLat, lat), math.Max(s.MaxLat, lat)
		}
		poly = append(poly, r)
	}
	s.Polygons = append(s.Polygons, poly)
	return nil
}

// CheckLonLat refuses a position outside WGS84's range.
func CheckLonLat(lon, lat float64) error {
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		return fmt.Errorf("longitude %v: want -180..180", lon)
	}
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		return fmt.Errorf("latitude %v: want -90..90", lat)
	}
	return nil
}

// Contains reports whether the point lies inside the shape: inside some
// polygon's outer ring and outside its holes. Points on a boundary may fall
// either way.
func (s *Shape) Contains(pt ledger.Point) bool {
	if pt.Lon < s.MinLon || pt.Lon > s.MaxLon || pt.Lat < s.MinLat || pt.Lat > s.MaxLat {
		return false
	}
	for _, poly := range s.Polygons {
		if !inRing(poly[0], pt) {
			continue
		}
		inHole := false
		for _, hole := range poly[1:] {
			if inRing(hole, pt) {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

// inRing is the even-odd crossing test.
func inRing(ring [][2]float64, pt ledger.Point) bool {
	in := false
	x, y := pt.Lon, pt.Lat
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi := ring[i][0], ring[i][1]
		xj, yj := ring[j][0], ring[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// Area is the planar area in square degrees, holes subtracted. It only
// ranks shapes by size ("the smallest polygon containing a point"), so the
// distortion of degrees does not matter at the scale of one region.
func (s *Shape) Area() float64 { return s.AreaBy(ringArea) }

// AreaBy sums the areas ringArea gives the rings: outer rings count, holes
// are taken away, whatever their winding order.
func (s *Shape) AreaBy(ringArea func(ring [][2]float64) float64) float64 {
	var a float64
	for _, poly := range s.Polygons {
		for i, ring := range poly {
			r := math.Abs(ringArea(ring))
			if i == 0 {
				a += r
			} else {
				a -= r
			}
		}
	}
	return a
}

func ringArea(ring [][2]float64) float64 {
	var a float64
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a += ring[j][0]*ring[i][1] - ring[i][0]*ring[j][1]
	}
	return a / 2
}

// Centroid is the area-weighted centroid of the largest polygon's outer
// ring: a representative point for a place that has only a polygon.
func (s *Shape) Centroid() ledger.Point {
	best, bestA := 0, -1.0
	for i, poly := range s.Polygons {
		if a := math.Abs(ringArea(poly[0])); a > bestA {
			best, bestA = i, a
		}
	}
	ring := s.Polygons[best][0]
	var cx, cy, a float64
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		f := ring[j][0]*ring[i][1] - ring[i][0]*ring[j][1]
		cx += (ring[j][0] + ring[i][0]) * f
		cy += (ring[j][1] + ring[i][1]) * f
		a += f
	}
	if a == 0 {
		return ledger.Point{Lon: ring[0][0], Lat: ring[0][1]}
	}
	return ledger.Point{Lon: cx / (3 * a), Lat: cy / (3 * a)}
}

// Locator places points into the smallest known polygon containing them.
type Locator struct {
	shapes []locShape
}

type locShape struct {
	id    string
	area  float64
	shape *Shape
}

// NewLocator indexes the polygons of places. Places without a geometry are
// left out; a geometry that does not parse is an error naming the place.
func NewLocator(places []ledger.Place) (*Locator, error) {
	l := &Locator{}
	for _, p := range places {
		if len(p.Geometry) == 0 {
			continue
		}
		s, err := ParseShape(p.Geometry)
		if err != nil {
			return nil, fmt.Errorf("place %s: %w", p.ID, err)
		}
		l.shapes = append(l.shapes, locShape{p.ID, s.Area(), s})
	}
	// Smallest first, so the first hit is the answer.
	sort.SliceStable(l.shapes, func(i, j int) bool { return l.shapes[i].area < l.shapes[j].area })
	return l, nil
}

// Len is the number of polygons indexed.
func (l *Locator) Len() int { return len(l.shapes) }

// Locate gives the id of the smallest polygon containing pt.
func (l *Locator) Locate(pt ledger.Point) (string, bool) {
	for _, s := range l.shapes {
		if s.shape.Contains(pt) {
			return s.id, true
		}
	}
	return "", false
}
