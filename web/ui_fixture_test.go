package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"truce/internal/shared"
	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// box is a rough rectangle as a GeoJSON polygon: stand-in boundaries for
// the fixture, not real districts.
func box(lon0, lat0, lon1, lat1 float64) []byte {
	b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}})
	return b
}

func f(v float64) *float64 { return &v }

// loadKarabakhFixture writes a small Karabakh ledger, with the ids the
// shipped dataset uses, and the AFP report (read at run time) as a source
// whose claims point at spans found in its text.
func loadKarabakhFixture(t *testing.T, m *monitor.Monitor) {
	t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile(shared.Path(t, "reports", "afp-karabakh-after-lachin.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	span := func(phrase string) ledger.Attribution {
		i := strings.Index(text, phrase)
		if i < 0 {
			t.Fatalf("fixture: %q not in the AFP report", phrase)
		}
		return ledger.Attribution{Source: "afp-after-lachin", Start: i, End: i + len(phrase), Quote: phrase}
	}
	att := func(phrases ...string) []ledger.Attribution {
		var out []ledger.Attribution
		for _, p := range phrases {
			out = append(out, span(p))
		}
		return out
	}
	name := func(n, lang string) ledger.Name { return ledger.Name{Name: n, Lang: lang} }
	const attrib = "Test boxes, not real boundaries"
	b := store.Batch{
		Places: []ledger.Place{
			{ID: "aghdam-district", Kind: "district", Label: "Aghdam district", Names: []ledger.Name{name("Aghdam district", "en"), name("Ağdam rayonu", "az"), name("Akna", "hy")},
				Geometry: box(46.75, 39.85, 47.15, 40.15), Attribution: attrib},
			{ID: "kalbajar-district", Kind: "district", Label: "Kalbajar district", Names: []ledger.Name{name("Kalbajar district", "en"), name("Kəlbəcər rayonu", "az"), name("Karvachar", "hy")},
				Geometry: box(45.9, 39.85, 46.55, 40.3), Attribution: attrib},
			{ID: "lachin-district", Kind: "district", Label: "Lachin district", Names: []ledger.Name{name("Lachin district", "en"), name("Laçın rayonu", "az"), name("Berdzor", "hy")},
				Geometry: box(45.95, 39.35, 46.5, 39.85), Attribution: attrib},
			{ID: "lachin-corridor", Kind: "corridor", Label: "Lachin corridor", Names: []ledger.Name{name("Lachin corridor", "en"), name("Berdzor corridor", "hy")},
				Point: &ledger.Point{Lon: 46.55, Lat: 39.62}},
			{ID: "nagorno-karabakh", Kind: "region", Label: "Nagorno-Karabakh", Names: []ledger.Name{name("Nagorno-Karabakh", "en"), name("Artsakh", "hy"), name("Dağlıq Qarabağ", "az")},
				Geometry: box(46.5, 39.45, 47.05, 40.2), Attribution: attrib},
			{ID: "shusha", Kind: "settlement", Label: "Shusha", Names: []ledger.Name{name("Shusha", "en"), name("Şuşa", "az"), name("Shushi", "hy")},
				Point: &ledger.Point{Lon: 46.75, Lat: 39.76}},
		},
		Actors: []ledger.Actor{
			{ID: "azerbaijan", Kind: "state", Label: "Azerbaijan", Names: []ledger.Name{name("Azerbaijan", "en"), {Name: "Baku", Kind: "metonym"}}},
			{ID: "armenia", Kind: "state", Label: "Armenia", Names: []ledger.Name{name("Armenia", "en")}},
			{ID: "nk-authorities", Kind: "de facto authority", Label: "Karabakh Armenian authorities", Names: []ledger.Name{name("separatists", "en")}},
			{ID: "russia", Kind: "state", Label: "Russia", Names: []ledger.Name{name("Russia", "en")}},
			{ID: "russian-peacekeepers", Kind: "peacekeeping force", Label: "Russian peacekeepers", Names: []ledger.Name{name("Russian peacekeepers", "en")}, Affiliation: "russia"},
		},
		Sources: []store.SourceText{
			{Source: ledger.Source{ID: "afp-after-lachin", Kind: "news", Title: "What next for Karabakh after Lachin (AFP)", Publisher: "AFP / The Moscow Times",
				Published: ledger.MustDate("2020-12-01"), Reliability: "B", Lang: "en"}, Text: text},
			{Source: ledger.Source{ID: "statement", Kind: "agreement", Title: "Trilateral statement", Published: ledger.MustDate("2020-11-09"), Reliability: "A"},
				Text: "Fixture stand-in for the statement's text."},
		},
		Agreements: []ledger.Agreement{{
			ID: "karabakh-2020", Title: "Trilateral statement, 9-10 November 2020", Parties: []string{"azerbaijan", "armenia", "russia"},
			Signed: ledger.MustDate("2020-11-09"), InForce: ledger.MustDate("2020-11-10"), Source: "statement",
			Provisions: []ledger.Provision{
				{ID: "karabakh-2020/2", Number: "2", Category: "territorial transfer", Summary: "Aghdam district returned to Azerbaijan", Obligated: []string{"armenia"},
					Expected: ledger.Outcome{Kind: ledger.KindControl, Place: "aghdam-district", Actor: "azerbaijan"}},
				{ID: "karabakh-2020/4", Number: "4", Category: "peacekeeping force", Summary: "Peacekeepers deployed for five years", Obligated: []string{"russia"},
					Expected: ledger.Outcome{Kind: ledger.KindPresence, Place: "lachin-corridor", Actor: "russian-peacekeepers"}},
				{ID: "karabakh-2020/6a", Number: "6a", Category: "territorial transfer", Summary: "Kalbajar district returned to Azerbaijan", Obligated: []string{"armenia"},
					Expected: ledger.Outcome{Kind: ledger.KindControl, Place: "kalbajar-district", Actor: "azerbaijan"}},
				{ID: "karabakh-2020/6b", Number: "6b", Category: "territorial transfer", Summary: "Lachin district returned to Azerbaijan", Obligated: []string{"armenia"},
					Expected: ledger.Outcome{Kind: ledger.KindControl, Place: "lachin-district", Actor: "azerbaijan"}},
				{ID: "karabakh-2020/7", Number: "7", Category: "return of displaced persons", Summary: "Displaced people return",
					Expected: ledger.Outcome{Kind: ledger.KindFigure, Metric: "returned"}},
			},
			Mandates: []ledger.Mandate{{ID: "karabakh-2020/peacekeeping-mandate", Provision: "karabakh-2020/4", Actor: "russian-peacekeepers",
				Start: ledger.MustDate("2020-11-10"), TermYears: 5, RenewYears: 5, NoticeMonths: 6, Personnel: 1960}},
		}},
	}
	n := 0
	claim := func(kind, from, to string, a []ledger.Attribution, fill func(*ledger.Claim)) {
		n++
		c := &ledger.Claim{ID: fmt.Sprintf("fx%02d", n), Kind: kind, Valid: ledger.Interval{From: ledger.MustDate(from)}, Attributions: a,
			RecordedBy: "fixture", Status: ledger.Accepted, Credibility: 2}
		if len(a) == 0 {
			c.Attributions = []ledger.Attribution{{Source: "statement", Start: 0, End: 7}}
		}
		if to != "" {
			c.Valid.To = ledger.MustDate(to)
		}
		fill(c)
		b.Claims = append(b.Claims, c)
	}
	control := func(place, actor, mode, from string, a []ledger.Attribution) {
		claim(ledger.KindControl, from, "", a, func(c *ledger.Claim) {
			c.Control = &ledger.Control{Place: place, Actor: actor, Mode: mode}
		})
	}
	bg := att("seized in the 1990s")
	control("aghdam-district", "armenia", "capture", "1993", bg)
	control("kalbajar-district", "armenia", "capture", "1993", bg)
	control("lachin-district", "armenia", "capture", "1992", bg)
	control("nagorno-karabakh", "nk-authorities", "capture", "1992", att("The separatists are retaining control"))
	control("shusha", "azerbaijan", "capture", "2020-11-08", nil)
	control("aghdam-district", "azerbaijan", "handover", "2020-11-20", att("Aghdam on Nov. 20"))
	control("kalbajar-district", "azerbaijan", "handover", "2020-11-25", att("Kalbajar on Nov. 25"))
	control("lachin-district", "azerbaijan", "handover", "2020-12-01", att("Lachin was ceded on Tuesday"))
	// Shusha: a side that disagrees, so the map has a dispute to show.
	claim(ledger.KindControl, "2020-11-08", "2020-11-12", nil, func(c *ledger.Claim) {
		c.Control = &ledger.Control{Place: "shusha", Actor: "nk-authorities", Mode: "capture"}
		c.AssertedBy = "nk-authorities"
	})
	claim(ledger.KindPresence, "2020-11-10", "", att("deployed peacekeepers under the deal"), func(c *ledger.Claim) {
		c.Presence = &ledger.Presence{Place: "lachin-corridor", Actor: "russian-peacekeepers", Role: "peacekeeping"}
	})
	deadline := func(prov, due, from string) {
		claim(ledger.KindDeadline, from, "", nil, func(c *ledger.Claim) { c.Deadline = &ledger.Deadline{Provision: prov, Due: ledger.MustDate(due)} })
	}
	deadline("karabakh-2020/2", "2020-11-20", "2020-11-10")
	deadline("karabakh-2020/6a", "2020-11-15", "2020-11-10")
	deadline("karabakh-2020/6a", "2020-11-25", "2020-11-15")
	deadline("karabakh-2020/6b", "2020-12-01", "2020-11-10")
	figure := func(metric, from, to string, a []ledger.Attribution, fg ledger.Figure) {
		claim(ledger.KindFigure, from, to, a, func(c *ledger.Claim) { fg.Metric = metric; c.Figure = &fg })
	}
	figure("displaced", "2020-09-27", "2020-11-10", att("Up to 90,000 people fled Karabakh"), ledger.Figure{Place: "nagorno-karabakh", High: f(90000), Qualifier: "up_to", Unit: "people", Origin: true})
	figure("returned", "2020-12-01", "2020-12-01", att("more than 26,000 had returned"), ledger.Figure{Place: "nagorno-karabakh", Low: f(26000), Qualifier: "more_than", Unit: "people"})
	figure("peacekeepers", "2020-12-01", "2020-12-01", att("Nearly 2,000 Russian soldiers"), ledger.Figure{Place: "nagorno-karabakh", Actor: "russian-peacekeepers", High: f(2000), Qualifier: "nearly", Unit: "soldiers"})
	figure("peacekeepers", "2020-11-10", "2020-11-10", nil, ledger.Figure{Place: "nagorno-karabakh", Actor: "russian-peacekeepers", Best: f(1960), Qualifier: "exact", Unit: "soldiers"})
	if err := m.Write(ctx, b); err != nil {
		t.Fatalf("fixture: %v", err)
	}
}
