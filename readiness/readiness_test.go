package readiness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"truce/internal/testledger"

	"truce/ledger"
	"truce/monitor"
	"truce/readiness"
	"truce/store"
)

const reportText = "Synthetic district field report: survey, clearance, services and returns."

func fp(v float64) *float64 { return &v }

// open is a monitor over a fresh SQLite ledger holding the reference data
// of a synthetic district and two neighbours.
func open(t *testing.T) *monitor.Monitor {
	t.Helper()
	ctx := context.Background()
	m := testledger.Open(t)
	ref := store.Batch{
		Places: []ledger.Place{
			{ID: "north", Kind: "district", Label: "North", Names: []ledger.Name{{Name: "North"}}},
			{ID: "south", Kind: "district", Label: "South", Names: []ledger.Name{{Name: "South"}}},
			{ID: "east", Kind: "district", Label: "East", Names: []ledger.Name{{Name: "East"}}},
		},
		Actors:  []ledger.Actor{{ID: "gov", Kind: "state", Label: "Government", Names: []ledger.Name{{Name: "Government"}}}},
		Sources: []store.SourceText{{Source: ledger.Source{ID: "report", Kind: "field_report", Title: "Field report", Published: ledger.MustDate("2021-01-01"), Reliability: "B"}, Text: reportText}},
	}
	if err := m.Write(ctx, ref); err != nil {
		t.Fatal(err)
	}
	return m
}

func claim(id, from string, fill func(c *ledger.Claim)) *ledger.Claim {
	c := &ledger.Claim{ID: id, Valid: ledger.Interval{From: ledger.MustDate(from)},
		Attributions: []ledger.Attribution{{Source: "report", Start: 0, End: 9}},
		RecordedBy:   "test", Status: ledger.Accepted, Credibility: 2, AssertedBy: "gov"}
	fill(c)
	return c
}

func hazard(id, place, area, status string, m2 float64, from string) *ledger.Claim {
	return claim(id, from, func(c *ledger.Claim) {
		c.Kind, c.Hazard = ledger.KindHazard, &ledger.Hazard{Place: place, Area: area, Status: status, AreaM2: m2, Devices: 3}
	})
}

func release(id, place, area, method string, m2 float64, from string) *ledger.Claim {
	return claim(id, from, func(c *ledger.Claim) {
		c.Kind, c.Release = ledger.KindRelease, &ledger.Release{Place: place, Area: area, Method: method, AreaM2: m2, Devices: 2}
	})
}

func service(id, place, sector, status, from string) *ledger.Claim {
	return claim(id, from, func(c *ledger.Claim) {
		c.Kind, c.Service = ledger.KindService, &ledger.Service{Place: place, Sector: sector, Status: status}
	})
}

func figure(id, place, metric, round string, origin bool, low, best, high *float64, from string) *ledger.Claim {
	return claim(id, from, func(c *ledger.Claim) {
		c.Kind, c.Figure = ledger.KindFigure, &ledger.Figure{Metric: metric, Place: place, Round: round, Origin: origin,
			Low: low, Best: best, High: high, Qualifier: "about"}
	})
}

// write records a batch as of a recorded date.
func write(t *testing.T, m *monitor.Monitor, recorded string, cs ...*ledger.Claim) {
	t.Helper()
	at, _ := time.Parse("2006-01-02", recorded)
	m.Now = func() time.Time { return at.Add(12 * time.Hour) }
	if err := m.Write(context.Background(), store.Batch{Claims: cs}); err != nil {
		t.Fatal(err)
	}
}

// district writes the synthetic district's story in three recorded steps.
func district(t *testing.T, m *monitor.Monitor) {
	write(t, m, "2021-01-05",
		hazard("h1", "north", "A1", "confirmed", 10000, "2021-01-01"),
		hazard("h2", "north", "A2", "suspected", 5000, "2021-01-01"),
		service("s1", "north", "housing", "destroyed", "2021-01-01"),
		service("s2", "north", "water", "damaged", "2021-01-01"),
		service("s3", "north", "power", "destroyed", "2021-01-01"),
		figure("d1", "north", "displaced", "R1", true, fp(11000), fp(12000), fp(13000), "2021-01-15"),
		figure("d-south", "south", "displaced", "R1", true, nil, fp(8000), nil, "2021-01-15"),
		figure("r-south", "south", "returned", "R1", false, nil, fp(500), nil, "2021-01-15"),
	)
	write(t, m, "2021-04-05",
		release("l1", "north", "A2", "cancelled", 5000, "2021-03-10"),
		release("l2", "north", "A1", "reduced", 4000, "2021-04-01"),
		service("s4", "north", "water", "functional", "2021-04-01"),
		service("s5", "north", "power", "functional", "2021-04-01"),
		service("s6", "north", "housing", "under_repair", "2021-04-01"),
		figure("d2", "north", "displaced", "R2", true, nil, fp(12000), nil, "2021-04-15"),
		figure("r2", "north", "returned", "R2", false, fp(1500), fp(2000), fp(2500), "2021-04-15"),
	)
	write(t, m, "2021-07-05",
		release("l3", "north", "A1", "cleared", 6000, "2021-06-30"),
		service("s7", "north", "housing", "functional", "2021-07-01"),
		figure("r3", "north", "returned", "R3", false, nil, fp(5000), nil, "2021-07-15"),
	)
}

func ruleIDs(rs []readiness.Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Rule)
	}
	return out
}

func day(s string) ledger.Day {
	d, err := ledger.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func knownAt(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return (day(s) + 1).Time().Add(-time.Microsecond)
}

func TestSyntheticDistrict(t *testing.T) {
	m := open(t)
	district(t, m)
	ctx := context.Background()
	for _, tc := range []struct {
		at, known string
		status    string
		rules     []string
		facts     map[string]any
		text      string // a substring of the first reason
	}{
		{"2020-12-31", "", readiness.Unknown, []string{"no-evidence"}, nil, "no claim"},
		{"2021-02-01", "", readiness.NotReady, []string{"confirmed-hazard", "suspected-hazard", "housing-destroyed", "no-water-or-power"},
			map[string]any{"hazard.confirmed_remaining_m2": 10000.0, "hazard.suspected_remaining_m2": 5000.0, "hazard.declared_m2": 15000.0,
				"service.power": "destroyed", "displaced.best": 12000.0}, "10000 m2 of 10000 m2 remain"},
		{"2021-03-15", "", readiness.NotReady, []string{"confirmed-hazard", "housing-destroyed", "no-water-or-power"},
			map[string]any{"hazard.cancelled_m2": 5000.0, "hazard.suspected_remaining_m2": 0.0, "hazard.remaining_m2": 10000.0}, ""},
		{"2021-04-20", "", readiness.NotReady, []string{"confirmed-hazard"},
			map[string]any{"hazard.reduced_m2": 4000.0, "hazard.confirmed_remaining_m2": 6000.0, "returned.best": 2000.0,
				"returned.low": 1500.0, "returned.share": 2000.0 / 12000, "service.housing": "under_repair"}, "6000 m2 of 10000 m2 remain"},
		{"2021-06-30", "", readiness.PartlyReady, []string{"utilities-up-housing-in-repair", "released-services-pending"},
			map[string]any{"hazard.remaining_m2": 0.0, "hazard.released_m2": 15000.0, "hazard.open_areas": 0.0}, "housing under repair"},
		{"2021-07-20", "", readiness.Ready, []string{"released-and-functional"},
			map[string]any{"hazard.cleared_m2": 6000.0, "hazard.devices_destroyed": 6.0, "hazard.devices_found": 6.0, "returned.best": 5000.0},
			"all 2 hazardous areas released (15000 m2: 6000 cleared, 4000 reduced, 5000 cancelled)"},
		// The same date as the record stood before the clearance was reported.
		{"2021-07-20", "2021-05-01", readiness.NotReady, []string{"confirmed-hazard"},
			map[string]any{"hazard.confirmed_remaining_m2": 6000.0, "returned.best": 2000.0}, ""},
		// ... and before anything was recorded.
		{"2021-07-20", "2021-01-01", readiness.Unknown, []string{"no-evidence"}, nil, ""},
	} {
		name := tc.at + "/" + tc.known
		q := readiness.Query{Day: day(tc.at), KnownAt: knownAt(tc.known), Place: "north"}
		r, err := readiness.Place(ctx, m, m.Index, q)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != tc.status || !reflect.DeepEqual(ruleIDs(r.Reasons), tc.rules) {
			t.Errorf("%s: %s %v, want %s %v", name, r.Status, ruleIDs(r.Reasons), tc.status, tc.rules)
		}
		for k, want := range tc.facts {
			if got := r.Values()[k]; got != want {
				t.Errorf("%s: fact %s = %v, want %v", name, k, got, want)
			}
		}
		if tc.text != "" && !strings.Contains(r.Reasons[0].Text, tc.text) {
			t.Errorf("%s: reason %q, want it to say %q", name, r.Reasons[0].Text, tc.text)
		}
		for _, rs := range r.Reasons {
			if rs.Rule != "no-evidence" && len(rs.Claims) == 0 {
				t.Errorf("%s: reason %s names no claims", name, rs.Rule)
			}
		}
		// The book (memory) and the store path agree on every place.
		b, err := readiness.Of(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		all := b.Compute(m, m.Index, readiness.Query{Day: q.Day, KnownAt: q.KnownAt})
		for _, br := range all {
			sr, err := readiness.Place(ctx, m, m.Index, readiness.Query{Day: q.Day, KnownAt: q.KnownAt, Place: br.Facts.Place})
			if err != nil {
				t.Fatal(err)
			}
			if br.Status != sr.Status || !reflect.DeepEqual(br.Values(), sr.Values()) || !reflect.DeepEqual(reasonsJSON(br.Reasons), reasonsJSON(sr.Reasons)) {
				t.Errorf("%s: %s from memory %s %v, from the store %s %v", name, br.Facts.Place, br.Status, br.Values(), sr.Status, sr.Values())
			}
		}
	}
}

func TestReasonsNameTheClaims(t *testing.T) {
	m := open(t)
	district(t, m)
	r, err := readiness.Place(context.Background(), m, m.Index, readiness.Query{Day: day("2021-04-20"), Place: "north"})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Reasons[0].Claims
	for _, want := range []string{"h1", "l2"} {
		if !contains(got, want) {
			t.Errorf("confirmed-hazard reason names %v, want %s among them", got, want)
		}
	}
	if contains(got, "s6") {
		t.Errorf("confirmed-hazard reason names a service claim: %v", got)
	}
	if len(r.Areas) != 2 || r.Areas[0].ID != "A1" || r.Areas[0].RemainingM2 != 6000 {
		t.Errorf("areas: %+v", r.Areas)
	}
	if len(r.Rounds) != 2 || r.Rounds[1].Round != "R2" || r.Rounds[1].Returned == nil || *r.Rounds[1].Returned.Best != 2000 {
		t.Errorf("rounds: %+v", r.Rounds)
	}
}

// Places with figures alone, or nothing at all, are unknown, never ready.
func TestUnknownWithoutEvidence(t *testing.T) {
	m := open(t)
	district(t, m)
	b, err := readiness.Of(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range b.Compute(m, m.Index, readiness.Query{Day: day("2021-08-01")}) {
		got[r.Facts.Place] = r.Status + "/" + r.Reasons[0].Rule
	}
	want := map[string]string{"north": "ready/released-and-functional", "south": "unknown/no-rule", "east": "unknown/no-evidence"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestReviewsAndCorrectionsCount(t *testing.T) {
	m := open(t)
	district(t, m)
	ctx := context.Background()
	// The clearance report is rejected: the area is open again.
	m.Now = func() time.Time { return time.Date(2021, 8, 1, 0, 0, 0, 0, time.UTC) }
	if err := m.Write(ctx, store.Batch{Reviews: []ledger.Review{{Claim: "l3", Status: ledger.Rejected, By: "editor"}}}); err != nil {
		t.Fatal(err)
	}
	r, _ := readiness.Place(ctx, m, m.Index, readiness.Query{Day: day("2021-08-10"), Place: "north"})
	if r.Status != readiness.NotReady || r.Values()["hazard.confirmed_remaining_m2"] != 6000.0 {
		t.Errorf("after rejecting l3: %s %v", r.Status, r.Values())
	}
	// A corrected declaration supersedes the first.
	c := hazard("h1b", "north", "A1", "confirmed", 12000, "2021-01-01")
	c.Supersedes = "h1"
	write(t, m, "2021-08-02", c)
	b, _ := readiness.Of(ctx, m)
	for _, r := range b.Compute(m, m.Index, readiness.Query{Day: day("2021-08-10"), Place: "north"}) {
		if r.Values()["hazard.confirmed_m2"] != 12000.0 || r.Values()["hazard.confirmed_remaining_m2"] != 8000.0 {
			t.Errorf("after correcting h1: %v", r.Values())
		}
	}
}

func TestBadInput(t *testing.T) {
	m := open(t)
	district(t, m)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		claim *ledger.Claim
		want  string
	}{
		{"negative hazard area", hazard("x1", "north", "A9", "confirmed", -5, "2021-01-01"), "area_m2 -5: want a finite number >= 0"},
		{"negative release", release("x2", "north", "A1", "cleared", -1, "2021-08-01"), "area_m2 -1: want a finite number > 0"},
		{"unknown method", release("x3", "north", "A1", "bulldozed", 10, "2021-08-01"), `method "bulldozed"`},
		{"released more than declared", release("x4", "north", "A2", "cleared", 1, "2021-08-01"),
			"hazard area A2: invalid: 5001 m2 released (l1 cancelled 5000, x4 cleared 1) is more than the 5000 m2 declared by claim h2"},
		{"unknown sector status", service("x5", "north", "water", "leaking", "2021-08-01"), `service status "leaking"`},
	} {
		m.Now = func() time.Time { return time.Date(2021, 8, 2, 0, 0, 0, 0, time.UTC) }
		err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{tc.claim}})
		if err == nil || !store.IsInvalid(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an invalid-input error saying %q", tc.name, err, tc.want)
		}
		if m.Index.Has(tc.claim.ID) {
			t.Errorf("%s: the refused claim was written", tc.name)
		}
	}
	// Over-release within one batch, and a declaration shrunk below what was released.
	err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{
		hazard("x6", "north", "A7", "suspected", 100, "2021-08-01"),
		release("x7", "north", "A7", "cancelled", 60, "2021-08-02"),
		release("x8", "north", "A7", "cancelled", 60, "2021-08-03"),
	}})
	if err == nil || !strings.Contains(err.Error(), "120 m2 released") {
		t.Errorf("over-release within a batch: %v", err)
	}
	shrink := hazard("x9", "north", "A1", "confirmed", 9000, "2021-08-01")
	if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{shrink}}); err == nil || !strings.Contains(err.Error(), "more than the 9000 m2 declared by claim x9") {
		t.Errorf("declaration below what was released: %v", err)
	}
	// A rejected release no longer counts: the same amount can then be recorded.
	m.Write(ctx, store.Batch{Reviews: []ledger.Review{{Claim: "l1", Status: ledger.Rejected, By: "editor"}}})
	if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{release("x10", "north", "A2", "reduced", 5000, "2021-08-01")}}); err != nil {
		t.Errorf("release after the earlier one was rejected: %v", err)
	}

	// Returns above the displaced count of the same round are flagged, not refused.
	write(t, m, "2021-09-01",
		figure("d9", "south", "displaced", "R9", true, nil, fp(1000), fp(1200), "2021-09-01"),
		figure("r9", "south", "returned", "R9", false, fp(1500), nil, nil, "2021-09-01"))
	r, _ := readiness.Place(ctx, m, m.Index, readiness.Query{Day: day("2021-09-02"), Place: "south"})
	if len(r.Warnings) != 1 || r.Warnings[0].Code != "returns_exceed_displaced" ||
		!strings.Contains(r.Warnings[0].Message, "1500 returned is more than the 1200 displaced") || r.Values()["warnings"] != 1.0 {
		t.Errorf("warnings: %+v", r.Warnings)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// The Karabakh 2020 case holds displacement and return figures and Baku's
// statement that demining and rebuilding come first, but no survey or
// service evidence: every place comes out unknown, none ready.
func TestKarabakhIsUnknown(t *testing.T) {
	ctx := context.Background()
	m := testledger.Karabakh(t)
	b, err := readiness.Of(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	rs := b.Compute(m, m.Index, readiness.Query{Day: day("2021-06-01")})
	if len(rs) < 7 {
		t.Fatalf("only %d places", len(rs))
	}
	withFigures := 0
	for _, r := range rs {
		if r.Status != readiness.Unknown {
			t.Errorf("%s: %s %v, want unknown", r.Label, r.Status, r.Reasons)
		}
		if r.Returned != nil || r.Displaced != nil {
			withFigures++
			if r.Reasons[0].Rule != "no-rule" {
				t.Errorf("%s has figures but says %s", r.Label, r.Reasons[0].Rule)
			}
		}
	}
	if withFigures == 0 {
		t.Error("no place carries the displaced and returned figures")
	}
}

// Every fact in the JSON names the claims behind it.
func TestJSONNamesClaimsPerFact(t *testing.T) {
	m := open(t)
	district(t, m)
	r, err := readiness.Place(context.Background(), m, m.Index, readiness.Query{Day: day("2021-04-20"), Place: "north"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Status     string
		Facts      map[string]any
		FactClaims map[string][]string `json:"fact_claims"`
		Reasons    []struct {
			Rule   string
			Facts  map[string]any
			Claims []string
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for name := range got.Facts {
		if len(got.FactClaims[name]) == 0 {
			t.Errorf("fact %s names no claims", name)
		}
	}
	if !reflect.DeepEqual(got.FactClaims["service.water"], []string{"s4"}) || !reflect.DeepEqual(got.FactClaims["returned.share"], []string{"d2", "r2"}) ||
		!reflect.DeepEqual(got.FactClaims["hazard.suspected_m2"], []string{"h2", "l1"}) {
		t.Errorf("fact claims: %v", got.FactClaims)
	}
	if got.Status != "not_ready" || got.Reasons[0].Facts["hazard.confirmed_remaining_m2"] != 6000.0 {
		t.Errorf("JSON: %s", b)
	}
}

// The district's readiness over time, and as the record stood in May.
func TestHistory(t *testing.T) {
	m := open(t)
	district(t, m)
	ctx := context.Background()
	for _, tc := range []struct {
		known string
		want  []string
	}{
		// Returns reported on 15 January, April and July change no reason.
		{"", []string{"2021-01-01 not_ready", "2021-03-10 not_ready", "2021-04-01 not_ready", "2021-06-30 partly_ready", "2021-07-01 ready"}},
		{"2021-05-01", []string{"2021-01-01 not_ready", "2021-03-10 not_ready", "2021-04-01 not_ready"}},
	} {
		h, err := readiness.History(ctx, m, m.Index, readiness.Query{Place: "north", KnownAt: knownAt(tc.known)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range h {
			got = append(got, c.Date+" "+c.Status)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("known at %q:\n got %v\nwant %v", tc.known, got, tc.want)
		}
	}
}

// Answers while claims are being written (run with -race).
func TestConcurrentWritesAndAnswers(t *testing.T) {
	m := open(t)
	ctx := context.Background()
	done := make(chan error)
	go func() {
		for i := range 20 {
			c := hazard(fmt.Sprintf("cw%d", i), "north", fmt.Sprintf("CW%d", i), "confirmed", 10, "2021-01-01")
			if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{c}}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range 20 {
		b, err := readiness.Of(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range b.Compute(m, m.Index, readiness.Query{Day: day("2021-02-01")}) {
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	b, _ := readiness.Of(ctx, m)
	rs := b.Compute(m, m.Index, readiness.Query{Day: day("2021-02-01"), Place: "north"})
	if rs[0].Values()["hazard.areas"] != 20.0 {
		t.Errorf("after the writes: %v", rs[0].Values())
	}
}

func reasonsJSON(rs []readiness.Reason) string {
	b, err := json.Marshal(rs)
	if err != nil {
		panic(err)
	}
	return string(b)
}
