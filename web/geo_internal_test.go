package web

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGridWithin checks the grid against a plain scan, on points, small
// and large boxes, places without coordinates and boxes off the map.
func TestGridWithin(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 3, 200, 3000} {
		env := make([][4]float64, n)
		extent := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for i := range env {
			x, y := 30+rng.Float64()*10, 10+rng.Float64()*5
			switch rng.IntN(10) {
			case 0:
				env[i] = [4]float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
				continue
			case 1: // a polygon over a few cells
				env[i] = [4]float64{x, y, x + rng.Float64()*0.5, y + rng.Float64()*0.3}
			case 2: // a large one
				env[i] = [4]float64{x - 4, y - 2, x + 3, y + 2}
			default:
				env[i] = [4]float64{x, y, x, y}
			}
			e := env[i]
			extent = [4]float64{min(extent[0], e[0]), min(extent[1], e[1]), max(extent[2], e[2]), max(extent[3], e[3])}
		}
		if n == 1 && math.IsNaN(env[0][0]) {
			env[0] = [4]float64{31, 11, 31, 11}
			extent = env[0]
		}
		var g grid
		if n > 0 {
			g = newGrid(env, extent)
		}
		for q := range 300 {
			x, y := 25+rng.Float64()*20, 5+rng.Float64()*15
			b := [4]float64{x, y, x + rng.Float64()*rng.Float64()*8, y + rng.Float64()*rng.Float64()*4}
			switch q {
			case 0:
				b = [4]float64{-180, -90, 180, 90}
			case 1:
				b = [4]float64{100, 50, 101, 51}
			case 2:
				b = [4]float64{math.NaN(), 0, 50, 20}
			case 3:
				b = extent
			}
			var want []int
			for i, e := range env {
				if e[2] >= b[0] && e[0] <= b[2] && e[3] >= b[1] && e[1] <= b[3] {
					want = append(want, i)
				}
			}
			if got := g.appendWithin(nil, env, &b); !slices.Equal(got, want) {
				t.Fatalf("%d places, box %v: got %v, want %v", n, b, got, want)
			}
		}
	}
}
