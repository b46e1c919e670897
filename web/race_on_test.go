//go:build race

package web_test

// raceOn: timings under the race detector mean nothing.
const raceOn = true
