package extract

import (
	"os"
	"strings"
	"testing"

	"truce/internal/shared"
	"truce/ledger"
)

// find returns the claims of kind whose place/actor/metric match (empty
// matches anything).
func find(cs []*ledger.Claim, kind, place, actor, metric string) []*ledger.Claim {
	var out []*ledger.Claim
	for _, c := range cs {
		if c.Kind != kind {
			continue
		}
		if place != "" && c.Place() != place {
			continue
		}
		if actor != "" && !contains(c.Actors(), actor) {
			continue
		}
		if metric != "" && c.Metric() != metric {
			continue
		}
		out = append(out, c)
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// spanOf is the span in text from the first "from" to the end of the
// first "to" after it: the expected quote, located in the report at run
// time rather than copied into the repository.
func spanOf(t *testing.T, text, from, to string) (int, int) {
	t.Helper()
	s := strings.Index(text, from)
	if s < 0 {
		t.Fatalf("%q not in the report", from)
	}
	e := strings.Index(text[s:], to)
	if e < 0 {
		t.Fatalf("%q not after %q in the report", to, from)
	}
	return s, s + e + len(to)
}

func one(t *testing.T, cs []*ledger.Claim, what string) *ledger.Claim {
	t.Helper()
	if len(cs) != 1 {
		t.Fatalf("%s: %d claims, want 1", what, len(cs))
	}
	return cs[0]
}

func checkSpan(t *testing.T, text string, c *ledger.Claim, from, to string) {
	t.Helper()
	s, e := spanOf(t, text, from, to)
	a := c.Attributions[0]
	if a.Start != s || a.End != e {
		t.Errorf("%s %s: span [%d,%d) %q, want [%d,%d) %q", c.Kind, c.Rule, a.Start, a.End, text[a.Start:a.End], s, e, text[s:e])
	}
	if a.Quote != text[a.Start:a.End] {
		t.Errorf("%s: quote %q does not match its span", c.Kind, a.Quote)
	}
}

func num(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

func afp(t *testing.T) string {
	b, err := os.ReadFile(shared.Path(t, "reports", "afp-karabakh-after-lachin.txt"))
	if err != nil {
		shared.Require(t, "the AFP report: "+err.Error())
	}
	return string(b)
}

// The acceptance test: the real AFP report, published Tuesday 1 December 2020.
func TestAFPReport(t *testing.T) {
	text := afp(t)
	res := testExtractor(t).Extract(text, Options{Source: "afp", Published: ledger.MustDate("2020-12-01")})
	cs := res.Claims

	control := find(cs, ledger.KindControl, "", "", "")
	if len(control) != 3 {
		for _, c := range control {
			t.Logf("control %+v %q", *c.Control, c.Attributions[0].Quote)
		}
		t.Fatalf("%d control claims, want the three handovers", len(control))
	}
	for _, h := range []struct{ place, date, from, to string }{
		{"lachin", "2020-12-01", "Lachin was ceded", "Tuesday"},
		{"kalbajar", "2020-11-25", "Kalbajar on Nov", "25"},
		{"aghdam", "2020-11-20", "Aghdam on Nov", "20"},
	} {
		c := one(t, find(cs, ledger.KindControl, h.place, "", ""), h.place)
		if c.Control.Actor != "azerbaijan" || c.Control.Mode != "handover" {
			t.Errorf("%s: control %+v, want azerbaijan by handover", h.place, *c.Control)
		}
		if got := c.Valid.From.String(); got != h.date {
			t.Errorf("%s: from %q, want %s (note %q)", h.place, got, h.date, c.Note)
		}
		checkSpan(t, text, c, h.from, h.to)
		if c.Status != ledger.Candidate || c.Rule == "" || c.Confidence <= 0 || c.Confidence > 1 {
			t.Errorf("%s: status %q rule %q confidence %v", h.place, c.Status, c.Rule, c.Confidence)
		}
	}

	var up *ledger.Claim
	for _, c := range find(cs, ledger.KindFigure, "", "", "displaced") {
		if c.Figure.Qualifier == "up_to" {
			up = c
		}
	}
	if up == nil {
		// "Tens of thousands ... who fled" is a displaced figure as well
		t.Fatal("no up_to displaced figure")
	}
	if num(up.Figure.High) != 90000 || up.Figure.Place != "nagorno-karabakh" {
		t.Errorf("displaced: %+v high %v", *up.Figure, num(up.Figure.High))
	}
	checkSpan(t, text, up, "Up to 90,000", "during the fighting")

	ret := one(t, find(cs, ledger.KindFigure, "", "", "returned"), "returned")
	if num(ret.Figure.Low) != 26000 || ret.Figure.Qualifier != "more_than" {
		t.Errorf("returned: %+v low %v", *ret.Figure, num(ret.Figure.Low))
	}
	if ret.AssertedBy != "russia" {
		t.Errorf("returned asserted by %q, want russia", ret.AssertedBy)
	}
	if ret.Valid.From.String() != "2020-12-01" {
		t.Errorf("returned from %s, want 2020-12-01 (\"said Tuesday\")", ret.Valid.From)
	}
	checkSpan(t, text, ret, "more than 26,000", "returned")

	pk := one(t, find(cs, ledger.KindFigure, "", "", "peacekeepers"), "peacekeepers")
	if num(pk.Figure.High) != 2000 || pk.Figure.Qualifier != "nearly" || pk.Figure.Actor != "russia" {
		t.Errorf("peacekeepers: %+v high %v", *pk.Figure, num(pk.Figure.High))
	}
	checkSpan(t, text, pk, "Nearly 2,000", "between the two sides")

	md := one(t, find(cs, ledger.KindFigure, "", "", "mandate_years"), "mandate")
	if num(md.Figure.Best) != 5 || md.Figure.Actor != "russia" || md.Figure.Unit != "years" || !strings.Contains(md.Note, "renewable") {
		t.Errorf("mandate: %+v best %v note %q", *md.Figure, num(md.Figure.Best), md.Note)
	}
	checkSpan(t, text, md, "renewable five", "mandate")

	icg := one(t, find(cs, ledger.KindStatement, "", "icg", ""), "analyst's organisation")
	if icg.Statement.Actor != "icg" || !strings.Contains(icg.Statement.Position, "ambiguous") {
		t.Errorf("ICG statement: %+v", *icg.Statement)
	}
	checkSpan(t, text, icg, "\"The Moscow-brokered", "International Crisis Group")

	share := one(t, find(cs, ledger.KindFigure, "", "", "displaced_share"), "share")
	if num(share.Figure.Best) != 60 || share.Figure.Unit != "percent" || share.Figure.Qualifier != "about" {
		t.Errorf("share: %+v", *share.Figure)
	}
	if len(res.Mentions) != 0 {
		t.Errorf("unknown names %v: every place in this report is in the gazetteer", res.Mentions)
	}
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Rule, err)
		}
	}
}

// Without a publication date, "Tuesday" and "Nov. 25" cannot be dated:
// they stay unresolved and the claims say so.
func TestAFPReportUnpublished(t *testing.T) {
	text := afp(t)
	cs := testExtractor(t).Extract(text, Options{Source: "afp"}).Claims
	control := find(cs, ledger.KindControl, "", "", "")
	if len(control) != 3 {
		t.Fatalf("%d control claims, want 3", len(control))
	}
	for _, c := range control {
		if !c.Valid.From.IsZero() {
			t.Errorf("%s: from %s: a date was guessed", c.Control.Place, c.Valid.From)
		}
		if !strings.Contains(c.Note, "unresolved") {
			t.Errorf("%s: note %q does not flag the unresolved date", c.Control.Place, c.Note)
		}
	}
	ret := one(t, find(cs, ledger.KindFigure, "", "", "returned"), "returned")
	if !ret.Valid.From.IsZero() || !strings.Contains(ret.Note, "unresolved") {
		t.Errorf("returned: from %q note %q", ret.Valid.From, ret.Note)
	}
	for _, c := range cs {
		if !c.Valid.From.IsZero() && c.Valid.From.Prec == ledger.PrecDay {
			t.Errorf("%s %q: day %s without a publication date", c.Rule, c.Attributions[0].Quote, c.Valid.From)
		}
	}
}

type want struct {
	kind, place, actor, metric string
	mode, from, to, qual       string
	low, best, high            float64 // 0: not checked
	quote, asserted, note      string
	none                       bool // no claim of this kind/place/actor/metric
}

// Sentences in our own words, about other places and with other phrasing.
func TestRules(t *testing.T) {
	cases := []struct {
		name, text, pub string
		want            []want
	}{
		{"transliteration Karvachar", "Azerbaijani troops entered Karvachar on 25 November 2020.", "2020-11-26",
			[]want{{kind: "control", place: "kalbajar", actor: "azerbaijan", mode: "capture", from: "2020-11-25", quote: "Azerbaijani troops entered Karvachar on 25 November 2020"}}},
		{"transliteration Kelbajar", "Armenia handed Kelbajar over to Azerbaijan on Wednesday.", "2020-11-26",
			[]want{{kind: "control", place: "kalbajar", actor: "azerbaijan", mode: "handover", from: "2020-11-25"}}},
		{"local form Kəlbəcər", "Kəlbəcər was returned to Azerbaijan on 25 November.", "2020-12-05",
			[]want{{kind: "control", place: "kalbajar", actor: "azerbaijan", mode: "handover", from: "2020-11-25", quote: "Kəlbəcər was returned to Azerbaijan on 25 November"}}},
		{"case-insensitive", "KALBAJAR was handed to Azerbaijan yesterday.", "2020-11-26",
			[]want{{kind: "control", place: "kalbajar", actor: "azerbaijan", from: "2020-11-25"}}},
		{"gapped list with explicit receiver", "Sarik was ceded to Veltria on Monday, Pol on March 9 and Dolna on March 2.", "2023-03-14",
			[]want{
				{kind: "control", place: "sarik", actor: "veltria", from: "2023-03-13", quote: "Sarik was ceded to Veltria on Monday"},
				{kind: "control", place: "pol", actor: "veltria", from: "2023-03-09", quote: "Pol on March 9"},
				{kind: "control", place: "dolna", actor: "veltria", from: "2023-03-02", quote: "Dolna on March 2"},
			}},
		{"list shares a trailing date", "Veltrian troops entered Sarik and Pol on March 9.", "2023-03-14",
			[]want{{kind: "control", place: "sarik", actor: "veltria", from: "2023-03-09"}, {kind: "control", place: "pol", actor: "veltria", from: "2023-03-09"}}},
		{"passive capture by", "Tarnak was captured by the rebels on 2 May 2023.", "2023-05-04",
			[]want{{kind: "control", place: "tarnak", actor: "marevo-pr", mode: "capture", from: "2023-05-02"}}},
		{"nominal fall to", "The fall of Dolna to Veltrian forces last week ended the siege.", "2023-03-14",
			[]want{{kind: "control", place: "dolna", actor: "veltria", from: "2023-03"}}},
		{"agreed, not done", "Veltria agreed to hand over Pol to the rebels.", "2023-03-14",
			[]want{{kind: "control", none: true}}},
		{"future, not done", "Kostria will withdraw from Sarik.", "2023-03-14",
			[]want{{kind: "control", none: true}}},
		{"deadline for a provision", "The rebels are to leave Tarnak by 15 April under the accord.", "2023-03-14",
			[]want{{kind: "deadline", quote: "rebels are to leave Tarnak by 15 April"}}},
		{"withdrawal without a successor is an event", "Kostrian troops withdrew from Pol on Friday.", "2023-03-14",
			[]want{{kind: "event", place: "pol", actor: "kostria", from: "2023-03-10"}, {kind: "control", none: true}}},
		{"up to", "Up to 4,000 people fled Dolna.", "2023-03-14",
			[]want{{kind: "figure", metric: "displaced", place: "dolna", qual: "up_to", high: 4000, quote: "Up to 4,000 people fled Dolna"}}},
		{"at least killed", "Shelling killed at least 12 civilians in Dolna on Sunday.", "2023-03-14",
			[]want{{kind: "figure", metric: "fatalities", place: "dolna", qual: "at_least", low: 12, from: "2023-03-12"}}},
		{"death toll", "The death toll rose to 85 in Sarik.", "2023-03-14",
			[]want{{kind: "figure", metric: "fatalities", best: 85, qual: "exact"}}},
		{"million", "About 1.5 million people have fled Marevo since January.", "2023-03-14",
			[]want{{kind: "figure", metric: "displaced", place: "marevo", qual: "about", best: 1.5e6, from: "2023-01"}}},
		{"thousands", "Thousands of refugees have returned to Sarik.", "2023-03-14",
			[]want{{kind: "figure", metric: "returned", place: "sarik", low: 2000, high: 9999, qual: "about"}}},
		{"fewer than returned", "Fewer than 300 families had returned to Pol, UNHCR said.", "2023-03-14",
			[]want{{kind: "figure", metric: "returned", place: "pol", qual: "less_than", high: 300, asserted: "unhcr"}}},
		{"according to", "More than 900 detainees were exchanged on Friday, according to the UN mission.", "2023-03-14",
			[]want{{kind: "figure", metric: "released", qual: "more_than", low: 900, asserted: "unmim", from: "2023-03-10"}}},
		{"says X of Y", "\"The ceasefire is fragile and both sides are rearming,\" says Ana Petrova of the International Crisis Group.", "2023-03-14",
			[]want{{kind: "statement", actor: "icg"}}},
		{"party said forward", "Kostria said on Monday that Veltrian forces took Tarnak.", "2023-03-14",
			[]want{{kind: "control", place: "tarnak", actor: "veltria", asserted: "kostria", from: "2023-03-13"}}},
		{"metonym speaks", "Brana says the corridor must stay open to civilian traffic.", "2023-03-14",
			[]want{{kind: "statement", actor: "kostria"}}},
		{"position", "Veltria has vowed to rebuild every school in Dolna.", "2023-03-14",
			[]want{{kind: "statement", actor: "veltria", place: "dolna"}}},
		{"resolution", "The Kostrian parliament adopted a resolution on Friday recognising Marevo.", "2023-03-14",
			[]want{{kind: "statement", actor: "kostria", place: "marevo", from: "2023-03-10"}}},
		{"agreement signed", "Veltria and Kostria signed a ceasefire agreement on 2 February 2023.", "2023-03-14",
			[]want{{kind: "event", actor: "kostria", from: "2023-02-02"}}},
		{"adjective is not an event", "The Kostria-brokered truce is holding.", "2023-03-14",
			[]want{{kind: "event", none: true}}},
		{"mandate months", "The mission has a renewable 18-month mandate.", "2023-03-14",
			[]want{{kind: "figure", metric: "mandate_years", best: 1.5, note: "renewable"}}},
		{"earlier this month", "Veltrian forces retook Sarik earlier this month.", "2023-03-14",
			[]want{{kind: "control", place: "sarik", from: "2023-03"}}},
		{"last month across the year", "Veltrian forces retook Sarik last month.", "2023-01-10",
			[]want{{kind: "control", place: "sarik", from: "2022-12"}}},
		{"year-less date without publication", "Veltrian forces retook Sarik on March 9.", "",
			[]want{{kind: "control", place: "sarik", from: "", note: "unresolved"}}},
		{"weekday without publication", "Veltrian forces retook Sarik on Tuesday.", "",
			[]want{{kind: "control", place: "sarik", from: "", note: "unresolved"}}},
		{"full date without publication", "Veltrian forces retook Sarik on 9 March 2023.", "",
			[]want{{kind: "control", place: "sarik", from: "2023-03-09"}}},
		{"regained control over", "Veltria regained control over Kravets on 4 April.", "2023-04-10",
			[]want{{kind: "control", place: "kravets", actor: "veltria", mode: "capture", from: "2023-04-04"}}},
		{"pronoun subject", "Veltrian officials said on Monday that they had retaken Pol.", "2023-04-10",
			[]want{{kind: "control", place: "pol", actor: "veltria", from: "2023-04-10"}}},
		{"rebels seized control", "Rebels seized control of Tarnak on Saturday after Veltrian forces withdrew.", "2023-04-10",
			[]want{{kind: "control", place: "tarnak", actor: "marevo-pr", from: "2023-04-08"}}},
		{"killed and wounded", "Two soldiers were killed and five wounded in shelling near Dolna, the ministry said.", "2023-04-10",
			[]want{{kind: "figure", metric: "fatalities", place: "dolna", best: 2}, {kind: "figure", metric: "injured", best: 5}}},
		{"killed since month", "At least 1,500 people have been killed since the fighting began in September.", "2023-04-10",
			[]want{{kind: "figure", metric: "fatalities", qual: "at_least", low: 1500, from: "2022-09"}}},
		{"ceasefire took effect", "A 72-hour ceasefire took effect at midnight on Sunday.", "2023-04-10",
			[]want{{kind: "event", from: "2023-04-09", quote: "A 72-hour ceasefire took effect at midnight on Sunday"}}},
		{"agreed to a ceasefire", "Veltria and Kostria agreed to a ceasefire on Friday.", "2023-04-10",
			[]want{{kind: "event", actor: "veltria", from: "2023-04-07"}}},
		{"aside inside a gapped list", "Veltrian forces entered the Pol district on 20 March, a day after the deadline, and the town of Tarnak on 25 March.", "2023-04-10",
			[]want{{kind: "control", place: "pol", actor: "veltria", from: "2023-03-20"}, {kind: "control", place: "tarnak", actor: "veltria", from: "2023-03-25", quote: "Tarnak on 25 March"}}},
		{"a population leaving is a figure", "Around 2,500 ethnic Veltrians left Sarik in early March.", "2023-04-10",
			[]want{{kind: "figure", metric: "displaced", place: "sarik", qual: "about", best: 2500, from: "2023-03"}, {kind: "control", none: true}}},
		{"remains recovered", "The remains of more than 100 fighters were recovered near Pol.", "2023-04-10",
			[]want{{kind: "figure", metric: "fatalities", low: 100}}},
		{"dateline is not the speaker", "LESK, April 9 (Wire) - The truce held overnight, observers said.", "2023-04-10",
			[]want{{kind: "statement", none: true}}},
		{"one person", "A Veltrian soldier was killed by a sniper near Pol on Sunday, the ministry said.", "2023-04-10",
			[]want{{kind: "figure", metric: "fatalities", place: "pol", best: 1, from: "2023-04-09"}}},
		{"monitors count explosions", "The mission recorded about 2,130 explosions in the Marevo region.", "2023-04-10",
			[]want{{kind: "figure", metric: "explosions", place: "marevo", qual: "about", best: 2130}}},
		{"unicode hyphen", "Up to 5,000 people fled Nagorno‑Karabakh.", "2020-12-01",
			[]want{{kind: "figure", metric: "displaced", place: "nagorno-karabakh", high: 5000}}},
		{"shelling", "Veltrian forces shelled Dolna overnight on Sunday, killing two civilians.", "2023-04-10",
			[]want{{kind: "event", place: "dolna", actor: "veltria", from: "2023-04-09"}, {kind: "figure", metric: "fatalities", best: 2}}},
		{"clashes", "Clashes broke out between Veltrian troops and rebels near Tarnak on Friday.", "2023-04-10",
			[]want{{kind: "event", place: "tarnak", actor: "marevo-pr", from: "2023-04-07"}}},
		{"escorted back", "Peacekeepers escorted 1,200 refugees back to Sarik on Sunday.", "2023-04-10",
			[]want{{kind: "figure", metric: "returned", place: "sarik", best: 1200}}},
		{"holds a place", "Rebels still control Pol and Tarnak, the mission said on Monday.", "2023-04-10",
			[]want{{kind: "control", place: "pol", actor: "marevo-pr", mode: "", from: "2023-04-10"}, {kind: "control", place: "tarnak", actor: "marevo-pr", from: "2023-04-10"}}},
		{"in control of", "Veltrian forces are now in control of Sarik.", "2023-04-10",
			[]want{{kind: "control", place: "sarik", actor: "veltria", mode: "", from: "<2023-04-11"}}},
		{"part is not the whole", "The rebels are retaining control over most of Marevo.", "2023-04-10",
			[]want{{kind: "control", none: true}}},
		{"control as a noun", "Control of Pol remains disputed.", "2023-04-10",
			[]want{{kind: "control", none: true}}},
		{"separatists", "Armenian separatists handed Shusha over to Azerbaijan on 8 November 2020.", "2020-11-20",
			[]want{{kind: "control", place: "shusha", actor: "azerbaijan", from: "2020-11-08"}}},
	}
	x := testExtractor(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var pub ledger.Date
			if tc.pub != "" {
				pub = ledger.MustDate(tc.pub)
			}
			cs := x.Extract(tc.text, Options{Source: "s", Published: pub}).Claims
			for _, w := range tc.want {
				got := find(cs, w.kind, w.place, w.actor, w.metric)
				if w.none {
					if len(got) != 0 {
						t.Errorf("want no %s claim, got %q (%s)", w.kind, got[0].Attributions[0].Quote, got[0].Rule)
					}
					continue
				}
				if len(got) != 1 {
					for _, c := range cs {
						t.Logf("got %s %s place=%s actors=%v metric=%s %q", c.Kind, c.Rule, c.Place(), c.Actors(), c.Metric(), c.Attributions[0].Quote)
					}
					t.Fatalf("%d claims %s place=%s actor=%s metric=%s, want 1", len(got), w.kind, w.place, w.actor, w.metric)
				}
				c := got[0]
				if w.kind != "figure" || w.from != "" || w.note == "unresolved" {
					if c.Valid.From.String() != w.from && !(w.from == "" && w.kind != "control") {
						t.Errorf("from %q, want %q (note %q)", c.Valid.From, w.from, c.Note)
					}
				}
				if w.mode != "" && c.Control.Mode != w.mode {
					t.Errorf("mode %q, want %q", c.Control.Mode, w.mode)
				}
				if w.quote != "" && c.Attributions[0].Quote != w.quote {
					t.Errorf("quote %q, want %q", c.Attributions[0].Quote, w.quote)
				}
				if a := c.Attributions[0]; tc.text[a.Start:a.End] != a.Quote {
					t.Errorf("span [%d,%d) is not the quote", a.Start, a.End)
				}
				if w.asserted != "" && c.AssertedBy != w.asserted {
					t.Errorf("asserted by %q, want %q", c.AssertedBy, w.asserted)
				}
				if w.note != "" && !strings.Contains(c.Note, w.note) {
					t.Errorf("note %q, want it to mention %q", c.Note, w.note)
				}
				if f := c.Figure; f != nil {
					if w.qual != "" && f.Qualifier != w.qual {
						t.Errorf("qualifier %q, want %q", f.Qualifier, w.qual)
					}
					for _, v := range []struct {
						name      string
						got, want float64
					}{{"low", num(f.Low), w.low}, {"best", num(f.Best), w.best}, {"high", num(f.High), w.high}} {
						if v.want != 0 && v.got != v.want {
							t.Errorf("%s %v, want %v", v.name, v.got, v.want)
						}
					}
				}
				if err := c.Validate(); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestUnknownActors(t *testing.T) {
	text := "The European Union welcomes the truce. More than 300 bodies were recovered, according to the International Committee of the Red Cross. " +
		"Kostria said the talks would resume."
	res := testExtractor(t).Extract(text, Options{Source: "s"})
	var names []string
	for _, m := range res.Mentions {
		if m.Kind == "actor" && text[m.Start:m.End] == m.Name {
			names = append(names, m.Name)
		}
	}
	if strings.Join(names, ",") != "European Union,International Committee of the Red Cross" {
		t.Errorf("unknown actors %q", names)
	}
}

func TestUnknownNames(t *testing.T) {
	text := "Fighting was reported near the village of Qiyameddinli and in Aghdam, while shells fell on Dolna and around Ostrovets. " +
		"Troops were withdrawn. Government forces retook Debaltseve, and Izium was captured on Friday. The takeover of Lyman followed. " +
		"Residents of Bucha fled."
	res := testExtractor(t).Extract(text, Options{Source: "s", Published: ledger.MustDate("2020-11-01")})
	var names []string
	for _, m := range res.Mentions {
		if m.Kind == "actor" {
			continue
		}
		if text[m.Start:m.End] != m.Name || m.Kind != "place" || m.Source != "s" {
			t.Errorf("mention %+v: span or kind wrong", m)
		}
		names = append(names, m.Name)
	}
	if strings.Join(names, ",") != "Qiyameddinli,Ostrovets,Debaltseve,Izium,Lyman,Bucha" {
		t.Errorf("unknown names %v, want Qiyameddinli and Ostrovets (Aghdam and Dolna are known)", names)
	}
}

// Our own reports in testdata: every claim valid, every quote its span.
func TestOwnReports(t *testing.T) {
	x := testExtractor(t)
	for _, tc := range []struct {
		file, pub string
		min       map[string]int // claims of each kind at least
	}{
		{"veltria-handover.txt", "2023-03-14", map[string]int{"control": 4, "figure": 5, "deadline": 1, "statement": 2, "event": 1}},
		{"marevo-offensive.html", "", map[string]int{"control": 3, "figure": 3}},
		{"karabakh-variants.txt", "2020-12-02", map[string]int{"control": 2, "statement": 1, "event": 1}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			text, page, err := Text(tc.file, raw)
			if err != nil {
				t.Fatal(err)
			}
			pub := ledger.Date{}
			if tc.pub != "" {
				pub = ledger.MustDate(tc.pub)
			} else if page.Published != "" {
				pub, _ = pageDate(page.Published)
			}
			res := x.Extract(text, Options{Source: "s", Published: pub})
			n := map[string]int{}
			for _, c := range res.Claims {
				n[c.Kind]++
				for _, a := range c.Attributions {
					if text[a.Start:a.End] != a.Quote {
						t.Errorf("%s: quote does not match span", c.Rule)
					}
				}
				if err := c.Validate(); err != nil {
					t.Errorf("%s: %v", c.Rule, err)
				}
			}
			for k, v := range tc.min {
				if n[k] < v {
					t.Errorf("%d %s claims, want at least %d", n[k], k, v)
				}
			}
		})
	}
}

func TestHTMLArticleText(t *testing.T) {
	raw, err := os.ReadFile("testdata/marevo-offensive.html")
	if err != nil {
		t.Fatal(err)
	}
	text, page, err := Text("marevo-offensive.html", raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"window.tracker", "font-family", "Share on social", "Copyright", "Home", "Related:", "<p"} {
		if strings.Contains(text, bad) {
			t.Errorf("article text keeps boilerplate %q", bad)
		}
	}
	for _, good := range []string{"Government retakes Tarnak as deadline passes", "Veltrian forces recaptured Tarnak from the rebels on 2 May 2023",
		"under a mandate of two years."} {
		if !strings.Contains(text, good) {
			t.Errorf("article text lost %q", good)
		}
	}
	if !strings.Contains(text, "the army said.\n\nRebel fighters") {
		t.Errorf("paragraphs are not separated by a blank line:\n%s", text)
	}
	if page.Published != "2023-05-04T09:15:00Z" || page.Publisher != "Example Wire" || page.URL != "https://wire.example/marevo/tarnak" || !strings.HasPrefix(page.Title, "Government retakes Tarnak") {
		t.Errorf("page %+v", page)
	}
	// sniffed without an .html extension too
	text2, _, err := Text("-", raw)
	if err != nil || text2 != text {
		t.Errorf("standard input HTML not recognised: %v", err)
	}
}

func TestTokenizer(t *testing.T) {
	text := "Nagorno-Karabakh's 90,000 people fled on Nov. 25. Then “Kəlbəcər” fell.\n\nNew para"
	toks := tokenize(text)
	for _, tk := range toks {
		if tk.s < 0 || tk.e > len(text) || tk.s >= tk.e {
			t.Fatalf("bad token span %+v", tk)
		}
	}
	if toks[0].low != "nagorno" || !toks[0].hyph || toks[1].low != "karabakh" {
		t.Errorf("hyphenated name: %+v %+v", toks[0], toks[1])
	}
	if toks[2].low != "90,000" || toks[2].num != 90000 {
		t.Errorf("number: %+v", toks[2])
	}
	ss := sentences(toks)
	if len(ss) != 3 {
		for _, s := range ss {
			t.Logf("sentence %q", text[toks[s[0]].s:toks[s[1]-1].e])
		}
		t.Fatalf("%d sentences, want 3 (\"Nov.\" is not an end)", len(ss))
	}
}
