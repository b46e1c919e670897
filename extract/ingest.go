package extract

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// Meta is what the analyst says about a report; empty fields are taken
// from the page (HTML) or left empty.
type Meta struct {
	Name        string      // file name, for errors ("-" for standard input)
	Title       string      // default: the page title, else the first line
	Publisher   string      //
	URL         string      //
	Published   ledger.Date // zero: unknown; relative dates stay unresolved
	Kind        string      // default "news"
	Reliability string      // A-F; default F, "cannot be judged"
	Lang        string
	RecordedBy  string // default "extract"
}

// Report is the outcome of ingesting one report.
type Report struct {
	Source   ledger.Source
	Existing bool // the same text was already stored: nothing was written
	Claims   []*ledger.Claim
	Mentions []store.Mention
}

// Ingest stores a report's text once (addressed by its SHA-256) with its
// candidate claims and unknown names, in one all-or-nothing write. The
// CLI (truce ingest) and the HTTP API share it.
func Ingest(ctx context.Context, m *monitor.Monitor, raw []byte, meta Meta) (Report, error) {
	name := meta.Name
	if name == "" {
		name = "report"
	}
	text, page, err := Text(name, raw)
	if err != nil {
		return Report{}, err
	}
	hash := ledger.HashText(text)
	if src, err := m.Store.SourceByHash(ctx, hash); err == nil {
		return Report{Source: src, Existing: true}, nil
	} else if !errors.Is(err, ledger.ErrNotFound) {
		return Report{}, fmt.Errorf("%s: look up text: %w", name, err)
	}
	if meta.Published.IsZero() && page.Published != "" {
		if d, err := pageDate(page.Published); err == nil {
			meta.Published = d
		}
	}
	src := ledger.Source{
		ID:          "src-" + hash[:16],
		Kind:        def(meta.Kind, "news"),
		Title:       def(meta.Title, page.Title),
		Publisher:   def(meta.Publisher, page.Publisher),
		URL:         def(meta.URL, page.URL),
		Published:   meta.Published,
		Lang:        meta.Lang,
		Reliability: def(meta.Reliability, "F"),
		TextHash:    hash,
		TextLen:     len(text),
		RecordedAt:  m.Now(),
	}
	if src.Title == "" {
		src.Title = firstLine(text, name)
	}
	x := New(m.Gazetteer(), m.Places(), m.Actors(), m.Agreements())
	res := x.Extract(text, Options{Source: src.ID, Published: meta.Published, RecordedBy: meta.RecordedBy})
	b := store.Batch{Sources: []store.SourceText{{Source: src, Text: text}}, Claims: res.Claims, Mentions: res.Mentions}
	if err := m.Write(ctx, b); err != nil {
		return Report{}, fmt.Errorf("%s: write: %w", name, err)
	}
	return Report{Source: src, Claims: res.Claims, Mentions: res.Mentions}, nil
}

func def(v, d string) string {
	if v != "" {
		return v
	}
	return d
}

// pageDate reads a page's published time: "2020-12-01", "2020-12-01T08:30:00Z".
func pageDate(s string) (ledger.Date, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return ledger.DateOfDay(ledger.DayOf(t)), nil
	}
	if len(s) > 10 {
		s = s[:10]
	}
	return ledger.ParseDate(s)
}

func firstLine(text, name string) string {
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return clip(l, 120)
		}
	}
	return filepath.Base(name)
}
