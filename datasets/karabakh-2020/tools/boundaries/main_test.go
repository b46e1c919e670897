package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"truce/internal/shared"
)

// The committed boundaries.geojson is what the generator makes from the
// shared files: nobody edited it by hand, and it stays small.
func TestGeneratedFileIsCurrent(t *testing.T) {
	dir := shared.Dir(t)
	out := filepath.Join(t.TempDir(), "boundaries.geojson")
	if err := run(dir, out, 4); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../boundaries.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Error("boundaries.geojson differs from the generator's output: run go generate ./datasets")
	}
	if len(committed) > 300<<10 {
		t.Errorf("boundaries.geojson is %d bytes, want under 300 KB", len(committed))
	}
}
