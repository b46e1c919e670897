package readiness

import (
	"math"

	"truce/gazetteer"
)

// earthRadius is the WGS84 equatorial radius in metres, as GeoJSON area
// tools (turf, d3) use it.
const earthRadius = 6378137.0

// GeodesicArea is the area in m2 of a GeoJSON Polygon or MultiPolygon on
// the sphere (Chamberlain and Duquette, "Some algorithms for polygons on a
// sphere", 2007): outer rings count, holes are taken away, whatever the
// winding order.
func GeodesicArea(geom []byte) (float64, error) {
	s, err := gazetteer.ParseShape(geom)
	if err != nil {
		return 0, err
	}
	return s.AreaBy(ringArea), nil
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
