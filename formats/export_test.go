package formats

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"truce/internal/shared"
	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// content is a claim without what a new import changes: id, recorded
// time and the source span.
func content(t *testing.T, cs []*ledger.Claim) []string {
	t.Helper()
	var out []string
	for _, c := range cs {
		x := *c
		x.ID, x.RecordedAt, x.Attributions = "", time.Time{}, nil
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

func sameClaims(t *testing.T, a, b []*ledger.Claim) {
	t.Helper()
	ca, cb := content(t, a), content(t, b)
	if len(ca) != len(cb) {
		t.Fatalf("%d claims before, %d after the round trip", len(ca), len(cb))
	}
	diffs := 0
	for i := range ca {
		if ca[i] != cb[i] {
			if diffs < 3 {
				t.Errorf("claim differs after the round trip:\n before %s\n after  %s", ca[i], cb[i])
			}
			diffs++
		}
	}
	if diffs > 0 {
		t.Errorf("%d of %d claims differ", diffs, len(ca))
	}
}

func exportTo(t *testing.T, m *monitor.Monitor, name string, write func(*bytes.Buffer) (int, error)) (string, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := write(&buf)
	if err != nil {
		t.Fatalf("export %s: %v", name, err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, n
}

func TestRoundTripACLED(t *testing.T) {
	ctx := context.Background()
	arm := data(t, "boundaries", "cgaz_ARM.geojson")
	aze := data(t, "boundaries", "cgaz_AZE2.geojson")
	for _, file := range []string{"acledR_acled_old_dummy_ARG_2022-06.csv", "acledR_acled_old_deletion_dummy_global_2022H1.csv"} {
		t.Run(file, func(t *testing.T) {
			a := newMonitor(t)
			importFile(t, a, GeoJSON, arm)
			importFile(t, a, GeoJSON, aze)
			importFile(t, a, ACLED, data(t, "acled", file))
			before := allClaims(t, a)
			path, n := exportTo(t, a, "events.csv", func(b *bytes.Buffer) (int, error) { return WriteACLED(ctx, b, a, ExportOptions{}) })
			if n != len(before) {
				t.Fatalf("exported %d rows, want %d", n, len(before))
			}
			raw, _ := os.ReadFile(path)
			if file != "acledR_acled_old_dummy_ARG_2022-06.csv" {
				if got := bytes.Count(raw, []byte(",Demostrations,")); got != 4978 {
					t.Errorf("export has %d Demostrations rows, want ACLED's 4978 as spelt", got)
				}
			}
			b := newMonitor(t)
			importFile(t, b, GeoJSON, arm)
			importFile(t, b, GeoJSON, aze)
			importFile(t, b, "", path)
			sameClaims(t, before, allClaims(t, b))
			if len(a.Actors()) != len(b.Actors()) {
				t.Errorf("%d actors before, %d after", len(a.Actors()), len(b.Actors()))
			}
		})
	}
}

func TestRoundTripHXL(t *testing.T) {
	ctx := context.Background()
	for _, file := range []string{"idmc_displacement_data_hxl.csv", "hdx-scraper-ucdp_conflict_data_BGD.csv"} {
		t.Run(file, func(t *testing.T) {
			a := newMonitor(t)
			importFile(t, a, HXL, data(t, "hxl", file))
			before := allClaims(t, a)
			path, n := exportTo(t, a, "figures.csv", func(b *bytes.Buffer) (int, error) { return WriteHXL(ctx, b, a, ExportOptions{}) })
			if n != len(before) {
				t.Fatalf("exported %d figures, want %d", n, len(before))
			}
			b := newMonitor(t)
			importFile(t, b, "", path)
			sameClaims(t, before, allClaims(t, b))
			if len(a.Places()) != len(b.Places()) {
				t.Errorf("%d places before, %d after", len(a.Places()), len(b.Places()))
			}
		})
	}
}

func TestRoundTripGeoJSONPlaces(t *testing.T) {
	ctx := context.Background()
	a := newMonitor(t)
	importFile(t, a, GeoJSON, data(t, "boundaries", "geoBoundaries-ARM-ADM1_simplified.geojson"))
	day := ledger.MustDate("2020-11-10").First()
	path, n := exportTo(t, a, "places.geojson", func(b *bytes.Buffer) (int, error) {
		return WriteGeoJSON(ctx, b, a, ExportOptions{At: &day})
	})
	if n != 11 {
		t.Fatalf("%d features, want 11", n)
	}
	b := newMonitor(t)
	importFile(t, b, "", path)
	pa, pb := a.Places(), b.Places()
	for i := range pa {
		ja, _ := json.Marshal(pa[i])
		jb, _ := json.Marshal(pb[i])
		if !bytes.Equal(ja, jb) {
			t.Errorf("place differs after the round trip:\n before %.300s\n after  %.300s", ja, jb)
		}
	}
}

// karabakhLike is a small ledger with a control change and an event.
func karabakhLike(t *testing.T) *monitor.Monitor {
	m := newMonitor(t)
	importFile(t, m, GeoJSON, data(t, "boundaries", "cgaz_AZE2.geojson"))
	ctx := context.Background()
	src := store.SourceText{Source: ledger.Source{ID: "statement-1", Kind: "statement", Title: "Statement", Reliability: "B"},
		Text: "Azerbaijani forces entered Lachin District on 1 December 2020."}
	d := ledger.MustDate("2020-12-01")
	err := m.Write(ctx, store.Batch{
		Actors:  []ledger.Actor{{ID: "azerbaijan", Kind: "state", Label: "Azerbaijan", Names: []ledger.Name{{Name: "Azerbaijan"}}}},
		Sources: []store.SourceText{src},
		Claims: []*ledger.Claim{{Kind: ledger.KindControl, Valid: ledger.Interval{From: d},
			Attributions: []ledger.Attribution{{Source: "statement-1", Start: 0, End: len(src.Text)}},
			RecordedBy:   "test", Status: ledger.Accepted, Credibility: 2,
			Control: &ledger.Control{Place: "lachin-district", Actor: "azerbaijan", Mode: "handover"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Held since before the record begins: a state, not a change.
	before := ledger.MustDate("<2020-09-27")
	if err := m.Write(ctx, store.Batch{
		Actors: []ledger.Actor{{ID: "armenia", Kind: "state", Label: "Armenia", Names: []ledger.Name{{Name: "Armenia"}}}},
		Claims: []*ledger.Claim{{Kind: ledger.KindControl, Valid: ledger.Interval{From: before, To: ledger.MustDate("2020-11-30")},
			Attributions: []ledger.Attribution{{Source: "statement-1", Start: 0, End: 10}}, RecordedBy: "test", Status: ledger.Accepted, Credibility: 3,
			Control: &ledger.Control{Place: "lachin-district", Actor: "armenia", Mode: "capture"}}}}); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestExportControlAsACLED(t *testing.T) {
	m := karabakhLike(t)
	var buf bytes.Buffer
	if _, err := WriteACLED(context.Background(), &buf, m, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	got := map[string]string{}
	for i, c := range rows[0] {
		got[c] = rows[1][i]
	}
	if got["event_type"] != "Strategic developments" || got["sub_event_type"] != "Non-violent transfer of territory" ||
		got["actor1"] != "Azerbaijan" || got["inter1"] != "State forces" || got["location"] != "Lachin District" ||
		got["event_date"] != "2020-12-01" || got["time_precision"] != "1" || got["truce_status"] != "accepted" || got["latitude"] == "" {
		t.Errorf("control row = %v", got)
	}
}

func TestGeoPackageOpensInOGR(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		shared.Require(t, "GDAL's ogrinfo (apt-get install gdal-bin)")
	}
	m := karabakhLike(t)
	importFile(t, m, ACLED, data(t, "acled", "acledR_acled_old_deletion_dummy_global_2022H1.csv"))
	ctx := context.Background()
	day := ledger.MustDate("2021-01-01").First()
	tests := []struct {
		name string
		opt  ExportOptions
		want []string
	}{
		{"state.gpkg", ExportOptions{At: &day}, []string{"Layer name: places", "Feature Count: 78", "Geometry: Unknown (any)"}},
		{"claims.gpkg", ExportOptions{}, []string{"Layer name: places", "Layer name: claims", "Feature Count: 9002", "claim_id: String"}},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), tt.name)
		if _, err := WriteGeoPackage(ctx, path, m, tt.opt); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", path).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo %s: %v\n%s", tt.name, err, out)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("ogrinfo %s: no %q in\n%s", tt.name, w, out)
			}
		}
		if strings.Contains(string(out), "ERROR") || strings.Contains(string(out), "Warning") {
			t.Errorf("ogrinfo %s complains:\n%s", tt.name, out)
		}
	}
	// The controller at the date is in the layer: Lachin District, Azerbaijan.
	path := filepath.Join(t.TempDir(), "lachin.gpkg")
	WriteGeoPackage(ctx, path, m, ExportOptions{At: &day})
	out, err := exec.Command(ogrinfo, "-ro", "-al", "-q", "-where", "place_id = 'lachin-district'", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "controller (String) = azerbaijan") || !strings.Contains(string(out), "POLYGON") {
		t.Errorf("ogrinfo lachin: %v\n%.600s", err, out)
	}
}

func TestGeoJSONExport(t *testing.T) {
	ctx := context.Background()
	m := karabakhLike(t)
	importFile(t, m, UCDP, data(t, "ucdp", "uncertainUCDP_ucdpged_sample_GED23.csv"))
	type fc struct {
		Type     string `json:"type"`
		Features []struct {
			ID       string `json:"id"`
			Geometry *struct {
				Type string `json:"type"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	decode := func(opt ExportOptions) fc {
		var buf bytes.Buffer
		if _, err := WriteGeoJSON(ctx, &buf, m, opt); err != nil {
			t.Fatal(err)
		}
		var x fc
		if err := json.Unmarshal(buf.Bytes(), &x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	// Every claim, placed by its point or its place.
	all := decode(ExportOptions{})
	if all.Type != "FeatureCollection" || len(all.Features) != 1002 {
		t.Fatalf("%s with %d features, want 1002 claims", all.Type, len(all.Features))
	}
	kinds := map[string]int{}
	for _, f := range all.Features {
		if f.Geometry != nil {
			kinds[f.Properties["kind"].(string)+" "+f.Geometry.Type]++
		}
	}
	if kinds["event Point"] != 1000 || kinds["control Polygon"] != 2 {
		t.Errorf("geometries %v: want 1000 event points and the control claims' district polygon", kinds)
	}
	// The state at a date: Lachin District under Azerbaijan from 1 December 2020, Armenia before.
	for _, tt := range []struct{ at, want string }{{"2020-11-30", "armenia"}, {"2020-12-01", "azerbaijan"}} {
		day := ledger.MustDate(tt.at).First()
		st := decode(ExportOptions{At: &day})
		for _, f := range st.Features {
			if f.ID == "lachin-district" {
				got, _ := f.Properties["controller"].(string)
				if got != tt.want {
					t.Errorf("Lachin District at %s: controller %q, want %q", tt.at, got, tt.want)
				}
			}
		}
	}
}

func TestExportLeavesOutRestricted(t *testing.T) {
	ctx := context.Background()
	m := karabakhLike(t)
	src := store.SourceText{Source: ledger.Source{ID: "field-1", Kind: "field_report", Title: "Field report", Reliability: "C", Restricted: true},
		Text: "Shelling near Lachin on 5 December 2020."}
	d := ledger.MustDate("2020-12-05")
	ev := func(id string, restricted bool, source string) *ledger.Claim {
		return &ledger.Claim{Kind: ledger.KindEvent, Valid: ledger.Interval{From: d, To: d}, Restricted: restricted,
			Attributions: []ledger.Attribution{{Source: source, Start: 0, End: 8}}, RecordedBy: "test",
			Status: ledger.Accepted, Credibility: 3,
			Event: &ledger.Event{Type: "Explosions/Remote violence", ExternalID: id, Place: "lachin-district"}}
	}
	if err := m.Write(ctx, store.Batch{Sources: []store.SourceText{src}, Claims: []*ledger.Claim{
		ev("open", false, "statement-1"), ev("restricted-claim", true, "statement-1"), ev("restricted-source", false, "field-1"),
	}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		opt  ExportOptions
		want []string
	}{
		{ExportOptions{}, []string{"open"}},
		{ExportOptions{Restricted: true}, []string{"open", "restricted-claim", "restricted-source"}},
	} {
		var buf bytes.Buffer
		if _, err := WriteACLED(ctx, &buf, m, tt.opt); err != nil {
			t.Fatal(err)
		}
		rows, _ := csv.NewReader(&buf).ReadAll()
		var got []string
		for _, r := range rows[1:] {
			if r[5] == "Explosions/Remote violence" {
				got = append(got, r[0])
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("restricted %v: exported %v, want %v", tt.opt.Restricted, got, tt.want)
		}
	}
}
