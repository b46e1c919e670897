package ledger

import (
	"testing"
	"time"
)

// A presence keeps its role in the state view, and a provision that
// expects a role is not satisfied by a presence in another role.
func TestPresenceRole(t *testing.T) {
	x := NewIndex()
	claim := func(id, place, actor, role string) *Claim {
		return &Claim{ID: id, Kind: KindPresence, Valid: Interval{From: MustDate("2020-11-10")},
			Attributions: []Attribution{{Source: "s"}}, RecordedBy: "t", Status: Accepted, Credibility: 2,
			Presence: &Presence{Place: place, Actor: actor, Role: role}}
	}
	x.Add(claim("p1", "corridor", "pk", "peacekeeping"), claim("p2", "border", "pk", "military"))
	d := DayOf(time.Date(2020, 12, 2, 0, 0, 0, 0, time.UTC))
	st, ok := x.PlaceAt("corridor", d, time.Time{})
	if !ok || len(st.Presence) != 1 || st.Presence[0] != (Presence{Place: "corridor", Actor: "pk", Role: "peacekeeping"}) {
		t.Fatalf("corridor: %+v, want the peacekeeping presence with its role", st.Presence)
	}
	ag := Agreement{ID: "a", Provisions: []Provision{
		{ID: "a/1", Number: "1", Expected: Outcome{Kind: KindPresence, Place: "corridor", Actor: "pk", Role: "peacekeeping"}},
		{ID: "a/2", Number: "2", Expected: Outcome{Kind: KindPresence, Place: "border", Actor: "pk", Role: "peacekeeping"}},
		{ID: "a/3", Number: "3", Expected: Outcome{Kind: KindPresence, Place: "border", Actor: "pk"}},
	}}
	want := []string{StatusInProgress, StatusPending, StatusInProgress}
	for i, ps := range x.ProvisionStatus(ag, d, time.Time{}) {
		if ps.Status != want[i] {
			t.Errorf("provision %s: %s, want %s", ps.Number, ps.Status, want[i])
		}
	}
}

// The state view gives a change's date in the precision it was recorded
// in: a month-precision capture is "since 2020-10", never "2020-10-01".
func TestSinceKeepsPrecision(t *testing.T) {
	for _, tt := range []struct{ from, want string }{
		{"2020-11-20", "2020-11-20"},
		{"2020-10", "2020-10"},
		{"2020", "2020"},
		{"<2000", "<2000"},
		{"<2020-11", "<2020-11"},
		{"<2020-11-10", "<2020-11-10"},
		{">2020-11", ">2020-11"},
		{">2020-11-09", ">2020-11-09"},
		{">2019", ">2019"},
	} {
		x := NewIndex()
		x.Add(&Claim{ID: "c", Kind: KindControl, Valid: Interval{From: MustDate(tt.from)},
			Attributions: []Attribution{{Source: "s"}}, RecordedBy: "t", Status: Accepted, Credibility: 2,
			Control: &Control{Place: "p", Actor: "a"}})
		st, ok := x.PlaceAt("p", DayOf(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)), time.Time{})
		if !ok || st.Since != tt.want {
			t.Errorf("from %s: since %q, want %q", tt.from, st.Since, tt.want)
		}
	}
}
