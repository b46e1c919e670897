package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"truce/ledger"
	"truce/store"
	"truce/store/postgres/pgtest"
	"truce/store/sqlite"
	"truce/store/storetest"
)

// seedLedger writes a ledger with something of everything: two versions
// of a place, claims of several kinds, a correction, reviews, mentions and
// a token.
func seedLedger(t *testing.T, st store.Store) {
	ctx := context.Background()
	b := storetest.Fixture()
	b.Places[1].Geometry = []byte(`{"type":"Polygon","coordinates":[[[45.9,39.9],[46.6,39.9],[46.6,40.3],[45.9,39.9]]]}`)
	b.Mentions = []store.Mention{{Source: "wire", Name: "Shusha", Start: 3, End: 9, Kind: "place"}, {Source: "deal", Name: "Lachin", Start: 0, End: 6, Kind: "place"}}
	if err := st.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	p := b.Places[0]
	p.Names = append(p.Names, ledger.Name{Name: "Агдам", Lang: "ru"})
	at := time.Date(2020, 12, 1, 10, 0, 0, 123456000, time.UTC)
	var cs []*ledger.Claim
	for i := range 7000 { // more than one copy chunk
		c := &ledger.Claim{ID: fmt.Sprintf("c%05d", i), Kind: ledger.KindControl,
			Valid:        ledger.Interval{From: ledger.MustDate("2020-11")},
			Attributions: []ledger.Attribution{{Source: "wire", Start: 0, End: 47, Quote: "Armenia handed Aghdam to Azerbaijan on Nov. 20."}},
			RecordedAt:   at.Add(time.Duration(i) * time.Second), RecordedBy: "t", Status: ledger.Candidate, Credibility: 2,
			Control: &ledger.Control{Place: "aghdam", Actor: "aze", Mode: "handover"}}
		if i%3 == 1 {
			c.Kind, c.Control = ledger.KindEvent, nil
			c.Event = &ledger.Event{Type: "Battles", Actors: []string{"aze", "arm"}, Place: "hadrut", Point: &ledger.Point{Lon: 46.123456789, Lat: 39.5},
				Fatalities: &ledger.Range{Best: new(1.5)}, Notes: "üñí \"quoted\" \\ \u2028"}
		}
		if i > 0 && i%1000 == 0 {
			c.Supersedes = cs[i-1].ID
		}
		cs = append(cs, c)
	}
	var rs []ledger.Review
	for i := 0; i < len(cs); i += 2 {
		rs = append(rs, ledger.Review{Claim: cs[i].ID, Status: ledger.Accepted, By: "ed", At: at.Add(time.Hour + time.Duration(i)*time.Microsecond), Note: "ok"})
	}
	if err := st.Write(ctx, store.Batch{Places: []ledger.Place{p}, Claims: cs, Reviews: rs}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutToken(ctx, store.Token{Hash: "h1", Name: "analyst", Role: "editor", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
}

func claimsJSON(t *testing.T, st store.Store) []string {
	var out []string
	err := st.Scan(context.Background(), 0, func(_ int64, c *ledger.Claim) error {
		j, err := json.Marshal(c)
		out = append(out, string(j))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCopyRoundTrip copies SQLite -> PostgreSQL -> SQLite and compares the
// ends claim by claim, and every summary line.
func TestCopyRoundTrip(t *testing.T) {
	pg := pgtest.Schema(t)
	ctx := context.Background()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	src, err := sqlite.Open(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	seedLedger(t, src)
	want := claimsJSON(t, src)
	wantSum, err := summarize(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	src.Close()

	code, out, errs := runCmd(t, "copy", "--from", a, "--to", pg)
	if code != 0 || !strings.Contains(out, "copy verified") {
		t.Fatalf("sqlite -> postgres: code %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "claims") || !strings.Contains(out, "7000") {
		t.Fatalf("summary does not show the claims:\n%s", out)
	}
	// Into a non-empty target: refused, and nothing added.
	if code, _, errs := runCmd(t, "copy", "--from", a, "--to", pg); code != 3 || !strings.Contains(errs, "not empty") {
		t.Fatalf("copy into a non-empty ledger: code %d %s", code, errs)
	}
	code, out, errs = runCmd(t, "copy", "--from", pg, "--to", b)
	if code != 0 || !strings.Contains(out, "copy verified") {
		t.Fatalf("postgres -> sqlite: code %d\n%s%s", code, out, errs)
	}
	back, err := sqlite.Open(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	got := claimsJSON(t, back)
	if len(got) != len(want) {
		t.Fatalf("%d claims back, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("claim %d changed:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
	gotSum, err := summarize(ctx, back)
	if err != nil {
		t.Fatal(err)
	}
	for i := range wantSum {
		if gotSum[i] != wantSum[i] {
			t.Errorf("%s: %+v, want %+v", wantSum[i].name, gotSum[i], wantSum[i])
		}
	}
	h, _ := back.History(ctx)
	if len(h.Places) != 5 {
		t.Errorf("place versions back: %d, want 5", len(h.Places))
	}
	if p, _ := back.Places(ctx); len(p[0].Names) != 4 {
		t.Errorf("latest aghdam: %+v", p[0])
	}
}
