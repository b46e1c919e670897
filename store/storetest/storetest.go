// Package storetest is the test suite every store.Store implementation must
// pass unchanged. It drives the store through monitor, as truce does, and
// checks the derived views on a small ledger written for the purpose.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// Opener gives a fresh, empty store for one test.
type Opener func(t *testing.T) store.Store

func f(v float64) *float64 { return &v }

// Fixture is the reference data every suite test starts with.
func Fixture() store.Batch {
	text := "Armenia handed Aghdam to Azerbaijan on Nov. 20. The deadline for Kalbajar was moved to Nov. 25. " +
		"More than 26,000 people have returned, Russia said."
	return store.Batch{
		Places: []ledger.Place{
			{ID: "aghdam", Kind: "district", Label: "Aghdam", Names: []ledger.Name{{Name: "Aghdam", Lang: "en"}, {Name: "Ağdam", Lang: "az"}, {Name: "Akna", Lang: "hy"}},
				Point: &ledger.Point{Lon: 46.927, Lat: 39.991}},
			{ID: "kalbajar", Kind: "district", Label: "Kalbajar", Names: []ledger.Name{{Name: "Kalbajar"}, {Name: "Kəlbəcər", Lang: "az"}, {Name: "Karvachar", Lang: "hy"}}},
			{ID: "hadrut", Kind: "settlement", Label: "Hadrut", Names: []ledger.Name{{Name: "Hadrut"}}},
			{ID: "corridor", Kind: "corridor", Label: "Lachin corridor", Names: []ledger.Name{{Name: "Lachin corridor"}, {Name: "Berdzor corridor", Lang: "hy"}}},
		},
		Actors: []ledger.Actor{
			{ID: "aze", Kind: "state", Label: "Azerbaijan", Names: []ledger.Name{{Name: "Azerbaijan"}, {Name: "Baku", Kind: "metonym"}}},
			{ID: "arm", Kind: "state", Label: "Armenia", Names: []ledger.Name{{Name: "Armenia"}}},
			{ID: "rus", Kind: "state", Label: "Russia", Names: []ledger.Name{{Name: "Russia"}}},
			{ID: "rpk", Kind: "peacekeeping force", Label: "Russian peacekeepers", Names: []ledger.Name{{Name: "Russian peacekeeping contingent"}}, Affiliation: "rus"},
		},
		Sources: []store.SourceText{
			{Source: ledger.Source{ID: "wire", Kind: "news", Title: "Wire", Published: ledger.MustDate("2020-12-01"), Reliability: "B"}, Text: text},
			{Source: ledger.Source{ID: "deal", Kind: "agreement", Title: "Statement", Published: ledger.MustDate("2020-11-09"), Reliability: "A"}, Text: "Provision 6: Kalbajar by 15 November."},
		},
		Agreements: []ledger.Agreement{{
			ID: "deal", Title: "Trilateral statement", Parties: []string{"aze", "arm", "rus"},
			Signed: ledger.MustDate("2020-11-09"), InForce: ledger.MustDate("2020-11-10"), Source: "deal",
			Provisions: []ledger.Provision{
				{ID: "deal/2", Number: "2", Category: "territorial transfer", Summary: "Aghdam returned", Obligated: []string{"arm"},
					Expected: ledger.Outcome{Kind: ledger.KindControl, Place: "aghdam", Actor: "aze"}},
				{ID: "deal/6", Number: "6", Category: "territorial transfer", Summary: "Kalbajar returned", Obligated: []string{"arm"},
					Expected: ledger.Outcome{Kind: ledger.KindControl, Place: "kalbajar", Actor: "aze"}},
				{ID: "deal/7", Number: "7", Category: "return of displaced persons", Summary: "Returns",
					Expected: ledger.Outcome{Kind: ledger.KindFigure, Metric: "returned"}},
				{ID: "deal/8", Number: "8", Category: "prisoner exchange", Summary: "Exchange", Expected: ledger.Outcome{Kind: "evidence"}},
			},
			Mandates: []ledger.Mandate{{ID: "pk", Provision: "deal/4", Actor: "rpk", Start: ledger.MustDate("2020-11-10"),
				TermYears: 5, RenewYears: 5, NoticeMonths: 6, Personnel: 1960}},
		}},
	}
}

func claim(id, kind, from, to string, fill func(c *ledger.Claim)) *ledger.Claim {
	c := &ledger.Claim{ID: id, Kind: kind, Valid: ledger.Interval{From: ledger.MustDate(from), To: ledger.MustDate(to)},
		Attributions: []ledger.Attribution{{Source: "wire", Start: 0, End: 10}},
		RecordedBy:   "test", Status: ledger.Accepted, Credibility: 2}
	fill(c)
	return c
}

func control(id, place, actor, from string) *ledger.Claim {
	return claim(id, ledger.KindControl, from, "", func(c *ledger.Claim) {
		c.Control = &ledger.Control{Place: place, Actor: actor, Mode: "handover"}
	})
}

func open(t *testing.T, o Opener, at time.Time) *monitor.Monitor {
	t.Helper()
	st := o(t)
	t.Cleanup(func() { st.Close() })
	m, err := monitor.Open(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	m.Now = func() time.Time { return at }
	if err := m.Write(context.Background(), Fixture()); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return m
}

var (
	t0 = time.Date(2020, 11, 1, 12, 0, 0, 0, time.UTC)
	t1 = time.Date(2020, 11, 22, 12, 0, 0, 0, time.UTC)
	t2 = time.Date(2020, 12, 5, 12, 0, 0, 0, time.UTC)
)

func day(s string) ledger.Day {
	d, err := ledger.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Run runs the whole suite against stores made by o.
func Run(t *testing.T, o Opener) {
	ctx := context.Background()
	t.Run("RoundTrip", func(t *testing.T) {
		m := open(t, o, t0)
		c := control("c1", "aghdam", "aze", "2020-11-20")
		c.AssertedBy = "rus"
		c.Attributions[0] = ledger.Attribution{Source: "wire", Start: 0, End: 47, Quote: "Armenia handed Aghdam to Azerbaijan on Nov. 20."}
		c.Note = "from the wire"
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{c}}); err != nil {
			t.Fatal(err)
		}
		// Read back through a fresh monitor: nothing lives only in memory.
		m2, err := monitor.Open(ctx, m.Store)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m2.ClaimsByID(ctx, []string{"c1"}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		g := got[0]
		if g.Control == nil || g.Control.Place != "aghdam" || g.AssertedBy != "rus" || g.Valid.From.String() != "2020-11-20" ||
			g.Attributions[0].Quote != c.Attributions[0].Quote || g.Note != "from the wire" || !g.RecordedAt.Equal(t0) {
			t.Fatalf("round trip changed the claim: %+v", g)
		}
		if len(m2.Places()) != 4 || len(m2.Actors()) != 4 || len(m2.Agreements()) != 1 {
			t.Fatalf("reference data: %d places %d actors %d agreements", len(m2.Places()), len(m2.Actors()), len(m2.Agreements()))
		}
		text, err := m2.Store.Text(ctx, "wire")
		if err != nil || !strings.HasPrefix(text, "Armenia handed") {
			t.Fatalf("text: %q %v", text, err)
		}
		src, err := m2.Store.SourceByHash(ctx, ledger.HashText(text))
		if err != nil || src.ID != "wire" || src.TextLen != len(text) {
			t.Fatalf("source by hash: %+v %v", src, err)
		}
		if _, err := m2.Store.Claims(ctx, []string{"nope"}); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("missing claim: %v", err)
		}
	})

	t.Run("ExactRoundTrip", func(t *testing.T) {
		// Every field of every kind, odd valid times and a recorded time
		// finer than a microsecond come back exactly, by id and by scan.
		m := open(t, o, t0)
		rec := time.Date(2020, 12, 1, 9, 30, 15, 123456789, time.UTC)
		full := func(c *ledger.Claim) *ledger.Claim {
			c.RecordedAt, c.AssertedBy, c.Note, c.Rule, c.Confidence, c.Restricted = rec, "rus", "a note\non two lines", "rule-7", 0.75, true
			c.Attributions = append(c.Attributions, ledger.Attribution{Source: "wire", Start: 0, End: 47,
				Quote: "Armenia handed Aghdam to Azerbaijan on Nov. 20."})
			return c
		}
		cs := []*ledger.Claim{
			full(claim("x-control", ledger.KindControl, "<2000", "", func(c *ledger.Claim) {
				c.Control = &ledger.Control{Place: "aghdam", Actor: "aze", Mode: "capture"}
			})),
			full(claim("x-presence", ledger.KindPresence, "2020-11", "2025-11-10", func(c *ledger.Claim) {
				c.Presence = &ledger.Presence{Place: "corridor", Actor: "rpk", Role: "peacekeeping"}
			})),
			full(claim("x-figure", ledger.KindFigure, "2020", "2021", func(c *ledger.Claim) {
				c.Figure = &ledger.Figure{Metric: "displaced", Place: "aghdam", Actor: "aze", Low: f(1), Best: f(2.5), High: f(3),
					Qualifier: "about", Unit: "people", Round: "R3", Origin: true}
			})),
			full(claim("x-event", ledger.KindEvent, "2020-10-03", "2020-10-05", func(c *ledger.Claim) {
				c.Event = &ledger.Event{Type: "Battles", SubType: "Armed clash", Actors: []string{"aze", "arm"},
					Roles: []string{"actor1", "actor2"}, Place: "hadrut", Point: &ledger.Point{Lon: 46.9123456789, Lat: -39.5},
					GeoPrec: 2, Location: "Hadrut", Fatalities: &ledger.Range{Low: f(0), High: f(12)}, ExternalID: "AZE123",
					Notes: "Clashes near \"Hadrut\"; 12 killed."}
			})),
			full(claim("x-event-bare", ledger.KindEvent, "2020-10", "2020-10", func(c *ledger.Claim) {
				c.Event = &ledger.Event{Type: "Protests"}
			})),
			full(claim("x-statement", ledger.KindStatement, "2020-12-01", "", func(c *ledger.Claim) {
				c.Statement = &ledger.Statement{Actor: "aze", Position: "demining first", About: "aghdam"}
			})),
			full(claim("x-deadline", ledger.KindDeadline, "2020-11-10", "", func(c *ledger.Claim) {
				c.Deadline = &ledger.Deadline{Provision: "deal/6", Due: ledger.MustDate("2020-11-25")}
			})),
			full(claim("x-evidence", ledger.KindEvidence, "", "2020-11-30", func(c *ledger.Claim) {
				c.Evidence = &ledger.Evidence{Provision: "deal/8", Outcome: "in_progress"}
			})),
			full(claim("x-hazard", ledger.KindHazard, "2020-12-01", "", func(c *ledger.Claim) {
				c.Hazard = &ledger.Hazard{Place: "aghdam", Area: "HA-9", Status: "confirmed", AreaM2: 5000, Devices: 3,
					Geometry: []byte(`{"type":"Point","coordinates":[46.9,40]}`)}
			})),
			full(claim("x-release", ledger.KindRelease, "2021-01-01", "", func(c *ledger.Claim) {
				c.Release = &ledger.Release{Place: "aghdam", Area: "HA-9", Method: "cleared", AreaM2: 2000, Devices: 2}
			})),
			full(claim("x-service", ledger.KindService, "2021-01-01", "", func(c *ledger.Claim) {
				c.Service = &ledger.Service{Place: "aghdam", Sector: "water", Status: "damaged"}
			})),
		}
		fix := claim("x-fix", ledger.KindControl, "2020-11-20", "", func(c *ledger.Claim) {
			c.Control = &ledger.Control{Place: "aghdam", Actor: "aze", Mode: "handover"}
			c.Supersedes, c.RecordedAt = "x-control", t1
		})
		again := claim("x-again", ledger.KindControl, "2020-11-20", "", func(c *ledger.Claim) {
			c.Control = &ledger.Control{Place: "aghdam", Actor: "aze", Mode: "handover"}
			c.Corroborates, c.RecordedAt = "x-fix", t1
		})
		cs = append(cs, fix, again)
		for _, c := range cs {
			c.Status = ledger.Candidate
		}
		if err := m.Store.Write(ctx, store.Batch{Claims: cs}); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		ids := make([]string, len(cs))
		for i, c := range cs {
			j, _ := json.Marshal(c)
			want[c.ID], ids[i] = string(j), c.ID
		}
		got, err := m.Store.Claims(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		scanned := map[string]*ledger.Claim{}
		if err := m.Store.Scan(ctx, 0, func(_ int64, c *ledger.Claim) error { scanned[c.ID] = c; return nil }); err != nil {
			t.Fatal(err)
		}
		for i, g := range got {
			for how, c := range map[string]*ledger.Claim{"by id": g, "by scan": scanned[ids[i]]} {
				j, _ := json.Marshal(c)
				if string(j) != want[ids[i]] {
					t.Errorf("%s %s came back as\n%s\nwant\n%s", ids[i], how, j, want[ids[i]])
				}
			}
		}
	})

	t.Run("EveryKind", func(t *testing.T) {
		m := open(t, o, t0)
		cs := []*ledger.Claim{
			control("k-control", "aghdam", "aze", "2020-11-20"),
			claim("k-presence", ledger.KindPresence, "2020-11-10", "", func(c *ledger.Claim) {
				c.Presence = &ledger.Presence{Place: "corridor", Actor: "rpk", Role: "peacekeeping"}
			}),
			claim("k-figure", ledger.KindFigure, "2020-12-01", "2020-12-01", func(c *ledger.Claim) {
				c.Figure = &ledger.Figure{Metric: "returned", Low: f(26000), Qualifier: "more_than", Unit: "people"}
			}),
			claim("k-event", ledger.KindEvent, "2020-11-08", "2020-11-08", func(c *ledger.Claim) {
				c.Event = &ledger.Event{Type: "Battles", SubType: "Government regains territory", Actors: []string{"aze", "arm"}, Place: "hadrut",
					Fatalities: &ledger.Range{Low: f(1), Best: f(2), High: f(5)}}
			}),
			claim("k-statement", ledger.KindStatement, "2020-12-01", "", func(c *ledger.Claim) {
				c.Statement = &ledger.Statement{Actor: "aze", Position: "demining first", About: "aghdam"}
			}),
			claim("k-deadline", ledger.KindDeadline, "2020-11-10", "", func(c *ledger.Claim) {
				c.Deadline = &ledger.Deadline{Provision: "deal/2", Due: ledger.MustDate("2020-11-20")}
			}),
			claim("k-evidence", ledger.KindEvidence, "2020-11-10", "", func(c *ledger.Claim) {
				c.Evidence = &ledger.Evidence{Provision: "deal/8", Outcome: "in_progress"}
			}),
			claim("k-hazard", ledger.KindHazard, "2020-12-01", "", func(c *ledger.Claim) {
				c.Hazard = &ledger.Hazard{Place: "aghdam", Area: "HA-1", Status: "confirmed", AreaM2: 5000}
			}),
			claim("k-release", ledger.KindRelease, "2021-01-01", "", func(c *ledger.Claim) {
				c.Release = &ledger.Release{Place: "aghdam", Area: "HA-1", Method: "cleared", AreaM2: 2000}
			}),
			claim("k-service", ledger.KindService, "2021-01-01", "", func(c *ledger.Claim) {
				c.Service = &ledger.Service{Place: "aghdam", Sector: "water", Status: "damaged"}
			}),
		}
		if err := m.Write(ctx, store.Batch{Claims: cs}); err != nil {
			t.Fatal(err)
		}
		for _, kind := range ledger.Kinds {
			if kind == ledger.KindRetraction {
				continue
			}
			page, err := m.Claims(ctx, ledger.Filter{Kinds: []string{kind}}, "")
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 1 || page.Claims[0].Kind != kind {
				t.Errorf("kind %s: %d claims", kind, page.Total)
			}
		}
		fig, _ := m.ClaimsByID(ctx, []string{"k-figure"}, time.Time{})
		if q := fig[0].Figure; q.Qualifier != "more_than" || *q.Low != 26000 || q.Best != nil {
			t.Errorf("figure 'more than 26,000' came back as %+v", q)
		}
		ev, _ := m.ClaimsByID(ctx, []string{"k-event"}, time.Time{})
		if r := ev[0].Event.Fatalities; *r.Low != 1 || *r.Best != 2 || *r.High != 5 {
			t.Errorf("event fatalities %+v", r)
		}
		// Filters: place, actor, source, valid-time range.
		for _, tc := range []struct {
			name string
			f    ledger.Filter
			want int
		}{
			{"place", ledger.Filter{Place: "aghdam"}, 5},
			{"actor", ledger.Filter{Actor: "aze"}, 3},
			{"source", ledger.Filter{Source: "wire"}, len(cs)},
			{"range", ledger.Filter{From: day("2020-11-01"), To: day("2020-11-09")}, 1},
			{"metric", ledger.Filter{Key: "returned"}, 1},
			{"status", ledger.Filter{Status: ledger.Candidate}, 0},
		} {
			page, err := m.Claims(ctx, tc.f, "")
			if err != nil || page.Total != tc.want {
				t.Errorf("filter %s: %d claims (want %d) %v", tc.name, page.Total, tc.want, err)
			}
		}
		// Cursor pagination visits every claim once.
		seen := map[string]bool{}
		cursor := ""
		for {
			page, err := m.Claims(ctx, ledger.Filter{Limit: 3}, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Claims {
				if seen[c.ID] {
					t.Fatalf("claim %s on two pages", c.ID)
				}
				seen[c.ID] = true
			}
			if page.Total != len(cs) {
				t.Fatalf("total %d, want %d", page.Total, len(cs))
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		if len(seen) != len(cs) {
			t.Fatalf("pages covered %d of %d claims", len(seen), len(cs))
		}
	})

	t.Run("Disputed", func(t *testing.T) {
		m := open(t, o, t0)
		a := control("d1", "hadrut", "aze", "2020-10-09")
		a.AssertedBy = "aze"
		b := control("d2", "hadrut", "arm", "2020-10-09")
		b.AssertedBy = "arm"
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{a, b}}); err != nil {
			t.Fatal(err)
		}
		st, ok := m.Index.PlaceAt("hadrut", day("2020-10-12"), time.Time{})
		if !ok || !st.Disputed || len(st.Sides) != 2 {
			t.Fatalf("want hadrut disputed with two sides, got %+v", st)
		}
		sides := map[string]string{}
		for _, s := range st.Sides {
			sides[s.Actor] = strings.Join(s.AssertedBy, ",")
		}
		if sides["aze"] != "aze" || sides["arm"] != "arm" {
			t.Fatalf("sides: %v", sides)
		}
		// Before either claim, nothing is known.
		if _, ok := m.Index.PlaceAt("hadrut", day("2020-10-01"), time.Time{}); ok {
			t.Fatal("state before any claim")
		}
	})

	t.Run("AmendedDeadline", func(t *testing.T) {
		m := open(t, o, t0)
		d1 := claim("dl1", ledger.KindDeadline, "2020-11-10", "", func(c *ledger.Claim) {
			c.Deadline = &ledger.Deadline{Provision: "deal/6", Due: ledger.MustDate("2020-11-15")}
		})
		d2 := claim("dl2", ledger.KindDeadline, "2020-11-15", "", func(c *ledger.Claim) {
			c.Deadline = &ledger.Deadline{Provision: "deal/6", Due: ledger.MustDate("2020-11-25")}
		})
		before := control("kb0", "kalbajar", "arm", "1993-04")
		handover := control("kb1", "kalbajar", "aze", "2020-11-25")
		dl3 := claim("dl3", ledger.KindDeadline, "2020-11-10", "", func(c *ledger.Claim) {
			c.Deadline = &ledger.Deadline{Provision: "deal/2", Due: ledger.MustDate("2020-11-20")}
		})
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{d1, d2, before, handover, dl3}}); err != nil {
			t.Fatal(err)
		}
		ag, _ := m.Agreement("deal")
		status := func(at string) map[string]ledger.ProvisionState {
			out := map[string]ledger.ProvisionState{}
			for _, p := range m.Index.ProvisionStatus(ag, day(at), time.Time{}) {
				out[p.Provision] = p
			}
			return out
		}
		s := status("2020-12-02")
		kb := s["deal/6"]
		if kb.Status != ledger.StatusMetOnTime || kb.MetOn != "2020-11-25" || len(kb.Deadlines) != 2 {
			t.Fatalf("kalbajar at 2020-12-02: %+v", kb)
		}
		if kb.Deadlines[0].Due != "2020-11-15" || kb.Deadlines[0].LateDays != 10 || kb.Deadlines[0].InForce ||
			kb.Deadlines[1].Due != "2020-11-25" || !kb.Deadlines[1].InForce || kb.Deadlines[1].Amends != "2020-11-15" {
			t.Fatalf("kalbajar deadlines: %+v", kb.Deadlines)
		}
		if got := s["deal/2"].Status; got != ledger.StatusOverdue {
			t.Errorf("aghdam with no handover at 2020-12-02: %s, want overdue", got)
		}
		if got := s["deal/8"].Status; got != ledger.StatusPending {
			t.Errorf("provision without evidence: %s, want pending", got)
		}
		s = status("2020-11-14")
		if got := s["deal/6"]; got.Status != ledger.StatusPending || !got.Deadlines[0].InForce {
			t.Errorf("kalbajar at 2020-11-14: %+v", got)
		}
		if got := status("2020-11-20")["deal/2"].Status; got != ledger.StatusDue {
			t.Errorf("aghdam on its deadline day: %s, want due", got)
		}
		// The mandate's dates are computed.
		term, err := ag.Mandates[0].TermAt(day("2020-12-02"))
		if err != nil || term.Expiry.String() != "2025-11-10" || term.Notice.String() != "2025-05-10" {
			t.Fatalf("mandate term %+v %v", term, err)
		}
		term, _ = ag.Mandates[0].TermAt(day("2026-01-01"))
		if term.N != 2 || term.Expiry.String() != "2030-11-10" {
			t.Fatalf("renewed term %+v", term)
		}
	})

	t.Run("CorrectionAsKnownAt", func(t *testing.T) {
		m := open(t, o, t0)
		wrong := control("w1", "aghdam", "aze", "2020-11-15")
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{wrong}}); err != nil {
			t.Fatal(err)
		}
		m.Now = func() time.Time { return t1 }
		fixed := control("w2", "aghdam", "aze", "2020-11-20")
		fixed.Supersedes = "w1"
		fixed.Note = "correction: handed over on the 20th"
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{fixed}}); err != nil {
			t.Fatal(err)
		}
		at := day("2020-11-17")
		if st, ok := m.Index.PlaceAt("aghdam", at, t0.Add(time.Hour)); !ok || st.Controller != "aze" || st.Claim != "w1" {
			t.Fatalf("as known before the correction: %+v", st)
		}
		if st, ok := m.Index.PlaceAt("aghdam", at, time.Time{}); ok && st.Controller == "aze" {
			t.Fatalf("as known now, the wrong date still counts: %+v", st)
		}
		if st, _ := m.Index.PlaceAt("aghdam", day("2020-11-21"), time.Time{}); st.Claim != "w2" {
			t.Fatalf("after correction: %+v", st)
		}
		// Both are kept.
		page, _ := m.Claims(ctx, ledger.Filter{Place: "aghdam"}, "")
		if page.Total != 2 {
			t.Fatalf("claims kept: %d", page.Total)
		}
		// Before the correction was recorded, it did not exist.
		page, _ = m.Claims(ctx, ledger.Filter{Place: "aghdam", KnownAt: t0.Add(time.Hour)}, "")
		if page.Total != 1 {
			t.Fatalf("as known at t0: %d claims", page.Total)
		}
	})

	t.Run("Review", func(t *testing.T) {
		m := open(t, o, t0)
		c := control("r1", "aghdam", "aze", "2020-11-20")
		c.Status = ledger.Candidate
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{c}}); err != nil {
			t.Fatal(err)
		}
		if _, ok := m.Index.PlaceAt("aghdam", day("2020-11-21"), time.Time{}); ok {
			t.Fatal("a candidate counts before review")
		}
		m.Now = func() time.Time { return t1 }
		if err := m.Write(ctx, store.Batch{Reviews: []ledger.Review{{Claim: "r1", Status: ledger.Accepted, By: "editor"}}}); err != nil {
			t.Fatal(err)
		}
		if st, ok := m.Index.PlaceAt("aghdam", day("2020-11-21"), time.Time{}); !ok || st.Controller != "aze" {
			t.Fatal("accepted claim does not count")
		}
		if _, ok := m.Index.PlaceAt("aghdam", day("2020-11-21"), t0.Add(time.Hour)); ok {
			t.Fatal("as known before the review, the claim counts")
		}
		m2, err := monitor.Open(ctx, m.Store)
		if err != nil {
			t.Fatal(err)
		}
		if got := m2.Index.StatusAt("r1", time.Time{}); got != ledger.Accepted {
			t.Fatalf("review lost on reload: %s", got)
		}
	})

	t.Run("Corroboration", func(t *testing.T) {
		m := open(t, o, t0)
		first := control("co1", "aghdam", "aze", "2020-11-20")
		again := control("co2", "aghdam", "aze", "2020-11-20")
		again.Status = ledger.Candidate
		again.Attributions = []ledger.Attribution{{Source: "deal", Start: 0, End: 11}}
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{first, again}}); err != nil {
			t.Fatal(err)
		}
		if got := m.Corroborating(again); got != "co1" {
			t.Fatalf("corroborating: %q", got)
		}
		m.Now = func() time.Time { return t1 }
		id, err := monitor.Review(ctx, m, "co2", "corroborate", "", nil, "editor")
		if err != nil || id == "" {
			t.Fatalf("corroborate: %q %v", id, err)
		}
		page, _ := m.Claims(ctx, ledger.Filter{Place: "aghdam", Status: ledger.Accepted}, "")
		if page.Total != 1 || len(page.Claims[0].Attributions) != 2 || page.Claims[0].Attributions[1].Via != id {
			t.Fatalf("one fact with two sources wanted, got %d claims: %+v", page.Total, page.Claims)
		}
		if st, _ := m.Index.PlaceAt("aghdam", day("2020-11-21"), time.Time{}); st.Disputed || st.Claim != "co1" {
			t.Fatalf("state after corroboration: %+v", st)
		}
		// Before the review, the claim had its one source.
		cs, _ := m.ClaimsByID(ctx, []string{"co1"}, t0.Add(time.Hour))
		if len(cs[0].Attributions) != 1 {
			t.Fatalf("as known before: %d attributions", len(cs[0].Attributions))
		}
		// The source of the second report still shows its span.
		page, _ = m.Claims(ctx, ledger.Filter{Source: "deal"}, "")
		if page.Total != 2 {
			t.Fatalf("claims drawn from the second source: %d", page.Total)
		}
		if _, err := monitor.Review(ctx, m, "co1", "corroborate", "", nil, "editor"); err == nil {
			t.Fatal("a claim corroborating itself")
		}
	})

	t.Run("Series", func(t *testing.T) {
		m := open(t, o, t0)
		a := claim("s2", ledger.KindFigure, "2020-12-01", "2020-12-01", func(c *ledger.Claim) {
			c.Figure = &ledger.Figure{Metric: "returned", Low: f(26000), Qualifier: "more_than"}
		})
		b := claim("s1", ledger.KindFigure, "2020-11-20", "2020-11-20", func(c *ledger.Claim) {
			c.Figure = &ledger.Figure{Metric: "returned", Low: f(10000), High: f(15000), Qualifier: "about"}
		})
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{a, b}}); err != nil {
			t.Fatal(err)
		}
		s, err := m.Series(ctx, "returned", "", time.Time{})
		if err != nil || len(s) != 2 || s[0].ID != "s1" || s[1].ID != "s2" {
			t.Fatalf("series: %v %v", s, err)
		}
		ag, _ := m.Agreement("deal")
		for _, p := range m.Index.ProvisionStatus(ag, day("2020-12-02"), time.Time{}) {
			if p.Provision == "deal/7" && (p.Status != ledger.StatusInProgress || p.Evidence[0] != "s2") {
				t.Fatalf("returns provision: %+v", p)
			}
		}
	})

	t.Run("StateAndChanges", func(t *testing.T) {
		m := open(t, o, t0)
		cs := []*ledger.Claim{
			control("x0", "aghdam", "arm", "1993-07"),
			control("x1", "aghdam", "aze", "2020-11-20"),
			claim("x2", ledger.KindPresence, "2020-11-10", "", func(c *ledger.Claim) {
				c.Presence = &ledger.Presence{Place: "corridor", Actor: "rpk", Role: "peacekeeping"}
			}),
		}
		if err := m.Write(ctx, store.Batch{Claims: cs}); err != nil {
			t.Fatal(err)
		}
		at := func(d string) map[string]ledger.PlaceState {
			out := map[string]ledger.PlaceState{}
			for _, s := range m.Index.State(day(d), time.Time{}) {
				out[s.Place] = s
			}
			return out
		}
		if s := at("2020-11-19"); s["aghdam"].Controller != "arm" || s["aghdam"].Disputed {
			t.Fatalf("2020-11-19: %+v", s["aghdam"])
		}
		s := at("2020-11-21")
		if s["aghdam"].Controller != "aze" || s["aghdam"].Since != "2020-11-20" {
			t.Fatalf("2020-11-21: %+v", s["aghdam"])
		}
		if p := s["corridor"].Presence; len(p) != 1 || p[0].Actor != "rpk" || p[0].Role != "peacekeeping" {
			t.Fatalf("corridor presence: %+v", s["corridor"])
		}
		if s := at("1993-07-15"); !s["aghdam"].Uncertain {
			t.Fatalf("a month-precision change is certain mid-month: %+v", s["aghdam"])
		}
		ch := m.Index.Changes(day("2020-11-01"), day("2020-12-01"), time.Time{})
		if len(ch) != 1 || ch[0].Place != "aghdam" || ch[0].Before != "arm" || ch[0].After != "aze" {
			t.Fatalf("changes: %+v", ch)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		m := open(t, o, t0)
		for _, tc := range []struct {
			name string
			c    *ledger.Claim
			want string
		}{
			{"unknown place", control("b1", "atlantis", "aze", "2020-11-20"), `unknown place "atlantis"`},
			{"unknown actor", control("b2", "aghdam", "martians", "2020-11-20"), `unknown actor "martians"`},
			{"inverted interval", claim("b3", ledger.KindControl, "2020-11-20", "2020-11-01", func(c *ledger.Claim) {
				c.Control = &ledger.Control{Place: "aghdam", Actor: "aze"}
			}), "end before start"},
			{"span outside text", func() *ledger.Claim {
				c := control("b4", "aghdam", "aze", "2020-11-20")
				c.Attributions[0].End = 100000
				return c
			}(), "outside source wire"},
			{"unknown kind", &ledger.Claim{ID: "b5", Kind: "rumour", Attributions: []ledger.Attribution{{Source: "wire"}}, RecordedBy: "t", Status: ledger.Accepted, Credibility: 3}, `unknown kind "rumour"`},
			{"unknown source", func() *ledger.Claim {
				c := control("b6", "aghdam", "aze", "2020-11-20")
				c.Attributions[0].Source = "nowhere"
				return c
			}(), `unknown source "nowhere"`},
			{"no source", func() *ledger.Claim {
				c := control("b7", "aghdam", "aze", "2020-11-20")
				c.Attributions = nil
				return c
			}(), "no source"},
			{"bad credibility", func() *ledger.Claim {
				c := control("b8", "aghdam", "aze", "2020-11-20")
				c.Credibility = 9
				return c
			}(), "credibility 9"},
		} {
			good := control("ok-"+tc.name, "kalbajar", "aze", "2020-11-25")
			err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{good, tc.c}})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !store.IsInvalid(err) {
				t.Errorf("%s: got %v, want an invalid-input error containing %q", tc.name, err, tc.want)
			}
			if m.Index.Has(good.ID) {
				t.Errorf("%s: the good claim of a refused batch was written", tc.name)
			}
			if _, err := m.Store.Claims(ctx, []string{good.ID}); !errors.Is(err, ledger.ErrNotFound) {
				t.Errorf("%s: the good claim of a refused batch is in the store: %v", tc.name, err)
			}
		}
		// The same id twice is refused; the first stays.
		c := control("dup", "aghdam", "aze", "2020-11-20")
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{c}}); err != nil {
			t.Fatal(err)
		}
		c2 := control("dup", "aghdam", "arm", "2020-11-20")
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{c2}}); err == nil {
			t.Fatal("a second claim with the same id was accepted")
		}
	})

	t.Run("Stream", func(t *testing.T) {
		// A batch read while it is written (monitor.AppendStream): claims
		// come in chunks before the actors and sources they name. A store
		// that streams (PostgreSQL) checks them as they pass; either way a
		// refused batch writes nothing.
		m := open(t, o, t0)
		text := "Peacekeepers entered Lachin on 26 November."
		cite := func(id string, a ledger.Attribution) *ledger.Claim {
			return claim(id, ledger.KindPresence, "2020-11-26", "", func(c *ledger.Claim) {
				c.Presence = &ledger.Presence{Place: "corridor", Actor: "rpk2", Role: "peacekeeping"}
				c.Attributions = []ledger.Attribution{a}
			})
		}
		good := ledger.Attribution{Source: "rep", Start: 0, End: 12, Quote: "Peacekeepers"}
		stream := func(src string, cs []*ledger.Claim, actor bool, fail error) error {
			b := store.Batch{Sources: []store.SourceText{{Source: ledger.Source{ID: src, Kind: "news"}, Text: text}}}
			if actor {
				b.Actors = []ledger.Actor{{ID: "rpk2", Kind: "peacekeeping force", Label: "Contingent", Names: []ledger.Name{{Name: "Contingent"}}}}
			}
			return m.AppendStream(ctx, func(emit func([]*ledger.Claim) error) (store.Batch, error) {
				// Two at a time; the last claim stays in the batch returned.
				for i := 0; i < len(cs)-1; i += 2 {
					if err := emit(cs[i:min(i+2, len(cs)-1)]); err != nil {
						return store.Batch{}, err
					}
				}
				b.Claims = cs[len(cs)-1:]
				return b, fail
			})
		}
		var n int
		count := func() int {
			n = 0
			if err := m.Store.Scan(ctx, 0, func(int64, *ledger.Claim) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		for _, tc := range []struct {
			name  string
			cs    []*ledger.Claim
			actor bool
			fail  error
			want  string
		}{
			{"quote", []*ledger.Claim{cite("s1", good), cite("s2", ledger.Attribution{Source: "rep", Start: 13, End: 20, Quote: "Lachin!"})}, true, nil, "claim s2: invalid: quote does not match"},
			{"span", []*ledger.Claim{cite("s1", good), cite("s2", good), cite("s3", ledger.Attribution{Source: "rep", Start: 0, End: 400})}, true, nil, "claim s3: invalid: span [0,400) lies outside"},
			{"actor", []*ledger.Claim{cite("s1", good), cite("s2", good), cite("s3", good)}, false, nil, `claim s1: invalid: unknown actor "rpk2"`},
			{"source", []*ledger.Claim{cite("s1", good), cite("s2", ledger.Attribution{Source: "elsewhere", End: 3})}, true, nil, `claim s2: invalid: unknown source "elsewhere"`},
			{"twice", []*ledger.Claim{cite("s1", good), cite("s2", good), cite("s3", good), cite("s2", good)}, true, nil, "claim s2: invalid: id appears twice in one write"},
			{"reader", []*ledger.Claim{cite("s1", good), cite("s2", good), cite("s3", good)}, true, errors.New("line 9: bad date"), "line 9: bad date"},
		} {
			err := stream("rep", tc.cs, tc.actor, tc.fail)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
			}
			if _, err := m.Store.Source(ctx, "rep"); !errors.Is(err, ledger.ErrNotFound) {
				t.Errorf("%s: the source was written: %v", tc.name, err)
			}
			if count() != before {
				t.Errorf("%s: %d claims written", tc.name, n-before)
			}
		}
		if err := stream("rep", []*ledger.Claim{cite("s1", good), cite("s2", good), cite("s3", good)}, true, nil); err != nil {
			t.Fatal(err)
		}
		if got, err := m.Store.Claims(ctx, []string{"s1", "s2", "s3"}); err != nil || got[2].Presence.Actor != "rpk2" {
			t.Fatalf("streamed claims: %v %v", got, err)
		}
	})

	t.Run("SourceOnce", func(t *testing.T) {
		m := open(t, o, t0)
		b := Fixture()
		// The same source again creates nothing new.
		if err := m.Write(ctx, store.Batch{Sources: b.Sources}); err != nil {
			t.Fatal(err)
		}
		srcs, err := m.Store.Sources(ctx)
		if err != nil || len(srcs) != 2 {
			t.Fatalf("sources %d %v", len(srcs), err)
		}
		// A new version of a place is kept beside the old one; the latest is read.
		p := b.Places[0]
		p.Names = append(p.Names, ledger.Name{Name: "Агдам", Lang: "ru"})
		if err := m.Write(ctx, store.Batch{Places: []ledger.Place{p}}); err != nil {
			t.Fatal(err)
		}
		got, _ := m.Place("Агдам")
		if got.ID != "aghdam" {
			t.Fatalf("new place version not found by its new name: %+v", got)
		}
	})

	t.Run("Tokens", func(t *testing.T) {
		st := o(t)
		defer st.Close()
		tok := store.Token{Hash: "abc", Name: "me", Role: "editor", CreatedAt: t0}
		if err := st.PutToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		got, err := st.TokenByHash(ctx, "abc")
		if err != nil || got.Role != "editor" || !got.CreatedAt.Equal(t0) {
			t.Fatalf("token %+v %v", got, err)
		}
		if _, err := st.TokenByHash(ctx, "zzz"); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
	})

	// A hazard area never has more land released than declared, across
	// writes (the store implements store.AreaRefs); rejected releases do
	// not count.
	t.Run("OverRelease", func(t *testing.T) {
		m := open(t, o, t0)
		hz := claim("hz", ledger.KindHazard, "2020-12-01", "", func(c *ledger.Claim) {
			c.Hazard = &ledger.Hazard{Place: "aghdam", Area: "AG-1", Status: "confirmed", AreaM2: 1000}
		})
		rel := func(id string, m2 float64) *ledger.Claim {
			return claim(id, ledger.KindRelease, "2020-12-05", "", func(c *ledger.Claim) {
				c.Release = &ledger.Release{Place: "aghdam", Area: "AG-1", Method: "cleared", AreaM2: m2}
			})
		}
		for _, b := range []store.Batch{{Claims: []*ledger.Claim{hz}}, {Claims: []*ledger.Claim{rel("r1", 600)}}} {
			if err := m.Write(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{rel("r2", 500)}})
		if err == nil || !store.IsInvalid(err) || !strings.Contains(err.Error(), "hazard area AG-1") || !strings.Contains(err.Error(), "1100 m2 released") {
			t.Fatalf("releasing 1100 of 1000 m2 over two writes: %v", err)
		}
		if err := m.Write(ctx, store.Batch{Reviews: []ledger.Review{{Claim: "r1", Status: ledger.Rejected, By: "t"}}}); err != nil {
			t.Fatal(err)
		}
		if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{rel("r3", 1000)}}); err != nil {
			t.Fatalf("after the first release was rejected: %v", err)
		}
	})
}
