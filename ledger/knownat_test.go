package ledger_test

import (
	"testing"
	"time"

	"truce/ledger"
)

func TestParseKnownAt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"", time.Time{}, false},
		{"2020-11-20", time.Date(2020, 11, 20, 23, 59, 59, 999999000, time.UTC), false},
		{"2020-11-20T12:00:00Z", time.Date(2020, 11, 20, 12, 0, 0, 0, time.UTC), false},
		{"2020-11", time.Time{}, true},
		{"yesterday", time.Time{}, true},
	} {
		got, err := ledger.ParseKnownAt(tc.in)
		if (err != nil) != tc.bad || !got.Equal(tc.want) {
			t.Errorf("ParseKnownAt(%q) = %v, %v", tc.in, got, err)
		}
	}
}
