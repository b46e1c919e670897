package datasets_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"
	"truce/internal/testledger"

	"truce/datasets"
	"truce/ledger"
	"truce/monitor"
)

// open loads the shipped case into a fresh SQLite ledger.
func open(t *testing.T) *monitor.Monitor {
	t.Helper()
	m := testledger.Karabakh(t)
	return m
}

func day(t *testing.T, s string) ledger.Day {
	t.Helper()
	d, err := ledger.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStateThroughTheHandovers(t *testing.T) {
	m := open(t)
	tests := []struct {
		at, place, controller, since string
	}{
		{"2020-11-19", "aghdam-district", "armenia", "<2000"},
		{"2020-11-21", "aghdam-district", "azerbaijan", "2020-11-20"},
		{"2020-11-21", "kalbajar-district", "armenia", "<2000"},
		{"2020-11-26", "kalbajar-district", "azerbaijan", "2020-11-25"},
		{"2020-11-30", "lachin-district", "armenia", "<2000"},
		{"2020-12-02", "lachin-district", "azerbaijan", "2020-12-01"},
		{"2020-12-02", "aghdam-district", "azerbaijan", "2020-11-20"},
		{"2020-10-16", "fuzuli", "", ""},
		{"2020-10-18", "fuzuli", "azerbaijan", "2020-10-17"},
		{"2020-11-07", "shusha", "", ""},
		{"2020-11-09", "shusha", "azerbaijan", "2020-11-08"},
		{"2020-12-02", "nagorno-karabakh", "nk-authorities", "<2000"},
		{"2020-12-02", "stepanakert", "nk-authorities", "<2000"},
		{"2020-12-02", "qubadli-district", "azerbaijan", "2020-10"},
	}
	for _, tt := range tests {
		t.Run(tt.at+"/"+tt.place, func(t *testing.T) {
			ps, ok := m.Index.PlaceAt(tt.place, day(t, tt.at), time.Time{})
			if tt.controller == "" {
				if ok && ps.Controller != "" {
					t.Fatalf("%s at %s: controller %s, want none yet", tt.place, tt.at, ps.Controller)
				}
				return
			}
			if !ok || ps.Controller != tt.controller || ps.Since != tt.since {
				t.Fatalf("%s at %s: %+v, want %s since %q", tt.place, tt.at, ps, tt.controller, tt.since)
			}
			if ps.Disputed {
				t.Fatalf("%s at %s: disputed %+v", tt.place, tt.at, ps.Sides)
			}
		})
	}

	// The full map on 2 December: the corridor has the peacekeepers and no
	// controller; the districts around it are Azerbaijan's.
	state := m.Index.State(day(t, "2020-12-02"), time.Time{})
	byPlace := map[string]ledger.PlaceState{}
	for _, s := range state {
		byPlace[s.Place] = s
	}
	for _, d := range []string{"aghdam-district", "kalbajar-district", "lachin-district", "fuzuli-district",
		"jabrayil-district", "zangilan-district", "qubadli-district"} {
		if c := byPlace[d].Controller; c != "azerbaijan" {
			t.Errorf("2020-12-02: %s controlled by %q, want azerbaijan (all seven districts)", d, c)
		}
	}
	corridor, ok := byPlace["lachin-corridor"]
	if !ok {
		t.Fatal("2020-12-02: the Lachin corridor is missing from the state")
	}
	if corridor.Controller != "" {
		t.Errorf("Lachin corridor: controller %q, want none (it stays under the peacekeepers)", corridor.Controller)
	}
	want := ledger.Presence{Place: "lachin-corridor", Actor: "russian-peacekeepers", Role: "peacekeeping"}
	if !slices.Contains(corridor.Presence, want) {
		t.Errorf("Lachin corridor presence %+v, want %+v", corridor.Presence, want)
	}
	// Before the ceasefire there were no peacekeepers.
	if ps, ok := m.Index.PlaceAt("lachin-corridor", day(t, "2020-11-09"), time.Time{}); ok {
		t.Errorf("Lachin corridor on 2020-11-09: %+v, want nothing in force", ps)
	}
}

func TestAgreementStatus(t *testing.T) {
	m := open(t)
	ag, err := m.Agreement("karabakh-2020")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ag.Provisions); n != 11 {
		t.Fatalf("%d provisions, want 11 (points 1-9, point 6 split in three)", n)
	}
	got := map[string]ledger.ProvisionState{}
	for _, ps := range m.Index.ProvisionStatus(ag, day(t, "2020-12-02"), time.Time{}) {
		got[ps.Number] = ps
	}
	want := map[string]string{
		"1":  ledger.StatusInForce,
		"2":  ledger.StatusMetOnTime,
		"3":  ledger.StatusInProgress,
		"4":  ledger.StatusInProgress,
		"5":  ledger.StatusPending,
		"6a": ledger.StatusMetOnTime,
		"6b": ledger.StatusMetOnTime,
		"6c": ledger.StatusPending,
		"7":  ledger.StatusInProgress,
		"8":  ledger.StatusPending,
		"9":  ledger.StatusPending,
	}
	for n, w := range want {
		if g := got[n].Status; g != w {
			t.Errorf("provision %s: status %q (%s), want %q", n, g, got[n].Why, w)
		}
	}
	if g := got["2"].MetOn; g != "2020-11-20" {
		t.Errorf("Aghdam met on %q, want 2020-11-20", g)
	}
	if g := got["6b"].MetOn; g != "2020-12-01" {
		t.Errorf("Lachin met on %q, want 2020-12-01", g)
	}

	// Kalbajar: on time against the amended deadline, 10 days late
	// against the first, which is kept.
	k := got["6a"]
	if k.MetOn != "2020-11-25" || len(k.Deadlines) != 2 {
		t.Fatalf("Kalbajar: met %q, deadlines %+v; want met 2020-11-25 against two deadlines", k.MetOn, k.Deadlines)
	}
	first, amended := k.Deadlines[0], k.Deadlines[1]
	if first.Due != "2020-11-15" || first.InForce || first.LateDays != 10 {
		t.Errorf("Kalbajar first deadline %+v, want due 2020-11-15, not in force, 10 days late", first)
	}
	if amended.Due != "2020-11-25" || !amended.InForce || amended.LateDays != 0 || amended.Amends != "2020-11-15" || amended.Effective != "2020-11-15" {
		t.Errorf("Kalbajar amended deadline %+v, want due 2020-11-25 in force, amending 2020-11-15 from 2020-11-15", amended)
	}
	// Before the extension the first deadline applies, and on 2020-11-16
	// Kalbajar is overdue against it.
	early := m.Index.ProvisionStatus(ag, day(t, "2020-11-14"), time.Time{})
	for _, ps := range early {
		if ps.Number == "6a" && ps.Status != ledger.StatusPending {
			t.Errorf("Kalbajar on 2020-11-14: %s, want pending", ps.Status)
		}
		if ps.Number == "2" && ps.Status != ledger.StatusPending {
			t.Errorf("Aghdam on 2020-11-14: %s, want pending", ps.Status)
		}
	}

	// Return of displaced people: in progress, on Russia's "more than 26,000".
	ret := got["7"]
	if len(ret.Evidence) == 0 {
		t.Fatal("return of displaced people: no evidence")
	}
	cs, err := m.ClaimsByID(context.Background(), ret.Evidence[len(ret.Evidence)-1:], time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f := cs[0].Figure
	if f == nil || f.Metric != "returned" || f.Low == nil || *f.Low != 26000 || f.Qualifier != "more_than" || cs[0].AssertedBy != "russia" {
		t.Errorf("return evidence %+v (figure %+v), want Russia's more_than 26000 returned", cs[0], f)
	}

	// Pending never becomes met: the same provisions with no evidence are
	// still not met years later (only overdue when a deadline passed).
	later := m.Index.ProvisionStatus(ag, day(t, "2025-01-01"), time.Time{})
	for _, ps := range later {
		switch ps.Number {
		case "5", "8", "9", "6c":
			if ps.Status == ledger.StatusMetOnTime || ps.Status == ledger.StatusMetLate || ps.MetOn != "" {
				t.Errorf("provision %s without evidence shows %s", ps.Number, ps.Status)
			}
		}
	}
}

func TestMandateIsComputed(t *testing.T) {
	m := open(t)
	ag, err := m.Agreement("karabakh-2020")
	if err != nil {
		t.Fatal(err)
	}
	if len(ag.Mandates) != 1 {
		t.Fatalf("%d mandates, want 1", len(ag.Mandates))
	}
	md := ag.Mandates[0]
	if md.Personnel != 1960 || md.Actor != "russian-peacekeepers" {
		t.Errorf("mandate %+v, want 1,960 Russian peacekeepers", md)
	}
	tests := []struct{ at, expiry, notice string }{
		{"2020-12-02", "2025-11-10", "2025-05-10"},
		{"2025-11-09", "2025-11-10", "2025-05-10"},
		{"2025-11-10", "2030-11-10", "2030-05-10"}, // renewed: no notice recorded
	}
	for _, tt := range tests {
		var ms *ledger.MandateAt
		for _, ps := range m.Index.ProvisionStatus(ag, day(t, tt.at), time.Time{}) {
			if ps.Mandate != nil {
				ms = ps.Mandate
			}
		}
		if ms == nil || ms.Err != "" {
			t.Fatalf("at %s: no computed mandate (%+v)", tt.at, ms)
		}
		if ms.Term.Expiry.String() != tt.expiry || ms.Term.Notice.String() != tt.notice {
			t.Errorf("at %s: expiry %s notice %s, want %s and %s", tt.at, ms.Term.Expiry, ms.Term.Notice, tt.expiry, tt.notice)
		}
	}
}

func TestEveryClaimIsSourcedAndPlaced(t *testing.T) {
	m := open(t)
	ctx := context.Background()
	page, err := m.Claims(ctx, ledger.Filter{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.Total < 30 {
		t.Fatalf("%d claims loaded, want the whole case", page.Total)
	}
	g := m.Gazetteer()
	sources := map[string]ledger.Source{}
	for _, id := range []string{"karabakh-2020-s1", "karabakh-2020-s2", "karabakh-2020-s3", "karabakh-2020-s4", "karabakh-2020-s5"} {
		s, err := m.Store.Source(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Publisher == "" || s.Title == "" || s.URL == "" || s.Published.IsZero() || s.Reliability == "" {
			t.Errorf("source %s lacks publisher, title, URL, date or grade: %+v", id, s)
		}
		sources[id] = s
	}
	for _, c := range page.Claims {
		if len(c.Attributions) == 0 {
			t.Errorf("claim %s has no source", c.ID)
		}
		for _, a := range c.Attributions {
			if _, ok := sources[a.Source]; !ok {
				t.Errorf("claim %s cites unknown source %s", c.ID, a.Source)
			}
		}
		if c.Status != ledger.Accepted || c.Credibility < 1 || c.Credibility > 6 {
			t.Errorf("claim %s: status %s credibility %d", c.ID, c.Status, c.Credibility)
		}
		for _, p := range []string{c.Place(), figurePlace(c)} {
			if _, ok := g.Place(p); p != "" && !ok {
				t.Errorf("claim %s names place %q, not in the gazetteer", c.ID, p)
			}
		}
		for _, a := range c.Actors() {
			if _, ok := g.Actor(a); !ok {
				t.Errorf("claim %s names actor %q, not known", c.ID, a)
			}
		}
	}
	ag, _ := m.Agreement("karabakh-2020")
	for _, p := range ag.Provisions {
		if e := p.Expected; e.Place != "" {
			if _, ok := g.Place(e.Place); !ok {
				t.Errorf("provision %s expects place %q, not in the gazetteer", p.ID, e.Place)
			}
		}
	}
}

func figurePlace(c *ledger.Claim) string {
	if c.Figure != nil {
		return c.Figure.Place
	}
	return ""
}

func TestGazetteerNames(t *testing.T) {
	m := open(t)
	g := m.Gazetteer()
	places := []struct{ name, id string }{
		{"Kalbajar", "kalbajar"}, {"Kelbajar", "kalbajar"}, {"Kəlbəcər", "kalbajar"}, {"Karvachar", "kalbajar"}, {"Кельбаджар", "kalbajar"},
		{"Stepanakert", "stepanakert"}, {"Khankendi", "stepanakert"}, {"Xankəndi", "stepanakert"},
		{"Shushi", "shusha"}, {"Şuşa", "shusha"}, {"Berdzor", "lachin"}, {"Laçın", "lachin"},
		{"Akna", "aghdam"}, {"Agdam", "aghdam"}, {"Varanda", "fuzuli"}, {"Füzuli", "fuzuli"},
		{"Jrakan", "jabrayil"}, {"Jebrail", "jabrayil"}, {"Cəbrayıl", "jabrayil"},
		{"Kovsakan", "zangilan"}, {"Zəngilan", "zangilan"}, {"Kashunik", "qubadli"}, {"Gubadly", "qubadli"},
		{"Artsakh", "nagorno-karabakh"}, {"Dağlıq Qarabağ", "nagorno-karabakh"}, {"Нагорный Карабах", "nagorno-karabakh"},
		{"Lachin corridor", "lachin-corridor"}, {"Naxçıvan", "nakhchivan"}, {"Hadrut", "hadrut"},
		{"Kalbajar District", "kalbajar-district"}, {"Agdam District", "aghdam-district"},
	}
	for _, tt := range places {
		if id, ok := g.FindPlace(tt.name); !ok || id != tt.id {
			t.Errorf("place %q: found %q (%v), want %s", tt.name, id, ok, tt.id)
		}
	}
	actors := []struct{ name, id string }{
		{"Baku", "azerbaijan"}, {"Yerevan", "armenia"}, {"Moscow", "russia"}, {"Ankara", "turkey"},
		{"separatists", "nk-authorities"}, {"Minsk Group", "osce-minsk-group"}, {"Russian peacekeepers", "russian-peacekeepers"},
		{"Crisis Group", "international-crisis-group"}, {"UNHCR", "unhcr"}, {"Azerbaijani", "azerbaijan"},
	}
	for _, tt := range actors {
		if id, ok := g.FindActor(tt.name); !ok || id != tt.id {
			t.Errorf("actor %q: found %q (%v), want %s", tt.name, id, ok, tt.id)
		}
	}
	if a, _ := g.Actor("russian-peacekeepers"); a.Affiliation != "russia" {
		t.Errorf("peacekeepers affiliated to %q, want russia", a.Affiliation)
	}
	// Contested names: the label shows both, and every place of the case
	// that a claim or provision is about has a point.
	for id, label := range map[string]string{"stepanakert": "Stepanakert / Khankendi", "lachin": "Lachin / Berdzor", "shusha": "Shusha / Shushi"} {
		if p, _ := g.Place(id); p.Label != label {
			t.Errorf("%s label %q, want %q", id, p.Label, label)
		}
	}
	for _, p := range m.Places() {
		if p.Kind != "country" && p.Point == nil {
			t.Errorf("place %s has no point", p.ID)
		}
		if len(p.Geometry) > 0 && p.Attribution == "" {
			t.Errorf("place %s ships a boundary without attribution", p.ID)
		}
	}
	// Every name leads back to its own place and no other: no name of
	// the case is ambiguous.
	for _, p := range m.Places() {
		for _, n := range p.Names {
			if id, ok := g.FindPlace(n.Name); !ok || id != p.ID {
				t.Errorf("name %q of %s resolves to %q (%v)", n.Name, p.ID, id, ok)
			}
		}
	}
	for _, id := range []string{"aghdam-district", "kalbajar-district", "lachin-district", "fuzuli-district",
		"jabrayil-district", "zangilan-district", "qubadli-district"} {
		if p, _ := g.Place(id); len(p.Geometry) == 0 {
			t.Errorf("district %s has no polygon", id)
		}
	}
}

func TestLoadTwiceWritesNothing(t *testing.T) {
	m := open(t)
	ctx := context.Background()
	n := m.Index.Len()
	st, err := datasets.Apply(ctx, m, datasets.Default)
	if err != nil {
		t.Fatal(err)
	}
	if st != (datasets.Stats{Skipped: st.Skipped}) || st.Skipped == 0 {
		t.Errorf("second load wrote %+v, want nothing", st)
	}
	if m.Index.Len() != n {
		t.Errorf("second load: %d claims, was %d", m.Index.Len(), n)
	}
	if err := datasets.Load(ctx, m, "no-such-case"); err == nil {
		t.Error("loading an unknown case succeeded")
	}
}

// The shipped polygons are the right ones: each town's point (from the
// fact sheet) lies inside the shape of the place that contains it.
func TestTownsLieInTheirShapes(t *testing.T) {
	m := open(t)
	g := m.Gazetteer()
	for town, area := range map[string]string{
		"aghdam": "aghdam-district", "kalbajar": "kalbajar-district", "lachin": "lachin-district",
		"fuzuli": "fuzuli-district", "jabrayil": "jabrayil-district", "zangilan": "zangilan-district",
		"qubadli": "qubadli-district", "stepanakert": "nagorno-karabakh", "shusha": "nagorno-karabakh",
		"hadrut": "nagorno-karabakh",
	} {
		tp, _ := g.Place(town)
		ap, _ := g.Place(area)
		if tp.Point == nil {
			t.Fatalf("%s has no point", town)
		}
		if !inside(t, ap.Geometry, *tp.Point) {
			t.Errorf("%s (%v) is not inside the shape of %s", town, *tp.Point, area)
		}
	}
	// And not inside a neighbour's.
	kp, _ := g.Place("kalbajar")
	lp, _ := g.Place("lachin-district")
	if inside(t, lp.Geometry, *kp.Point) {
		t.Error("Kalbajar town lies inside Lachin district")
	}
}

// inside tests a point against a GeoJSON Polygon or MultiPolygon by ray
// casting, holes included.
func inside(t *testing.T, geom []byte, p ledger.Point) bool {
	t.Helper()
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(geom, &g); err != nil {
		t.Fatalf("geometry: %v", err)
	}
	var polys [][][][2]float64
	switch g.Type {
	case "Polygon":
		var poly [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &poly); err != nil {
			t.Fatal(err)
		}
		polys = append(polys, poly)
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("geometry type %q", g.Type)
	}
	for _, poly := range polys {
		in := false
		for _, ring := range poly {
			for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
				a, b := ring[i], ring[j]
				if (a[1] > p.Lat) != (b[1] > p.Lat) && p.Lon < (b[0]-a[0])*(p.Lat-a[1])/(b[1]-a[1])+a[0] {
					in = !in
				}
			}
		}
		if in {
			return true
		}
	}
	return false
}
