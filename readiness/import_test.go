package readiness_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"truce/formats"
	"truce/ledger"
	"truce/monitor"
	"truce/readiness"
	"truce/store"
)

// withPolygons adds testdata/places.json (two districts with polygons) to
// a fresh ledger; North is already there and gains its polygon.
func withPolygons(t *testing.T) *monitor.Monitor {
	m := open(t)
	var doc struct {
		Places []struct {
			ledger.Place
			Geometry json.RawMessage `json:"geometry"`
		} `json:"places"`
	}
	b, err := os.ReadFile("testdata/places.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var batch store.Batch
	for _, p := range doc.Places {
		p.Place.Geometry = p.Geometry
		batch.Places = append(batch.Places, p.Place)
	}
	if err := m.Write(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	return m
}

func importer(m *monitor.Monitor, name string) readiness.Import {
	return readiness.Import{Name: name, Places: m.Places(), Place: func(ref string) (string, bool) {
		p, err := m.Place(ref)
		return p.ID, err == nil
	}}
}

func importFile(t *testing.T, m *monitor.Monitor, path string, read func([]byte, readiness.Import) (store.Batch, error)) error {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := read(data, importer(m, path))
	if err != nil {
		return err
	}
	return m.Write(context.Background(), b)
}

func TestGeodesicArea(t *testing.T) {
	// A 1°×1° cell at the equator on the sphere: R² Δλ (sin φ2 − sin φ1).
	cell := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	r := 6378137.0
	want := r * r * (math.Pi / 180) * math.Sin(math.Pi/180)
	got, err := readiness.GeodesicArea([]byte(cell))
	if err != nil || math.Abs(got-want)/want > 1e-9 {
		t.Errorf("1° cell: %v m2 (%v), want %v", got, err, want)
	}
	// The same cell with a hole of a quarter of it, wound the other way.
	holed := `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[0,0],[0,0.5],[0.5,0.5],[0.5,0],[0,0]]]]}`
	got, _ = readiness.GeodesicArea([]byte(holed))
	if got > want*0.76 || got < want*0.74 {
		t.Errorf("holed cell: %v m2, want about 3/4 of %v", got, want)
	}
}

func TestImports(t *testing.T) {
	m := withPolygons(t)
	ctx := context.Background()
	if err := importFile(t, m, "testdata/hazards.geojson", readiness.Hazards); err != nil {
		t.Fatal(err)
	}
	page, err := m.Claims(ctx, ledger.Filter{Kinds: []string{ledger.KindHazard}}, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*ledger.Hazard{}
	for _, c := range page.Claims {
		got[c.Hazard.Area] = c.Hazard
		if c.Attributions[0].End <= c.Attributions[0].Start {
			t.Errorf("%s: empty span", c.ID)
		}
	}
	// 0.01° × 0.01° at 40.1°N is about 853 m × 1113 m.
	if a := got["A1"]; a == nil || a.Place != "north" || a.Status != "confirmed" || math.Abs(a.AreaM2-949_000) > 5_000 || a.Devices != 3 || len(a.Geometry) == 0 {
		t.Errorf("A1 (placed by polygon, area measured): %+v", a)
	}
	if a := got["A2"]; a == nil || a.Place != "north" || a.Status != "suspected" || a.AreaM2 != 5000 {
		t.Errorf("A2 (placed by name): %+v", a)
	}
	if a := got["B1"]; a == nil || a.Place != "south" {
		t.Errorf("B1 (placed by polygon): %+v", a)
	}
	// Importing the same file again is refused, not doubled.
	if err := importFile(t, m, "testdata/hazards.geojson", readiness.Hazards); err == nil || !strings.Contains(err.Error(), "already recorded") {
		t.Errorf("second import: %v", err)
	}
	if err := importFile(t, m, "testdata/releases.geojson", readiness.Hazards); err != nil {
		t.Fatal(err)
	}
	// Returns come through the one HXL reader, with the DTM defaults.
	if _, err := formats.Import(ctx, m, formats.HXL, "testdata/returns.csv", formats.Options{Status: ledger.Accepted, Published: ledger.MustDate("2021-05")}); err != nil {
		t.Fatal(err)
	}
	r, err := readiness.Place(ctx, m, m.Index, readiness.Query{Day: day("2021-07-01"), Place: "north"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != readiness.NotReady || r.Values()["hazard.cleared_m2"] != 400000.0 || r.Values()["hazard.suspected_remaining_m2"] != 0.0 ||
		r.Values()["returned.best"] != 2000.0 || r.Values()["displaced.best"] != 12000.0 {
		t.Errorf("north after imports: %s %v", r.Status, r.Values())
	}
	if len(r.Areas) != 2 || r.Areas[0].ID != "A1" || !strings.Contains(string(r.Areas[0].Geometry), "Polygon") || r.Areas[1].Geometry != nil {
		t.Errorf("area polygons: %+v", r.Areas)
	}
	if r.Displaced.Round != "R2" {
		t.Errorf("latest displaced round %q", r.Displaced.Round)
	}
	s, _ := readiness.Place(ctx, m, m.Index, readiness.Query{Day: day("2021-07-01"), Place: "south"})
	if len(s.Warnings) != 1 || s.Warnings[0].Code != "returns_exceed_displaced" {
		t.Errorf("south: 9000 returned of 8000 displaced not flagged: %+v", s.Warnings)
	}
	// The quote of an imported row is the row itself.
	c, err := m.ClaimsByID(ctx, []string{s.Returned.Claim}, time.Time{})
	if err != nil || c[0].Attributions[0].Quote != "South,R1,2021-01-15,8000,9000" {
		t.Errorf("quote of %s: %+v %v", s.Returned.Claim, c, err)
	}
}

func TestImportRefusesBadFiles(t *testing.T) {
	m := withPolygons(t)
	for _, tc := range []struct {
		name, data string
		read       func([]byte, readiness.Import) (store.Batch, error)
		want       string
	}{
		{"negative area", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area":"X","status":"CHA","date":"2021-01-01","place":"north","area_m2":-4},"geometry":null}]}`,
			readiness.Hazards, "bad.geojson:2: feature 1: invalid: area X: area_m2 -4: want >= 0"},
		{"bad status", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area":"X","status":"maybe","date":"2021-01-01","place":"north","area_m2":4},"geometry":null}]}`,
			readiness.Hazards, `status "maybe": want suspected or confirmed`},
		{"no place", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area":"X","status":"CHA","date":"2021-01-01"},"geometry":{"type":"Polygon","coordinates":[[[10,10],[10.1,10],[10.1,10.1],[10,10]]]}}]}`,
			readiness.Hazards, "no place given and no place polygon holds its centre"},
		{"unknown place", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area":"X","status":"CHA","date":"2021-01-01","place":"Atlantis","area_m2":4},"geometry":null}]}`,
			readiness.Hazards, `place "Atlantis" is not in the gazetteer`},
		{"not geojson", `[1,2]`, readiness.Hazards, "want a GeoJSON FeatureCollection"},
	} {
		_, err := tc.read([]byte(tc.data), importer(m, "bad.geojson"))
		if err == nil || !store.IsInvalid(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	// Releasing more than the polygon holds is refused at write, naming the area.
	if err := importFile(t, m, "testdata/hazards.geojson", readiness.Hazards); err != nil {
		t.Fatal(err)
	}
	over := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area":"A2","method":"cleared","date":"2021-05-01","place":"north","area_m2":6000},"geometry":null}]}`
	b, err := readiness.Hazards([]byte(over), importer(m, "over.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	err = m.Write(context.Background(), b)
	if err == nil || !strings.Contains(err.Error(), "hazard area A2: invalid: 6000 m2 released") || !strings.Contains(err.Error(), "more than the 5000 m2 declared") {
		t.Errorf("over-release: %v", err)
	}
}
