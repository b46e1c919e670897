package formats

import (
	"context"
	"testing"
	"truce/internal/testledger"

	"truce/internal/shared"
	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// newMonitor opens a fresh SQLite ledger in a temporary directory.
func newMonitor(t testing.TB) *monitor.Monitor {
	t.Helper()
	m := testledger.Open(t)
	return m
}

func data(t testing.TB, elem ...string) string {
	return shared.Path(t, append([]string{"data"}, elem...)...)
}

// importFile imports a file and fails the test on error.
func importFile(t testing.TB, m *monitor.Monitor, format, path string) *Result {
	t.Helper()
	res, err := Import(context.Background(), m, format, path, Options{})
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return res
}

// allClaims reads every claim of the ledger in recorded order.
func allClaims(t testing.TB, m *monitor.Monitor) []*ledger.Claim {
	t.Helper()
	var out []*ledger.Claim
	err := m.Store.Scan(context.Background(), 0, func(_ int64, c *ledger.Claim) error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writePlaces(t testing.TB, m *monitor.Monitor, places ...ledger.Place) {
	t.Helper()
	if err := m.Write(context.Background(), store.Batch{Places: places}); err != nil {
		t.Fatal(err)
	}
}
