package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"truce/ledger"
)

// Refs answers, inside a write transaction, whether referenced rows exist.
// Each store implements it over its own transaction, so that Check is the
// one place the rules of a write live.
type Refs interface {
	HasPlace(ctx context.Context, id string) (bool, error)
	HasActor(ctx context.Context, id string) (bool, error)
	HasClaim(ctx context.Context, id string) (bool, error)
	// SourceText gives a source's text; ok is false if there is no such source.
	SourceText(ctx context.Context, id string) (text string, ok bool, err error)
}

// AreaRefs is implemented by stores that can list what is recorded about a
// hazard area, so that Check refuses releasing more land than was declared.
// A store without it gets that check within each batch only.
type AreaRefs interface {
	// AreaClaims gives the hazard and land_release claims stored for a
	// hazard area id, each with Status set to its latest review.
	AreaClaims(ctx context.Context, area string) ([]*ledger.Claim, error)
}

// Check validates a batch against itself and the stored ledger. It names the
// first offending claim and what was expected.
func Check(ctx context.Context, b Batch, refs Refs) error {
	places := map[string]bool{}
	for _, p := range b.Places {
		if p.ID == "" || p.Kind == "" || len(p.Names) == 0 {
			return fmt.Errorf("place %q: %w: needs id, kind and at least one name", p.ID, ledger.ErrInvalid)
		}
		places[p.ID] = true
	}
	actors := map[string]bool{}
	for _, a := range b.Actors {
		if a.ID == "" || a.Kind == "" || len(a.Names) == 0 {
			return fmt.Errorf("actor %q: %w: needs id, kind and at least one name", a.ID, ledger.ErrInvalid)
		}
		actors[a.ID] = true
	}
	texts := map[string]*string{}
	for i := range b.Sources {
		s := &b.Sources[i]
		if s.ID == "" || s.Kind == "" {
			return fmt.Errorf("source %q: %w: needs id and kind", s.ID, ledger.ErrInvalid)
		}
		if s.Reliability != "" && (len(s.Reliability) != 1 || s.Reliability[0] < 'A' || s.Reliability[0] > 'F') {
			return fmt.Errorf("source %s: %w: reliability %q, want A-F", s.ID, ledger.ErrInvalid, s.Reliability)
		}
		texts[s.ID] = &s.Text
	}
	claims := make(map[string]bool, len(b.Claims)) // sized once: imports write a million
	cache := map[string]bool{}
	exists := func(kind, id string, local map[string]bool, f func(context.Context, string) (bool, error)) error {
		if id == "" || local[id] || cache[kind+"\x00"+id] {
			return nil
		}
		ok, err := f(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: unknown %s %q", ledger.ErrInvalid, kind, id)
		}
		cache[kind+"\x00"+id] = true
		return nil
	}
	for _, c := range b.Claims {
		if err := c.Validate(); err != nil {
			return err
		}
		if claims[c.ID] {
			return fmt.Errorf("claim %s: %w: id appears twice in one write", c.ID, ledger.ErrInvalid)
		}
		if err := exists("place", c.Place(), places, refs.HasPlace); err != nil {
			return fmt.Errorf("claim %s: %w", c.ID, err)
		}
		if h := c.Figure; h != nil && h.Place != "" {
			if err := exists("place", h.Place, places, refs.HasPlace); err != nil {
				return fmt.Errorf("claim %s: %w", c.ID, err)
			}
		}
		for _, a := range c.Actors() {
			if err := exists("actor", a, actors, refs.HasActor); err != nil {
				return fmt.Errorf("claim %s: %w", c.ID, err)
			}
		}
		if err := exists("claim", c.Supersedes, claims, refs.HasClaim); err != nil {
			return fmt.Errorf("claim %s supersedes: %w", c.ID, err)
		}
		if err := exists("claim", c.Corroborates, claims, refs.HasClaim); err != nil {
			return fmt.Errorf("claim %s corroborates: %w", c.ID, err)
		}
		for _, a := range c.Attributions {
			t, ok := texts[a.Source]
			if !ok {
				text, found, err := refs.SourceText(ctx, a.Source)
				if err != nil {
					return err
				}
				if !found {
					return fmt.Errorf("claim %s: %w: unknown source %q", c.ID, ledger.ErrInvalid, a.Source)
				}
				t = &text
				texts[a.Source] = t
			}
			if *t == "" {
				continue // a dataset row: its span is into the file, not a stored text
			}
			if a.End > len(*t) {
				return fmt.Errorf("claim %s: %w: span [%d,%d) lies outside source %s (%d bytes)",
					c.ID, ledger.ErrInvalid, a.Start, a.End, a.Source, len(*t))
			}
			if a.Quote != "" && (*t)[a.Start:a.End] != a.Quote {
				return fmt.Errorf("claim %s: %w: quote does not match source %s at [%d,%d)",
					c.ID, ledger.ErrInvalid, a.Source, a.Start, a.End)
			}
		}
		claims[c.ID] = true
	}
	for _, r := range b.Reviews {
		switch r.Status {
		case ledger.Accepted, ledger.Rejected, ledger.Candidate:
		default:
			return fmt.Errorf("review of %s: %w: status %q", r.Claim, ledger.ErrInvalid, r.Status)
		}
		if r.By == "" {
			return fmt.Errorf("review of %s: %w: reviewer is empty", r.Claim, ledger.ErrInvalid)
		}
		if err := exists("claim", r.Claim, claims, refs.HasClaim); err != nil {
			return fmt.Errorf("review: %w", err)
		}
	}
	return checkAreas(ctx, b, refs)
}

// IsInvalid reports whether err is a refused input rather than a failure.
func IsInvalid(err error) bool { return errors.Is(err, ledger.ErrInvalid) }

// checkAreas refuses a batch after which a hazard area would have more land
// released (cancelled + reduced + cleared) than its latest declaration
// holds, as a mine-action database does. Rejected and superseded claims do
// not count; candidates do, since they may yet be accepted.
func checkAreas(ctx context.Context, b Batch, refs Refs) error {
	var areas []string
	batch := map[string][]*ledger.Claim{}
	for _, c := range b.Claims {
		a := ""
		switch {
		case c.Hazard != nil:
			a = c.Hazard.Area
		case c.Release != nil:
			a = c.Release.Area
		}
		if a == "" {
			continue
		}
		if batch[a] == nil {
			areas = append(areas, a)
		}
		batch[a] = append(batch[a], c)
	}
	if len(areas) == 0 {
		return nil
	}
	superseded := map[string]bool{}
	for _, c := range b.Claims {
		if c.Supersedes != "" {
			superseded[c.Supersedes] = true
		}
	}
	reviewed := map[string]string{}
	for _, r := range b.Reviews {
		reviewed[r.Claim] = r.Status
	}
	ar, _ := refs.(AreaRefs)
	for _, a := range areas {
		var cs []*ledger.Claim
		if ar != nil {
			stored, err := ar.AreaClaims(ctx, a)
			if err != nil {
				return fmt.Errorf("hazard area %s: %w", a, err)
			}
			cs = stored
		}
		cs = append(cs, batch[a]...)
		for _, c := range cs {
			if c.Supersedes != "" {
				superseded[c.Supersedes] = true
			}
		}
		var decl *ledger.Claim
		var released float64
		var by []string
		for _, c := range cs {
			st := c.Status
			if r, ok := reviewed[c.ID]; ok {
				st = r
			}
			if st == ledger.Rejected || superseded[c.ID] {
				continue
			}
			switch {
			case c.Hazard != nil:
				if decl == nil || laterClaim(c, decl) {
					decl = c
				}
			case c.Release != nil:
				released += c.Release.AreaM2
				by = append(by, fmt.Sprintf("%s %s %g", c.ID, c.Release.Method, c.Release.AreaM2))
			}
		}
		if decl == nil || released <= decl.Hazard.AreaM2*(1+1e-9) {
			continue // a release without a declaration is flagged by the readiness view
		}
		return fmt.Errorf("hazard area %s: %w: %g m2 released (%s) is more than the %g m2 declared by claim %s",
			a, ledger.ErrInvalid, released, strings.Join(by, ", "), decl.Hazard.AreaM2, decl.ID)
	}
	return nil
}

// laterClaim orders declarations of one area: later valid start, then later
// recorded; one not yet recorded (zero time) is the latest.
func laterClaim(a, b *ledger.Claim) bool {
	fa, fb := a.Valid.From.First(), b.Valid.From.First()
	if fa != fb {
		return fa > fb
	}
	if a.RecordedAt.IsZero() != b.RecordedAt.IsZero() {
		return a.RecordedAt.IsZero()
	}
	return a.RecordedAt.After(b.RecordedAt)
}
