package datasets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"truce/ledger"
)

// RecordedBy marks claims written by a shipped dataset.
const RecordedBy = "dataset"

// reader reads the files of one case folder.
type reader struct {
	fsys fs.FS
	dir  string
}

func (r reader) path(name string) string { return path.Join(r.dir, name) }

// item is a decoded value with the line it starts on.
type item[T any] struct {
	line int
	v    T
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// syntax turns a JSON error into one naming file and line.
func (r reader) syntax(name string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%s:%d: %w: %v", r.path(name), lineAt(data, se.Offset), ledger.ErrInvalid, err)
	case errors.As(err, &te):
		return fmt.Errorf("%s:%d: %w: field %q: got JSON %s, want %s", r.path(name), lineAt(data, te.Offset), ledger.ErrInvalid, te.Field, te.Value, te.Type)
	}
	return fmt.Errorf("%s: %w: %v", r.path(name), ledger.ErrInvalid, err)
}

// readArray decodes a JSON array one element at a time, so that each
// element keeps its line for later errors. Unknown fields are refused: a
// misspelt field would otherwise vanish silently.
func readArray[T any](r reader, name string) ([]item[T], error) {
	data, err := fs.ReadFile(r.fsys, r.path(name))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("%s:1: %w: want a JSON array", r.path(name), ledger.ErrInvalid)
	}
	var out []item[T]
	for dec.More() {
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.ContainsRune(" \t\r\n,", rune(data[off])) {
			off++
		}
		line := lineAt(data, off)
		var v T
		if err := dec.Decode(&v); err != nil {
			var se *json.SyntaxError
			var te *json.UnmarshalTypeError
			if errors.As(err, &se) || errors.As(err, &te) {
				return nil, r.syntax(name, data, err)
			}
			return nil, fmt.Errorf("%s:%d: %w: %v", r.path(name), line, ledger.ErrInvalid, err)
		}
		out = append(out, item[T]{line, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, r.syntax(name, data, err)
	}
	return out, nil
}

func readObject[T any](r reader, name string) (item[T], error) {
	var it item[T]
	data, err := fs.ReadFile(r.fsys, r.path(name))
	if err != nil {
		return it, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&it.v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) {
			return it, r.syntax(name, data, err)
		}
		return it, fmt.Errorf("%s: %w: %v", r.path(name), ledger.ErrInvalid, err)
	}
	it.line = 1
	return it, nil
}

// checker validates the case's files against each other before anything
// is written, so that an error names the file and line rather than only
// the claim the store refuses.
type checker struct {
	dir        string
	places     map[string]*ledger.Place
	actors     map[string]bool
	sources    map[string]ledger.Source
	provisions map[string]bool
}

func (c *checker) bad(file string, line int, what, format string, a ...any) error {
	return fmt.Errorf("%s:%d: %s: %w: %s", path.Join(c.dir, file), line, what, ledger.ErrInvalid, fmt.Sprintf(format, a...))
}

const (
	fPlaces    = "places.json"
	fActors    = "actors.json"
	fSources   = "sources.json"
	fAgreement = "agreement.json"
	fClaims    = "claims.json"
	fShapes    = "boundaries.geojson"
)

func (c *checker) places_(ps []item[ledger.Place], shapes map[string]shape) error {
	for i := range ps {
		p := &ps[i].v
		what := "place " + p.ID
		if p.ID == "" || p.Kind == "" || p.Label == "" || len(p.Names) == 0 {
			return c.bad(fPlaces, ps[i].line, what, "needs id, kind, label and at least one name")
		}
		if c.places[p.ID] != nil {
			return c.bad(fPlaces, ps[i].line, what, "id appears twice")
		}
		for _, n := range p.Names {
			if n.Name == "" || n.Lang == "" || n.Kind == "" {
				return c.bad(fPlaces, ps[i].line, what, "name %q needs name, lang and kind", n.Name)
			}
		}
		if s, ok := shapes[p.ID]; ok {
			p.Geometry, p.Attribution = []byte(s.geometry), s.attribution
			if p.Point == nil {
				p.Point = s.centroid
			}
		}
		c.places[p.ID] = p
	}
	for _, it := range ps {
		if it.v.Parent != "" && c.places[it.v.Parent] == nil {
			return c.bad(fPlaces, it.line, "place "+it.v.ID, "parent %q is not a place of the case", it.v.Parent)
		}
	}
	for id, s := range shapes {
		if c.places[id] == nil {
			return c.bad(fShapes, s.line, "feature "+id, "no place with this id in places.json")
		}
	}
	return nil
}

func (c *checker) actors_(as []item[ledger.Actor]) error {
	for _, it := range as {
		a := it.v
		if a.ID == "" || a.Kind == "" || a.Label == "" || len(a.Names) == 0 {
			return c.bad(fActors, it.line, "actor "+a.ID, "needs id, kind, label and at least one name")
		}
		if c.actors[a.ID] {
			return c.bad(fActors, it.line, "actor "+a.ID, "id appears twice")
		}
		c.actors[a.ID] = true
	}
	for _, it := range as {
		if f := it.v.Affiliation; f != "" && !c.actors[f] {
			return c.bad(fActors, it.line, "actor "+it.v.ID, "affiliation %q is not an actor of the case", f)
		}
	}
	return nil
}

func (c *checker) sources_(ss []item[ledger.Source]) error {
	for _, it := range ss {
		s := it.v
		what := "source " + s.ID
		switch {
		case s.ID == "" || s.Kind == "" || s.Title == "" || s.Publisher == "":
			return c.bad(fSources, it.line, what, "needs id, kind, title and publisher")
		case s.Published.IsZero():
			return c.bad(fSources, it.line, what, "published date is missing (YYYY, YYYY-MM or YYYY-MM-DD)")
		case len(s.Reliability) != 1 || s.Reliability[0] < 'A' || s.Reliability[0] > 'F':
			return c.bad(fSources, it.line, what, "reliability %q, want one letter A-F", s.Reliability)
		case s.TextHash != "" || s.TextLen != 0:
			return c.bad(fSources, it.line, what, "a shipped source carries no text: drop text_hash and text_len")
		}
		if _, dup := c.sources[s.ID]; dup {
			return c.bad(fSources, it.line, what, "id appears twice")
		}
		c.sources[s.ID] = s
	}
	return nil
}

var outcomeKinds = []string{ledger.KindControl, ledger.KindPresence, ledger.KindFigure, ledger.KindEvidence}

func (c *checker) agreement(it item[ledger.Agreement]) error {
	ag := it.v
	what := "agreement " + ag.ID
	if ag.ID == "" || ag.Title == "" || ag.Signed.IsZero() || len(ag.Provisions) == 0 {
		return c.bad(fAgreement, it.line, what, "needs id, title, signed and provisions")
	}
	if _, ok := c.sources[ag.Source]; !ok {
		return c.bad(fAgreement, it.line, what, "source %q is not in sources.json", ag.Source)
	}
	for _, a := range ag.Parties {
		if !c.actors[a] {
			return c.bad(fAgreement, it.line, what, "party %q is not in actors.json", a)
		}
	}
	for _, p := range ag.Provisions {
		what := "provision " + p.ID
		if p.ID != ag.ID+"/"+p.Number || p.Summary == "" || p.Category == "" {
			return c.bad(fAgreement, it.line, what, "needs number, summary, category and id %q", ag.ID+"/"+p.Number)
		}
		if c.provisions[p.ID] {
			return c.bad(fAgreement, it.line, what, "id appears twice")
		}
		c.provisions[p.ID] = true
		if len(p.Obligated) == 0 {
			return c.bad(fAgreement, it.line, what, "no obligated party")
		}
		for _, a := range append(slices.Clone(p.Obligated), p.Beneficiaries...) {
			if !c.actors[a] {
				return c.bad(fAgreement, it.line, what, "party %q is not in actors.json", a)
			}
		}
		e := p.Expected
		if !slices.Contains(outcomeKinds, e.Kind) {
			return c.bad(fAgreement, it.line, what, "expected kind %q, want one of %v", e.Kind, outcomeKinds)
		}
		if (e.Kind == ledger.KindControl || e.Kind == ledger.KindPresence) && (c.places[e.Place] == nil || !c.actors[e.Actor]) {
			return c.bad(fAgreement, it.line, what, "expected %s needs a known place and actor, got %q and %q", e.Kind, e.Place, e.Actor)
		}
		if e.Kind == ledger.KindFigure && (e.Metric == "" || e.Place != "" && c.places[e.Place] == nil) {
			return c.bad(fAgreement, it.line, what, "expected figure needs a metric and, if any, a known place")
		}
	}
	for _, m := range ag.Mandates {
		what := "mandate " + m.ID
		if !c.provisions[m.Provision] || !c.actors[m.Actor] {
			return c.bad(fAgreement, it.line, what, "provision %q or actor %q unknown", m.Provision, m.Actor)
		}
		if _, err := m.TermAt(m.Start.First()); err != nil {
			return c.bad(fAgreement, it.line, what, "%v", err)
		}
	}
	return nil
}

// recordedAt is when a shipped claim counts as recorded: the day its
// earliest source was published, or the first day of its valid time if
// that is later (a source published over a month is known claim by
// claim), at noon UTC. This lets "as known at" replay how the picture
// built up in November 2020.
func (c *checker) recordedAt(cl *ledger.Claim) time.Time {
	day := ledger.MaxDay
	for _, a := range cl.Attributions {
		if d := c.sources[a.Source].Published.First(); d < day {
			day = d
		}
	}
	if f := cl.Valid.From; !f.IsZero() && f.Mod == "" && f.First() > day {
		day = f.First()
	}
	return day.Time().Add(12 * time.Hour)
}

func (c *checker) claims(cs []item[ledger.Claim]) error {
	seen := map[string]bool{}
	for i := range cs {
		cl, line := &cs[i].v, cs[i].line
		what := "claim " + cl.ID
		if cl.ID == "" {
			return c.bad(fClaims, line, "claim", "needs an id: shipped claims keep the same id in every database")
		}
		if seen[cl.ID] {
			return c.bad(fClaims, line, what, "id appears twice")
		}
		seen[cl.ID] = true
		if cl.Status == "" {
			cl.Status = ledger.Accepted
		}
		if cl.RecordedBy == "" {
			cl.RecordedBy = RecordedBy + ":" + c.dir
		}
		for _, a := range cl.Attributions {
			if _, ok := c.sources[a.Source]; !ok {
				return c.bad(fClaims, line, what, "source %q is not in sources.json", a.Source)
			}
		}
		if cl.RecordedAt.IsZero() && len(cl.Attributions) > 0 {
			cl.RecordedAt = c.recordedAt(cl)
		}
		if err := cl.Validate(); err != nil {
			return fmt.Errorf("%s:%d: %w", path.Join(c.dir, fClaims), line, err)
		}
		places := []string{cl.Place()}
		if cl.Figure != nil {
			places = append(places, cl.Figure.Place)
		}
		for _, p := range places {
			if p != "" && c.places[p] == nil {
				return c.bad(fClaims, line, what, "place %q is not in places.json", p)
			}
		}
		for _, a := range cl.Actors() {
			if !c.actors[a] {
				return c.bad(fClaims, line, what, "actor %q is not in actors.json", a)
			}
		}
		if p := cl.Provision(); p != "" && !c.provisions[p] {
			return c.bad(fClaims, line, what, "provision %q is not in agreement.json", p)
		}
		if s := cl.Supersedes; s != "" && !seen[s] {
			return c.bad(fClaims, line, what, "supersedes %q, which is not an earlier claim of the file", s)
		}
	}
	return nil
}
