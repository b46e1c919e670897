package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"truce/ledger"
)

// The embedded case, through the commands a newcomer types: a new
// database is seeded once, the map and the agreement answer for the weeks
// of the handovers, and an explicit reload adds nothing.
func TestKarabakhThroughTheCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "truce.db")
	controller := func(at, place string) (string, []ledger.Presence) {
		var got struct {
			Places []ledger.PlaceState `json:"places"`
		}
		if err := json.Unmarshal([]byte(truce(t, 0, "state", "--db", db, "--at", at, "--json")), &got); err != nil {
			t.Fatal(err)
		}
		for _, p := range got.Places {
			if p.Place == place {
				return p.Controller, p.Presence
			}
		}
		return "", nil
	}
	for _, tt := range []struct{ at, place, want string }{
		{"2020-11-19", "aghdam-district", "armenia"},
		{"2020-11-21", "aghdam-district", "azerbaijan"},
		{"2020-11-24", "kalbajar-district", "armenia"},
		{"2020-11-26", "kalbajar-district", "azerbaijan"},
		{"2020-12-02", "lachin-district", "azerbaijan"},
	} {
		if got, _ := controller(tt.at, tt.place); got != tt.want {
			t.Errorf("state --at %s: %s controlled by %q, want %q", tt.at, tt.place, got, tt.want)
		}
	}
	ctl, pres := controller("2020-12-02", "lachin-corridor")
	if ctl != "" || len(pres) != 1 || pres[0].Actor != "russian-peacekeepers" || pres[0].Role != "peacekeeping" {
		t.Errorf("Lachin corridor on 2020-12-02: controller %q, presence %+v; want only the peacekeepers", ctl, pres)
	}

	status := func(args ...string) map[string]ledger.ProvisionState {
		var got struct {
			Provisions []ledger.ProvisionState `json:"provisions"`
		}
		out := truce(t, 0, append([]string{"agreement", "status", "--db", db, "--json"}, args...)...)
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		m := map[string]ledger.ProvisionState{}
		for _, p := range got.Provisions {
			m[p.Number] = p
		}
		return m
	}
	st := status("--at", "2020-12-02")
	for n, want := range map[string]string{"1": "in_force", "2": "met_on_time", "6a": "met_on_time", "6b": "met_on_time",
		"7": "in_progress", "5": "pending", "8": "pending", "9": "pending"} {
		if st[n].Status != want {
			t.Errorf("agreement status at 2020-12-02: provision %s is %s, want %s", n, st[n].Status, want)
		}
	}
	if d := st["6a"].Deadlines; len(d) != 2 || d[0].LateDays != 10 {
		t.Errorf("Kalbajar deadlines %+v: want two, 10 days late against the first", d)
	}
	// As known on 12 November only the signed deadline was on record.
	early := status("--at", "2020-11-14", "--known-at", "2020-11-12")
	if d := early["6a"].Deadlines; len(d) != 1 || d[0].Due != "2020-11-15" {
		t.Errorf("Kalbajar as known at 2020-11-12: deadlines %+v, want only 2020-11-15", d)
	}

	if out := truce(t, 0, "dataset", "load", "karabakh-2020", "--db", db); !strings.Contains(out, "already loaded") {
		t.Errorf("second load: %q, want nothing added", out)
	}
	truce(t, 4, "dataset", "load", "no-such-case", "--db", db)

	// --empty leaves a new database empty.
	empty := filepath.Join(t.TempDir(), "empty.db")
	var got struct {
		Places []ledger.PlaceState `json:"places"`
	}
	if err := json.Unmarshal([]byte(truce(t, 0, "state", "--db", empty, "--empty", "--at", "2020-12-02", "--json")), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Places) != 0 {
		t.Errorf("--empty: %d places in the state, want none", len(got.Places))
	}
}
