package ledger

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestIntervalJSONMatchesEncodingJSON checks the hand-built encoding of
// valid times against what encoding/json makes of the same strings, which
// is what earlier versions wrote and what readers expect.
func TestIntervalJSONMatchesEncodingJSON(t *testing.T) {
	var dates []Date
	for _, prec := range []Precision{PrecNone, PrecYear, PrecMonth, PrecDay} {
		for _, mod := range []string{"", "before", "after", "circa"} {
			for _, ymd := range [][3]int{{2024, 3, 7}, {1, 1, 1}, {999, 12, 31}, {9999, 12, 31}, {0, 0, 0}, {12345, 10, 5}, {-44, 3, 15}, {2024, 100, -1}} {
				dates = append(dates, Date{Y: ymd[0], M: ymd[1], D: ymd[2], Prec: prec, Mod: mod})
			}
		}
	}
	type alias struct {
		From string `json:"from,omitempty"`
		To   string `json:"to,omitempty"`
	}
	ref := func(d Date) string {
		var s string
		switch d.Prec {
		case PrecNone:
			return ""
		case PrecYear:
			s = fmt.Sprintf("%04d", d.Y)
		case PrecMonth:
			s = fmt.Sprintf("%04d-%02d", d.Y, d.M)
		default:
			s = fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
		}
		switch d.Mod {
		case "before":
			return "<" + s
		case "after":
			return ">" + s
		}
		return s
	}
	for _, from := range dates {
		if got, want := from.String(), ref(from); got != want {
			t.Errorf("%#v.String() = %q, want %q", from, got, want)
		}
		for _, to := range dates {
			iv := Interval{From: from, To: to}
			got, err := json.Marshal(iv)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(alias{ref(from), ref(to)})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%#v: got %s, want %s", iv, got, want)
			}
		}
	}
}
