package ledger

import (
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkClaimJSON encodes one imported event claim as the SQLite store
// does for every claim it writes (a million for a million-row ACLED file).
func BenchmarkClaimJSON(b *testing.B) {
	best := 3.0
	d := Date{Y: 2024, M: 3, D: 7, Prec: PrecDay}
	c := &Claim{ID: "01JABCDEFGHJKMNPQRSTVWXYZ0", Kind: KindEvent, Valid: Interval{From: d, To: d},
		Attributions: []Attribution{{Source: "dataset-0123456789abcdef", Start: 1234567, End: 1234999}},
		RecordedAt:   time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC), RecordedBy: "import", Status: "candidate", Credibility: 3,
		Note: "disorder_type: Political violence\nsource: Local partner", Rule: "acled",
		Event: &Event{Type: "Battles", SubType: "Armed clash", Actors: []string{"military-forces", "rebel-group-12"},
			Roles: []string{"actor1", "actor2"}, Place: "town-42", Point: &Point{Lon: 36.5, Lat: 2.25}, GeoPrec: 1,
			Location: "Town 42", Fatalities: &Range{Best: &best}, ExternalID: "XYZ123456",
			Notes: "On 7 March 2024, forces clashed with a rebel group near Town 42."}}
	for b.Loop() {
		if _, err := json.Marshal(c); err != nil {
			b.Fatal(err)
		}
	}
}
