// Package shared finds the project's shared folder (../shared beside the
// repository), which holds real third-party data and reports that tests
// read at run time and never copy into the repository.
package shared

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared folder. Without it a test is skipped, except under
// CI=true, where a missing dependency fails the run.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("TRUCE_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(d), "shared")
			if _, err := os.Stat(s); err == nil {
				return s
			}
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	Require(t, "the shared data folder ../shared (or TRUCE_SHARED)")
	return ""
}

// Path joins elements under the shared folder.
func Path(t testing.TB, elem ...string) string {
	return filepath.Join(append([]string{Dir(t)}, elem...)...)
}

// Require skips the test for a missing dependency, or fails it under CI.
func Require(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("missing %s: required under CI", what)
	}
	t.Skipf("missing %s", what)
}
