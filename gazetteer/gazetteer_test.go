package gazetteer_test

import (
	"testing"

	"truce/gazetteer"
	"truce/ledger"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Kəlbəcər", "kelbecer"},
		{"Kalbajar", "kalbajar"},
		{"  Ağdam ", "agdam"},
		{"Xankəndi", "xankendi"},
		{"Füzuli", "fuzuli"},
		{"Qubadlı", "qubadli"},
		{"Nagorno-Karabakh", "nagorno karabakh"},
		{"Cəbrayıl", "cebrayil"},
		{"Кельбаджар", "кельбаджар"},
		{"Shushi’s", "shushis"},
	} {
		if got := gazetteer.Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLookup(t *testing.T) {
	g := gazetteer.New([]ledger.Place{
		{ID: "kalbajar", Kind: "district", Label: "Kalbajar", Names: []ledger.Name{{Name: "Kelbajar"}, {Name: "Kəlbəcər", Lang: "az"}, {Name: "Karvachar", Lang: "hy"}}},
		{ID: "stepanakert", Kind: "settlement", Label: "Stepanakert / Khankendi", Names: []ledger.Name{{Name: "Stepanakert", Lang: "hy"}, {Name: "Khankendi", Lang: "az"}, {Name: "Xankəndi", Lang: "az"}}},
	}, []ledger.Actor{{ID: "aze", Kind: "state", Label: "Azerbaijan", Names: []ledger.Name{{Name: "Baku", Kind: "metonym"}}}})
	for _, name := range []string{"Kalbajar", "KELBAJAR", "Kəlbəcər", "karvachar"} {
		if id, ok := g.FindPlace(name); !ok || id != "kalbajar" {
			t.Errorf("FindPlace(%q) = %q %v", name, id, ok)
		}
	}
	if id, ok := g.FindPlace("Xankendi"); !ok || id != "stepanakert" {
		t.Errorf("Xankendi: %q", id)
	}
	if id, ok := g.FindActor("baku"); !ok || id != "aze" {
		t.Errorf("metonym Baku: %q", id)
	}
	if _, ok := g.FindPlace("Atlantis"); ok {
		t.Error("unknown name found")
	}
	p, _ := g.Place("stepanakert")
	if a := gazetteer.Aliases(p); len(a) != 3 {
		t.Errorf("aliases beside the label: %v", a)
	}
}
