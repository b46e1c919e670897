package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// progress draws a one-line bar on stderr when it is a terminal and stays
// silent when piped, so logs and scripts see only results.
type progress struct {
	w     io.Writer
	on    bool
	total int
	n     int
	label string
}

func (e *env) progress(total int, label string) *progress {
	p := &progress{w: e.stderr, total: total, label: label}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && total > 1 {
		p.on = true
	}
	return p
}

// step advances the bar by one, naming the item done.
func (p *progress) step(item string) {
	p.n++
	if !p.on {
		return
	}
	const width = 30
	fill := width * p.n / max(p.total, 1)
	if len(item) > 40 {
		item = "…" + item[len(item)-39:]
	}
	fmt.Fprintf(p.w, "\r\033[K%s [%s%s] %d/%d %s", p.label, strings.Repeat("#", fill), strings.Repeat(".", width-fill), p.n, p.total, item)
}

// done clears the bar.
func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
