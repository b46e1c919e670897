package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// progress reports long work on a terminal, at most a few times a second,
// and says nothing when stderr is piped or redirected.
type progress struct {
	w     io.Writer
	label string
	total int // 0 when unknown
	n     int
	last  time.Time
	start time.Time
}

func (e *env) progress(label string, total int) *progress {
	p := &progress{label: label, total: total, start: time.Now()}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.w = f
	}
	return p
}

// Add counts n more items done.
func (p *progress) Add(n int) {
	p.n += n
	if p.w == nil || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	if p.total > 0 {
		fmt.Fprintf(p.w, "\r%s: %d/%d (%d%%)", p.label, p.n, p.total, p.n*100/p.total)
	} else {
		fmt.Fprintf(p.w, "\r%s: %d", p.label, p.n)
	}
}

// Done ends the line.
func (p *progress) Done() {
	if p.w != nil {
		fmt.Fprintf(p.w, "\r%s: %d in %s\033[K\n", p.label, p.n, time.Since(p.start).Round(time.Millisecond))
	}
}

// Clear erases the bar so that a line can be printed under it; the next Add
// draws it again.
func (p *progress) Clear() {
	if p.w != nil {
		fmt.Fprint(p.w, "\r\033[K")
		p.last = time.Time{}
	}
}

// Writer counts the bytes written through it as progress.
func (p *progress) Writer(w io.Writer) io.Writer { return progressWriter{w, p} }

type progressWriter struct {
	w io.Writer
	p *progress
}

func (pw progressWriter) Write(b []byte) (int, error) {
	n, err := pw.w.Write(b)
	pw.p.Add(n)
	return n, err
}
