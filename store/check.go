package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
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
	k := NewChecker(ctx, refs, b)
	if err := k.Claims(b.Claims); err != nil {
		return err
	}
	return k.Finish(b)
}

// Checker is Check for a batch whose claims arrive in chunks while the
// rest of it is still being read (Streamer): Claims checks each chunk as it
// comes, and what a claim needs from the rest of the batch (places, actors
// and sources made in it) is settled by Finish.
type Checker struct {
	ctx     context.Context
	refs    Refs
	places  map[string]bool // in the batch, when known up front
	actors  map[string]bool
	texts   map[string]*string // source id -> text, from the batch or the store
	claims  idSet              // ids in the batch so far
	cache   map[ref]bool       // found in the store
	pending map[ref]asker      // not in the store (yet) -> first claim naming it
	cites   map[string]*cited  // source not in the store -> what to check against its text
	known   bool               // places, actors and sources were given up front
	n       int                // claims checked

	// For the hazard-area rule, which needs what the batch declares and releases.
	areas      []*ledger.Claim
	superseded map[string]bool
}

// asker is the first claim that named something the store lacks: its
// place in the batch, id and field.
type asker struct {
	n            int
	claim, field string
}

// cited is what the claims of a stream ask of a source the batch brings:
// spans are checked at Finish by their furthest end (a dataset file's
// million rows cite one source), quotes one by one.
type cited struct {
	first  string // claim
	maxEnd int
	max    quoted // the attribution reaching furthest
	quoted []quoted
}

type quoted struct {
	claim string
	att   ledger.Attribution
}

// NewChecker starts checking a write; b gives the places, actors and
// sources it makes when they are known up front (Write), none when they
// come with Finish (a stream).
func NewChecker(ctx context.Context, refs Refs, b Batch) *Checker {
	k := &Checker{ctx: ctx, refs: refs, places: map[string]bool{}, actors: map[string]bool{}, texts: map[string]*string{},
		cache: map[ref]bool{}, pending: map[ref]asker{}, cites: map[string]*cited{}, superseded: map[string]bool{},
		known: len(b.Places)+len(b.Actors)+len(b.Sources) > 0}
	k.add(b)
	return k
}

func (k *Checker) add(b Batch) {
	for _, p := range b.Places {
		k.places[p.ID] = true
	}
	for _, a := range b.Actors {
		k.actors[a.ID] = true
	}
	for i := range b.Sources {
		k.texts[b.Sources[i].ID] = &b.Sources[i].Text
	}
}

func (k *Checker) hasPlace(id string) bool { return k.places[id] }
func (k *Checker) hasActor(id string) bool { return k.actors[id] }

// idSet holds a batch's claim ids: a sorted slice while they come in
// increasing order (the ULIDs the monitor makes, a million for an
// import), a map from the first that does not.
type idSet struct {
	ids []string
	set map[string]bool
}

func (s *idSet) has(id string) bool {
	if s.set != nil {
		return s.set[id]
	}
	_, ok := slices.BinarySearch(s.ids, id)
	return ok
}

// fresh reports that id is not in the set, at the cost of one comparison
// while ids increase.
func (s *idSet) fresh(id string) bool {
	if n := len(s.ids); s.set == nil && (n == 0 || s.ids[n-1] < id) {
		return true
	}
	return !s.has(id)
}

func (s *idSet) add(id string) {
	if n := len(s.ids); s.set == nil && (n == 0 || s.ids[n-1] < id) {
		s.ids = append(s.ids, id)
		return
	}
	if s.set == nil {
		s.set = make(map[string]bool, 2*len(s.ids))
		for _, x := range s.ids {
			s.set[x] = true
		}
		s.ids = nil
	}
	s.set[id] = true
}

// ref is a place, actor or claim a claim names.
type ref struct{ kind, id string }

// exists finds id in the batch or the store; one the store lacks waits
// for Finish, which looks for it in the rest of the batch.
func (k *Checker) exists(kind, id, claim, field string, local func(string) bool, f func(context.Context, string) (bool, error)) error {
	if id == "" || local(id) {
		return nil
	}
	r := ref{kind, id}
	if k.cache[r] {
		return nil
	}
	if _, ok := k.pending[r]; ok {
		return nil
	}
	ok, err := f(k.ctx, id)
	if err != nil {
		return err
	}
	if ok {
		k.cache[r] = true
	} else {
		k.pending[r] = asker{k.n, claim, field}
	}
	return nil
}

// Claims checks the next claims of the batch.
func (k *Checker) Claims(cs []*ledger.Claim) error {
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			return err
		}
		if !k.claims.fresh(c.ID) {
			return fmt.Errorf("claim %s: %w: id appears twice in one write", c.ID, ledger.ErrInvalid)
		}
		if err := k.exists("place", c.Place(), c.ID, "", k.hasPlace, k.refs.HasPlace); err != nil {
			return fmt.Errorf("claim %s: %w", c.ID, err)
		}
		if h := c.Figure; h != nil && h.Place != "" {
			if err := k.exists("place", h.Place, c.ID, "", k.hasPlace, k.refs.HasPlace); err != nil {
				return fmt.Errorf("claim %s: %w", c.ID, err)
			}
		}
		for _, a := range c.Actors() {
			if err := k.exists("actor", a, c.ID, "", k.hasActor, k.refs.HasActor); err != nil {
				return fmt.Errorf("claim %s: %w", c.ID, err)
			}
		}
		if err := k.exists("claim", c.Supersedes, c.ID, " supersedes", k.claims.has, k.refs.HasClaim); err != nil {
			return fmt.Errorf("claim %s supersedes: %w", c.ID, err)
		}
		if err := k.exists("claim", c.Corroborates, c.ID, " corroborates", k.claims.has, k.refs.HasClaim); err != nil {
			return fmt.Errorf("claim %s corroborates: %w", c.ID, err)
		}
		for _, a := range c.Attributions {
			t, ok := k.texts[a.Source]
			if _, asked := k.cites[a.Source]; !ok && asked { // not in the store
				k.cite(c.ID, a)
				continue
			}
			if !ok {
				text, found, err := k.refs.SourceText(k.ctx, a.Source)
				if err != nil {
					return err
				}
				if !found {
					if k.known {
						return fmt.Errorf("claim %s: %w: unknown source %q", c.ID, ledger.ErrInvalid, a.Source)
					}
					k.cite(c.ID, a)
					continue
				}
				t = &text
				k.texts[a.Source] = t
			}
			if err := checkSpan(c.ID, a, *t); err != nil {
				return err
			}
		}
		k.claims.add(c.ID)
		k.n++
		if c.Supersedes != "" {
			k.superseded[c.Supersedes] = true
		}
		if h, r := c.Hazard, c.Release; h != nil && h.Area != "" || r != nil && r.Area != "" {
			k.areas = append(k.areas, c)
		}
	}
	return nil
}

// cite keeps what an attribution asks of a source the batch should bring.
func (k *Checker) cite(claim string, a ledger.Attribution) {
	u := k.cites[a.Source]
	if u == nil {
		u = &cited{first: claim}
		k.cites[a.Source] = u
	}
	if a.End > u.maxEnd {
		u.maxEnd, u.max = a.End, quoted{claim, a}
	}
	if a.Quote != "" {
		u.quoted = append(u.quoted, quoted{claim, a})
	}
}

// checkSpan checks that an attribution's span and quote fit its source's
// text; a dataset row (no stored text) spans bytes of the file instead.
func checkSpan(claim string, a ledger.Attribution, text string) error {
	if text == "" {
		return nil
	}
	if a.End > len(text) {
		return fmt.Errorf("claim %s: %w: span [%d,%d) lies outside source %s (%d bytes)",
			claim, ledger.ErrInvalid, a.Start, a.End, a.Source, len(text))
	}
	if a.Quote != "" && text[a.Start:a.End] != a.Quote {
		return fmt.Errorf("claim %s: %w: quote does not match source %s at [%d,%d)",
			claim, ledger.ErrInvalid, a.Source, a.Start, a.End)
	}
	return nil
}

// Finish checks the rest of the batch (its Claims are not looked at: they
// are those given to Claims) and settles what the claims needed from it.
func (k *Checker) Finish(b Batch) error {
	for _, p := range b.Places {
		if p.ID == "" || p.Kind == "" || len(p.Names) == 0 {
			return fmt.Errorf("place %q: %w: needs id, kind and at least one name", p.ID, ledger.ErrInvalid)
		}
	}
	for _, a := range b.Actors {
		if a.ID == "" || a.Kind == "" || len(a.Names) == 0 {
			return fmt.Errorf("actor %q: %w: needs id, kind and at least one name", a.ID, ledger.ErrInvalid)
		}
	}
	for _, s := range b.Sources {
		if s.ID == "" || s.Kind == "" {
			return fmt.Errorf("source %q: %w: needs id and kind", s.ID, ledger.ErrInvalid)
		}
		if s.Reliability != "" && (len(s.Reliability) != 1 || s.Reliability[0] < 'A' || s.Reliability[0] > 'F') {
			return fmt.Errorf("source %s: %w: reliability %q, want A-F", s.ID, ledger.ErrInvalid, s.Reliability)
		}
	}
	if !k.known {
		k.add(b)
	}
	// What the store lacked must be in the batch; an error names the first
	// claim in batch order that asked for what is in neither.
	local := map[string]func(string) bool{"place": k.hasPlace, "actor": k.hasActor, "claim": k.claims.has}
	var first *asker
	var what ref
	for r, a := range k.pending {
		if !local[r.kind](r.id) && (first == nil || a.n < first.n) {
			first, what = &a, r
		}
	}
	if first != nil {
		return fmt.Errorf("claim %s%s: %w: unknown %s %q", first.claim, first.field, ledger.ErrInvalid, what.kind, what.id)
	}
	for src, u := range k.cites {
		t, ok := k.texts[src]
		if !ok {
			return fmt.Errorf("claim %s: %w: unknown source %q", u.first, ledger.ErrInvalid, src)
		}
		if *t != "" && u.maxEnd > len(*t) {
			return checkSpan(u.max.claim, u.max.att, *t)
		}
		for _, q := range u.quoted {
			if err := checkSpan(q.claim, q.att, *t); err != nil {
				return err
			}
		}
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
		if r.Claim == "" || k.claims.has(r.Claim) {
			continue
		}
		ok, err := k.refs.HasClaim(k.ctx, r.Claim)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("review: %w: unknown claim %q", ledger.ErrInvalid, r.Claim)
		}
	}
	return checkAreas(k.ctx, k.areas, k.superseded, b.Reviews, k.refs)
}

// IsInvalid reports whether err is a refused input rather than a failure.
func IsInvalid(err error) bool { return errors.Is(err, ledger.ErrInvalid) }

// checkAreas refuses a batch after which a hazard area would have more land
// released (cancelled + reduced + cleared) than its latest declaration
// holds, as a mine-action database does. Rejected and superseded claims do
// not count; candidates do, since they may yet be accepted.
func checkAreas(ctx context.Context, claims []*ledger.Claim, superseded map[string]bool, reviews []ledger.Review, refs Refs) error {
	var areas []string
	batch := map[string][]*ledger.Claim{}
	for _, c := range claims {
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
	superseded = maps.Clone(superseded) // stored claims add theirs below
	reviewed := map[string]string{}
	for _, r := range reviews {
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
