package formats

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"truce/ledger"
	"truce/store"
)

func TestHXLMetrics(t *testing.T) {
	tests := []struct{ tag, metric, bound string }{
		{"#affected+idps", "idps", ""},
		{"#affected+idps+ind+stock+conflict", "idps+stock+conflict", ""},
		{"#affected +displaced", "displaced", ""},
		{"#affected+returnees+ind", "returned", ""},
		{"#affected+refugees", "refugees", ""},
		{"#affected+killed", "fatalities", ""},
		{"#affected+killed+min", "fatalities", "min"},
		{"#population+total", "population+total", ""},
		{"#indicator+num+peacekeepers", "peacekeepers", ""},
		{"#affected+infected", "", ""}, // not a figure truce reads
		{"#country+code", "", ""},
	}
	for _, tt := range tests {
		tg, _ := parseTag(tt.tag)
		m, b, ok := hxlMetric(tg)
		if m != tt.metric || b != tt.bound || ok != (tt.metric != "") {
			t.Errorf("%s: metric %q bound %q ok %v; want %q %q", tt.tag, m, b, ok, tt.metric, tt.bound)
		}
		if ok { // export writes a tag that reads back as the same metric
			back, _ := parseTag(metricTag(m, b))
			if m2, b2, _ := hxlMetric(back); m2 != m || b2 != b {
				t.Errorf("%s: metric %q exported as %s reads back as %q %q", tt.tag, m, metricTag(m, b), m2, b2)
			}
		}
	}
}

// TestHXLDatesAndRounds: date precision kept, #date+reported when nothing
// else, #round+code, ranges from +min/+max, new regions under new countries.
func TestHXLDatesAndRounds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dtm.csv")
	os.WriteFile(path, []byte("Country,ISO3,Province,Round,Reported,Returnees,IDPs min,IDPs max\n"+
		"#country+name,#country+code,#adm1+name,#round+code,#date+reported,#affected+returnees,#affected+idps+min,#affected+idps+max\n"+
		"Azerbaijan,AZE,Fuzuli,R1,2021-03,\"1,200\",40000,45000\n"+
		"Azerbaijan,AZE,Füzuli,R2,2021-09-30,2500,,\n"), 0o644)
	m := newMonitor(t)
	res := importFile(t, m, "", path)
	cs := allClaims(t, m)
	if len(cs) != 3 || len(res.Batch.Places) != 2 {
		t.Fatalf("%d figures, %d places; want 3 figures, a country and one region", len(cs), len(res.Batch.Places))
	}
	r1, idps, r2 := cs[0].Figure, cs[1].Figure, cs[2].Figure
	if r1.Metric != "returned" || *r1.Best != 1200 || r1.Round != "R1" || cs[0].Valid.From != ledger.MustDate("2021-03") {
		t.Errorf("first figure %+v valid %v", r1, cs[0].Valid)
	}
	if idps.Metric != "idps" || idps.Best != nil || *idps.Low != 40000 || *idps.High != 45000 {
		t.Errorf("range figure %+v", idps)
	}
	region, _ := m.Gazetteer().Place(r1.Place)
	if r2.Place != r1.Place || region.Kind != "region" || region.Parent != "azerbaijan" {
		t.Errorf("places %q and %q (%+v): want one region Fuzuli under Azerbaijan", r1.Place, r2.Place, region)
	}
}

// TestHXLOriginAndSpans: DTM-style returns by place of origin: places by
// id or name at #adm2, +origin marking IDPs displaced from the place (not
// returnees), people as the unit, and each claim's span and quote being
// its row, also after a byte-order mark.
func TestHXLOriginAndSpans(t *testing.T) {
	ctx := context.Background()
	m := newMonitor(t)
	if err := m.Write(ctx, store.Batch{Places: []ledger.Place{
		{ID: "north", Kind: "district", Label: "North", Names: []ledger.Name{{Name: "North"}, {Name: "Nord", Lang: "fr"}}},
		{ID: "south", Kind: "district", Label: "South", Names: []ledger.Name{{Name: "South"}}},
	}}); err != nil {
		t.Fatal(err)
	}
	dtm := "\ufeffDistrict of origin,Round,Date,IDPs from district,Returnees\n" +
		"#adm2+name+origin,#round+code,#date+reported,#affected+idps,#affected+returnees\n" +
		"north,R1,2021-01-15,\"12,000\",0\r\n" +
		"Nord,R2,2021-04-15,12000,2000\n"
	res, err := ReadBytes(ctx, m, "", "dtm.csv", []byte(dtm), Options{Status: ledger.Accepted, Published: ledger.MustDate("2021-05")})
	if err != nil {
		t.Fatal(err)
	}
	cs := res.Batch.Claims
	if res.Format != HXL || len(cs) != 4 || len(res.Batch.Places) != 0 || res.Batch.Sources[0].Published != ledger.MustDate("2021-05") {
		t.Fatalf("%s: %d claims, %d new places, source %+v; want hxl, 4 claims, no new place, published 2021-05",
			res.Format, len(cs), len(res.Batch.Places), res.Batch.Sources[0].Source)
	}
	for i, want := range []struct {
		metric, place, round string
		best                 float64
		origin               bool
		row                  string
	}{
		{"idps", "north", "R1", 12000, true, `north,R1,2021-01-15,"12,000",0`},
		{"returned", "north", "R1", 0, false, `north,R1,2021-01-15,"12,000",0`},
		{"idps", "north", "R2", 12000, true, "Nord,R2,2021-04-15,12000,2000"},
		{"returned", "north", "R2", 2000, false, "Nord,R2,2021-04-15,12000,2000"},
	} {
		c, f := cs[i], cs[i].Figure
		if f.Metric != want.metric || f.Place != want.place || f.Round != want.round || *f.Best != want.best ||
			f.Origin != want.origin || f.Unit != "people" || c.Status != ledger.Accepted {
			t.Errorf("claim %d: %s %+v; want %+v", i, c.Status, f, want)
		}
		a := c.Attributions[0]
		if got := dtm[a.Start:a.End]; got != want.row || a.Quote != want.row {
			t.Errorf("claim %d: span %q, quote %q; want the row %q", i, got, a.Quote, want.row)
		}
	}
	if err := m.Write(ctx, res.Batch); err != nil {
		t.Fatal(err)
	}
	// A byte-order mark right before the hashtag row is not part of the first tag.
	bom := "\ufeff#adm1+name,#date,#affected+returnees\nSouth,2021-02-01,40\n"
	res, err = ReadBytes(ctx, m, HXL, "bom.csv", []byte(bom), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Batch.Claims[0].Attributions[0]
	if got := bom[a.Start:a.End]; got != "South,2021-02-01,40" || a.Quote != got || res.Batch.Claims[0].Figure.Place != "south" {
		t.Errorf("span %q, quote %q, place %q", got, a.Quote, res.Batch.Claims[0].Figure.Place)
	}
	if err := m.Write(ctx, res.Batch); err != nil {
		t.Fatal(err)
	}
}
