// Command boundaries extracts the few district polygons the Karabakh 2020
// case ships with from the shared geoBoundaries CGAZ files, so that only
// the features needed (not whole files) enter the repository.
//
// Run from the datasets folder: go generate ./datasets
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

const (
	adm2Attribution = "Boundary: geoBoundaries CGAZ (CC BY 4.0), Azerbaijan ADM2 from Wikipedia (CC BY-SA 3.0); file AZE2.geojson of github.com/WelcomeToYourGalaxy/cgaz-boundaries"
	adm1Attribution = "Boundary: geoBoundaries CGAZ (CC BY 4.0), Azerbaijan ADM1 from OpenStreetMap (© OpenStreetMap contributors, ODbL 1.0); file AZE.geojson of github.com/WelcomeToYourGalaxy/cgaz-boundaries"
)

// part names the source file and shapeNames that make up one place.
type part struct {
	file   string
	shapes []string
	note   string
}

var seven = []string{"Agdam District", "Kalbajar District", "Lachin District", "Fuzuli District",
	"Jabrayil District", "Zangilan District", "Qubadli District"}

var places = []struct {
	id string
	part
}{
	{"aghdam-district", part{"cgaz_AZE2.geojson", []string{"Agdam District"}, ""}},
	{"kalbajar-district", part{"cgaz_AZE2.geojson", []string{"Kalbajar District"}, ""}},
	{"lachin-district", part{"cgaz_AZE2.geojson", []string{"Lachin District"}, ""}},
	{"fuzuli-district", part{"cgaz_AZE2.geojson", []string{"Fuzuli District"}, ""}},
	{"jabrayil-district", part{"cgaz_AZE2.geojson", []string{"Jabrayil District"}, ""}},
	{"zangilan-district", part{"cgaz_AZE2.geojson", []string{"Zangilan District"}, ""}},
	{"qubadli-district", part{"cgaz_AZE2.geojson", []string{"Qubadli District"}, ""}},
	{"seven-districts", part{"cgaz_AZE2.geojson", seven, "the seven districts as one multipolygon, not dissolved"}},
	{"nagorno-karabakh", part{"cgaz_AZE2.geojson",
		[]string{"Khojaly District", "Khojavend District", "Shusha District", "Shusha City", "Khankendi City"},
		"approximate: today's Azerbaijani units that lie inside the former autonomous oblast; its northern part (Mardakert / Aghdara) now lies in Tartar and Kalbajar districts and is not included"}},
	{"shusha", part{"cgaz_AZE2.geojson", []string{"Shusha City"}, ""}},
	{"stepanakert", part{"cgaz_AZE2.geojson", []string{"Khankendi City"}, ""}},
	{"nakhchivan", part{"cgaz_AZE.geojson", []string{"Nakhchivan Autonomous Republic"}, ""}},
}

type feature struct {
	Type       string `json:"type"`
	Properties struct {
		ShapeName string `json:"shapeName"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// polygon is rings of [lon, lat] positions.
type polygon [][][2]float64

type outFeature struct {
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
	Geometry   map[string]any `json:"geometry"`
}

func main() {
	shared := flag.String("shared", "../../shared", "the shared folder holding data/boundaries")
	out := flag.String("out", "karabakh-2020/boundaries.geojson", "output file")
	prec := flag.Int("decimals", 4, "decimal places kept in coordinates (4 is about 10 m)")
	flag.Parse()
	if err := run(*shared, *out, *prec); err != nil {
		fmt.Fprintln(os.Stderr, "boundaries:", err)
		os.Exit(1)
	}
}

func run(shared, out string, prec int) error {
	files := map[string]map[string][]polygon{}
	load := func(name string) (map[string][]polygon, error) {
		if m, ok := files[name]; ok {
			return m, nil
		}
		path := filepath.Join(shared, "data", "boundaries", name)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var fc struct {
			Features []feature `json:"features"`
		}
		if err := json.Unmarshal(b, &fc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m := map[string][]polygon{}
		for _, f := range fc.Features {
			var polys []polygon
			switch f.Geometry.Type {
			case "Polygon":
				var p polygon
				if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
					return nil, fmt.Errorf("%s: %s: %w", path, f.Properties.ShapeName, err)
				}
				polys = []polygon{p}
			case "MultiPolygon":
				if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
					return nil, fmt.Errorf("%s: %s: %w", path, f.Properties.ShapeName, err)
				}
			default:
				return nil, fmt.Errorf("%s: %s: geometry %s, want Polygon or MultiPolygon", path, f.Properties.ShapeName, f.Geometry.Type)
			}
			m[f.Properties.ShapeName] = append(m[f.Properties.ShapeName], polys...)
		}
		files[name] = m
		return m, nil
	}
	scale := math.Pow(10, float64(prec))
	round := func(v float64) float64 { return math.Round(v*scale) / scale }
	var feats []outFeature
	for _, pl := range places {
		m, err := load(pl.file)
		if err != nil {
			return err
		}
		var polys []polygon
		for _, s := range pl.shapes {
			ps, ok := m[s]
			if !ok {
				return fmt.Errorf("%s: no feature named %q", pl.file, s)
			}
			polys = append(polys, ps...)
		}
		for _, p := range polys {
			for _, ring := range p {
				for i := range ring {
					ring[i] = [2]float64{round(ring[i][0]), round(ring[i][1])}
				}
			}
		}
		attr := adm2Attribution
		if pl.file == "cgaz_AZE.geojson" {
			attr = adm1Attribution
		}
		props := map[string]any{"place": pl.id, "shapeNames": pl.shapes, "attribution": attr,
			"centroid": centroid(polys, round)}
		if pl.note != "" {
			props["note"] = pl.note
		}
		geom := map[string]any{"type": "MultiPolygon", "coordinates": polys}
		if len(polys) == 1 {
			geom = map[string]any{"type": "Polygon", "coordinates": polys[0]}
		}
		feats = append(feats, outFeature{Type: "Feature", Properties: props, Geometry: geom})
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	// One feature per line keeps diffs and error line numbers readable.
	fmt.Fprintln(f, `{"type":"FeatureCollection","features":[`)
	for i, ft := range feats {
		b, err := json.Marshal(ft)
		if err != nil {
			f.Close()
			return err
		}
		sep := ","
		if i == len(feats)-1 {
			sep = ""
		}
		fmt.Fprintf(f, "%s%s\n", b, sep)
	}
	fmt.Fprintln(f, "]}")
	return f.Close()
}

// centroid is the area-weighted centroid of the outer rings, [lon, lat]:
// a label point for places the facts give no point for.
func centroid(polys []polygon, round func(float64) float64) [2]float64 {
	var a, cx, cy float64
	for _, p := range polys {
		r := p[0]
		for i := 0; i+1 < len(r); i++ {
			c := r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
			a += c
			cx += (r[i][0] + r[i+1][0]) * c
			cy += (r[i][1] + r[i+1][1]) * c
		}
	}
	if a == 0 {
		return [2]float64{}
	}
	return [2]float64{round(cx / (3 * a)), round(cy / (3 * a))}
}
