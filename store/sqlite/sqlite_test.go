package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"truce/store"
	"truce/store/sqlite"
	"truce/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestAppendOnly(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := storetest.Fixture()
	if err := s.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE texts SET body = 'x'", "DELETE FROM sources", "UPDATE places SET doc = '{}'"} {
		if _, err := s.Exec(ctx, q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
}
