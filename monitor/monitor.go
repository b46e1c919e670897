// Package monitor is truce as one object: a store, the in-memory index of
// its claims and the gazetteer, with every read and write the CLI, the API
// and the UI share.
package monitor

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"truce/gazetteer"
	"truce/ledger"
	"truce/store"
)

// Monitor serves the derived views of one ledger.
type Monitor struct {
	Store store.Store
	Index *ledger.Index
	Now   func() time.Time // injectable clock

	mu         sync.RWMutex
	places     []ledger.Place
	actors     []ledger.Actor
	agreements []ledger.Agreement
	gaz        *gazetteer.Gazetteer
	seq, rseq  int64
	writeMu    sync.Mutex
}

// Open loads the index and reference data from st.
func Open(ctx context.Context, st store.Store) (*Monitor, error) {
	m := &Monitor{Store: st, Index: ledger.NewIndex(), Now: now}
	if err := m.Refresh(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// Refresh reads what other writers appended since the last load.
func (m *Monitor) Refresh(ctx context.Context) error {
	if err := m.loadRefs(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	const batch = 4096
	buf := make([]*ledger.Claim, 0, batch)
	err := m.Store.Scan(ctx, m.seq, func(seq int64, c *ledger.Claim) error {
		buf = append(buf, c)
		if len(buf) == batch {
			m.Index.Add(buf...)
			buf = buf[:0]
		}
		m.seq = seq
		return nil
	})
	m.Index.Add(buf...)
	if err != nil {
		return fmt.Errorf("load claims: %w", err)
	}
	return m.Store.ScanReviews(ctx, m.rseq, func(seq int64, r ledger.Review) error {
		m.Index.AddReview(r)
		m.rseq = seq
		return nil
	})
}

func (m *Monitor) loadRefs(ctx context.Context) error {
	places, err := m.Store.Places(ctx)
	if err != nil {
		return fmt.Errorf("load places: %w", err)
	}
	actors, err := m.Store.Actors(ctx)
	if err != nil {
		return fmt.Errorf("load actors: %w", err)
	}
	ags, err := m.Store.Agreements(ctx)
	if err != nil {
		return fmt.Errorf("load agreements: %w", err)
	}
	m.mu.Lock()
	m.places, m.actors, m.agreements = places, actors, ags
	m.gaz = gazetteer.New(places, actors)
	m.mu.Unlock()
	return nil
}

// Write appends a batch and brings the index up to date. Claims without an
// id get a new ULID; recorded time is set now.
func (m *Monitor) Write(ctx context.Context, b store.Batch) error {
	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	if err := m.append(ctx, b); err != nil {
		return err
	}
	return m.Refresh(ctx)
}

// Append is Write that reloads places and actors but leaves the claim
// index to catch up at the next Refresh: for a one-shot command (truce
// import) where reading a million claims back would double the time for
// nothing.
func (m *Monitor) Append(ctx context.Context, b store.Batch) error {
	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	if err := m.append(ctx, b); err != nil {
		return err
	}
	return m.loadRefs(ctx)
}

// AppendStream is Append for a batch that read is still reading: read
// hands each run of claims it has finished to emit, and returns the rest of
// the batch (claims not emitted, places, actors, sources). On a store that
// streams (PostgreSQL) the emitted claims are written while the rest is
// read, and not kept; elsewhere they are gathered and the batch written when
// read returns. Either way it is one transaction: a read error writes nothing.
func (m *Monitor) AppendStream(ctx context.Context, read func(emit func([]*ledger.Claim) error) (store.Batch, error)) error {
	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	sw, ok := m.Store.(store.Streamer)
	if !ok {
		var emitted []*ledger.Claim
		b, err := read(func(cs []*ledger.Claim) error { emitted = append(emitted, cs...); return nil })
		if err != nil {
			return err
		}
		b.Claims = append(emitted, b.Claims...)
		if err := m.append(ctx, b); err != nil {
			return err
		}
		return m.loadRefs(ctx)
	}
	now := m.Now()
	chunks := make(chan []*ledger.Claim, 2)
	stop := make(chan struct{}) // the writer gave up: emit returns at once
	done := make(chan struct{})
	var (
		batch   store.Batch
		readErr error
	)
	go func() {
		defer close(done)
		defer close(chunks)
		batch, readErr = read(func(cs []*ledger.Claim) error {
			m.stamp(cs, now)
			select {
			case chunks <- cs:
				return nil
			case <-stop:
				return errors.New("write stopped")
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if tail := batch.Claims; readErr == nil && len(tail) > 0 {
			m.stamp(tail, now)
			select {
			case chunks <- tail:
			case <-stop:
			}
		}
	}()
	next := func() ([]*ledger.Claim, error) { return <-chunks, nil }
	rest := func() (store.Batch, error) {
		<-done
		if readErr != nil {
			return store.Batch{}, readErr
		}
		stampReviews(batch.Reviews, now)
		b := batch
		b.Claims = nil // sent through next
		return b, nil
	}
	err := sw.WriteStream(ctx, next, rest)
	close(stop)
	<-done
	if err != nil {
		return err
	}
	return m.loadRefs(ctx)
}

// stamp gives claims without an id a new ULID, and without a recorded
// time the time given.
func (m *Monitor) stamp(cs []*ledger.Claim, now time.Time) {
	for _, c := range cs {
		if c.ID == "" {
			c.ID = m.NewID()
		}
		if c.RecordedAt.IsZero() {
			c.RecordedAt = now
		}
	}
}

func (m *Monitor) append(ctx context.Context, b store.Batch) error {
	now := m.Now()
	m.stamp(b.Claims, now)
	stampReviews(b.Reviews, now)
	return m.Store.Write(ctx, b)
}

// stampReviews gives reviews without a time the time given.
func stampReviews(rs []ledger.Review, now time.Time) {
	for i := range rs {
		if rs[i].At.IsZero() {
			rs[i].At = now
		}
	}
}

// now is the default clock, to the microsecond: the precision PostgreSQL
// keeps, so that a recorded time reads back the same from either store.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

var entropy = ulid.Monotonic(rand.Reader, 0)
var entropyMu sync.Mutex

// NewID makes a new sortable claim id.
func (m *Monitor) NewID() string {
	entropyMu.Lock()
	defer entropyMu.Unlock()
	return ulid.MustNew(ulid.Timestamp(m.Now()), entropy).String()
}

// Gazetteer is the current gazetteer.
func (m *Monitor) Gazetteer() *gazetteer.Gazetteer {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.gaz
}

// Places lists the gazetteer's places.
func (m *Monitor) Places() []ledger.Place {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.places
}

// Actors lists known actors.
func (m *Monitor) Actors() []ledger.Actor {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.actors
}

// Agreements lists agreements.
func (m *Monitor) Agreements() []ledger.Agreement {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.agreements
}

// Agreement finds one agreement by id.
func (m *Monitor) Agreement(id string) (ledger.Agreement, error) {
	for _, a := range m.Agreements() {
		if a.ID == id {
			return a, nil
		}
	}
	return ledger.Agreement{}, fmt.Errorf("agreement %q: %w", id, ledger.ErrNotFound)
}

// Place finds a place by id or by any of its names.
func (m *Monitor) Place(ref string) (ledger.Place, error) {
	g := m.Gazetteer()
	if p, ok := g.Place(ref); ok {
		return p, nil
	}
	if id, ok := g.FindPlace(ref); ok {
		p, _ := g.Place(id)
		return p, nil
	}
	return ledger.Place{}, fmt.Errorf("place %q: %w", ref, ledger.ErrNotFound)
}

// Label is the display label of a place or actor id, or the id itself.
func (m *Monitor) Label(id string) string {
	g := m.Gazetteer()
	if p, ok := g.Place(id); ok {
		return p.Label
	}
	if a, ok := g.Actor(id); ok {
		return a.Label
	}
	return id
}

// ClaimPage is one page of a claim listing.
type ClaimPage struct {
	Claims []*ledger.Claim `json:"claims"`
	Total  int             `json:"total"`
	Next   string          `json:"next,omitempty"`
}

// Claims lists claims matching f, each with its status as known at
// f.KnownAt. The cursor is the id of the last claim of the previous page.
func (m *Monitor) Claims(ctx context.Context, f ledger.Filter, cursor string) (ClaimPage, error) {
	if cursor != "" {
		n, ok := m.Index.CursorOf(cursor)
		if !ok {
			return ClaimPage{}, fmt.Errorf("cursor %q: %w: no such claim", cursor, ledger.ErrInvalid)
		}
		f.Start = n + 1
	}
	ids, total, next := m.Index.Select(f)
	cs, err := m.Store.Claims(ctx, ids)
	if err != nil {
		return ClaimPage{}, err
	}
	for _, c := range cs {
		c.Status = m.Index.StatusAt(c.ID, f.KnownAt)
		if err := m.addCorroborations(ctx, c, f.KnownAt); err != nil {
			return ClaimPage{}, err
		}
	}
	p := ClaimPage{Claims: cs, Total: total}
	if next >= 0 && len(ids) > 0 {
		p.Next = ids[len(ids)-1]
	}
	return p, nil
}

// ClaimsByID fetches claims with their current status.
func (m *Monitor) ClaimsByID(ctx context.Context, ids []string, knownAt time.Time) ([]*ledger.Claim, error) {
	cs, err := m.Store.Claims(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		c.Status = m.Index.StatusAt(c.ID, knownAt)
		if err := m.addCorroborations(ctx, c, knownAt); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// History is every control and presence claim about a place, oldest first,
// superseded and rejected ones included and marked by their status.
func (m *Monitor) History(ctx context.Context, place string, knownAt time.Time) ([]*ledger.Claim, error) {
	page, err := m.Claims(ctx, ledger.Filter{Place: place, Kinds: []string{ledger.KindControl, ledger.KindPresence}, KnownAt: knownAt}, "")
	if err != nil {
		return nil, err
	}
	sort.SliceStable(page.Claims, func(i, j int) bool {
		return page.Claims[i].Valid.From.First() < page.Claims[j].Valid.From.First()
	})
	return page.Claims, nil
}

// Series is the figures of one metric (optionally for one place), in valid
// time order, accepted and current as known at knownAt.
func (m *Monitor) Series(ctx context.Context, metric, place string, knownAt time.Time) ([]*ledger.Claim, error) {
	page, err := m.Claims(ctx, ledger.Filter{Kinds: []string{ledger.KindFigure}, Key: metric, Place: place,
		Status: ledger.Accepted, Current: true, KnownAt: knownAt}, "")
	if err != nil {
		return nil, err
	}
	sort.SliceStable(page.Claims, func(i, j int) bool {
		return page.Claims[i].Valid.From.First() < page.Claims[j].Valid.From.First()
	})
	return page.Claims, nil
}

// addCorroborations shows, on a claim, the sources of the claims that
// report it again, each marked with the claim it came from.
func (m *Monitor) addCorroborations(ctx context.Context, c *ledger.Claim, knownAt time.Time) error {
	ids := m.Index.Corroborations(c.ID, knownAt)
	if len(ids) == 0 {
		return nil
	}
	more, err := m.Store.Claims(ctx, ids)
	if err != nil {
		return err
	}
	for _, o := range more {
		for _, a := range o.Attributions {
			a.Via = o.ID
			c.Attributions = append(c.Attributions, a)
		}
	}
	return nil
}
