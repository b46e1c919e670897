package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runIn runs truce with args and stdin as a user would, and returns the
// exit code, stdout and stderr.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// runCmd is runIn with no input.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runIn(t, "", args...)
}

// truceIn runs truce, fails the test unless it exits with want, and
// returns stdout and stderr.
func truceIn(t *testing.T, stdin string, want int, args ...string) (string, string) {
	t.Helper()
	code, out, errs := runIn(t, stdin, args...)
	if code != want {
		t.Fatalf("truce %s: exit %d, want %d; stderr: %s", strings.Join(args, " "), code, want, errs)
	}
	return out, errs
}

// truce is truceIn with no input, returning stdout.
func truce(t *testing.T, want int, args ...string) string {
	t.Helper()
	out, _ := truceIn(t, "", want, args...)
	return out
}
