package extract

import (
	"encoding/json"
	"os"
	"testing"

	"truce/gazetteer"
	"truce/ledger"
)

// testRefs is the gazetteer the tests use until the Karabakh dataset
// lands: testdata/gazetteer.json, written for these tests (Karabakh names
// from the fact sheet, and a fictional ceasefire for our own reports).
type testRefs struct {
	Places     []ledger.Place     `json:"places"`
	Actors     []ledger.Actor     `json:"actors"`
	Agreements []ledger.Agreement `json:"agreements"`
}

func loadRefs(t testing.TB) testRefs {
	t.Helper()
	b, err := os.ReadFile("testdata/gazetteer.json")
	if err != nil {
		t.Fatal(err)
	}
	var r testRefs
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("testdata/gazetteer.json: %v", err)
	}
	return r
}

func testExtractor(t testing.TB) *Extractor {
	r := loadRefs(t)
	return New(gazetteer.New(r.Places, r.Actors), r.Places, r.Actors, r.Agreements)
}
