// Package testledger opens fresh SQLite ledgers for tests: the one way
// tests get a real store, monitored, in a temporary directory.
package testledger

import (
	"context"
	"path/filepath"
	"testing"

	"truce/datasets"
	"truce/monitor"
	"truce/store/sqlite"
)

// Open is a monitor over a new, empty SQLite ledger, closed with the test.
func Open(t testing.TB) *monitor.Monitor {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "truce.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := monitor.Open(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Karabakh is Open with the embedded Karabakh 2020 case loaded.
func Karabakh(t testing.TB) *monitor.Monitor {
	t.Helper()
	m := Open(t)
	if err := datasets.Load(context.Background(), m, datasets.Default); err != nil {
		t.Fatal(err)
	}
	return m
}
