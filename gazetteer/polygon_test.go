package gazetteer

import (
	"encoding/json"
	"os"
	"testing"

	"truce/internal/shared"
	"truce/ledger"
)

func loadPlaces(t *testing.T, file string) []ledger.Place {
	t.Helper()
	b, err := os.ReadFile(shared.Path(t, "data", "boundaries", file))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	var out []ledger.Place
	for _, f := range fc.Features {
		name := f.Properties["shapeName"].(string)
		out = append(out, ledger.Place{ID: name, Kind: "region", Label: name, Geometry: f.Geometry})
	}
	return out
}

func TestLocatorHolesAndMultiPolygons(t *testing.T) {
	places := loadPlaces(t, "geoBoundaries-ARM-ADM1_simplified.geojson")
	if len(places) != 11 {
		t.Fatalf("%d features, want 11", len(places))
	}
	l, err := NewLocator(places)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		pt       ledger.Point
		want     string
		wantSome bool
	}{
		{"Yerevan centre", ledger.Point{Lon: 44.515, Lat: 40.182}, "Yerevan", true},
		{"Artashat", ledger.Point{Lon: 44.55, Lat: 39.96}, "Ararat", true},
		{"Goris", ledger.Point{Lon: 46.34, Lat: 39.51}, "Syunik", true},
		// The Ararat polygon has a hole (an exclave of Azerbaijan): a point
		// inside the hole belongs to no Armenian marz.
		{"inside Ararat's hole", ledger.Point{Lon: 44.9241, Lat: 39.7787}, "", false},
		{"Baku", ledger.Point{Lon: 49.87, Lat: 40.41}, "", false},
	}
	for _, tt := range tests {
		got, ok := l.Locate(tt.pt)
		if got != tt.want || ok != tt.wantSome {
			t.Errorf("%s: Locate = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantSome)
		}
	}
	// Gegharkunik is a MultiPolygon: the Artsvashen exclave is its second part.
	var gegh *Shape
	for _, p := range places {
		if p.ID == "Gegharkunik" {
			gegh, _ = ParseShape(p.Geometry)
		}
	}
	if gegh == nil || len(gegh.Polygons) < 2 {
		t.Fatalf("Gegharkunik: want a MultiPolygon")
	}
	c := ledger.Point{}
	for _, pos := range gegh.Polygons[1][0] {
		c.Lon += pos[0] / float64(len(gegh.Polygons[1][0]))
		c.Lat += pos[1] / float64(len(gegh.Polygons[1][0]))
	}
	if got, _ := l.Locate(c); got != "Gegharkunik" {
		t.Errorf("point in Gegharkunik's second polygon located in %q", got)
	}
}

func TestLocatorSmallestWins(t *testing.T) {
	adm2 := loadPlaces(t, "cgaz_AZE2.geojson")
	adm1 := loadPlaces(t, "cgaz_AZE.geojson")
	if len(adm2) != 79 || len(adm1) != 2 {
		t.Fatalf("got %d ADM2 and %d ADM1 features, want 79 and 2", len(adm2), len(adm1))
	}
	l, err := NewLocator(append(adm1, adm2...))
	if err != nil {
		t.Fatal(err)
	}
	// Lachin town lies in Lachin District, which lies in Contiguous
	// Azerbaijan: the district, being smaller, wins.
	if got, _ := l.Locate(ledger.Point{Lon: 46.55, Lat: 39.64}); got != "Lachin District" {
		t.Errorf("Lachin town located in %q, want Lachin District", got)
	}
	if got, _ := l.Locate(ledger.Point{Lon: 45.41, Lat: 39.21}); got != "Nakhchivan City" && got != "Babek District" {
		t.Logf("Nakhchivan city located in %q", got)
	}
}

func TestParseShapeRefusesBadCoordinates(t *testing.T) {
	for _, g := range []string{
		`{"type":"Polygon","coordinates":[[[200,40],[45,40],[45,41],[200,40]]]}`,
		`{"type":"Polygon","coordinates":[[[44,40],[45,40],[44,40]]]}`,
		`{"type":"Point","coordinates":[44,40]}`,
		`{"type":"Polygon","coordinates":"x"}`,
	} {
		if _, err := ParseShape([]byte(g)); err == nil {
			t.Errorf("ParseShape(%s): no error", g)
		}
	}
}
