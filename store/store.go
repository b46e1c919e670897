// Package store defines how truce keeps its ledger: one interface, an
// embedded SQLite implementation and a PostgreSQL one, and the test suite
// both must pass (storetest).
package store

import (
	"context"
	"fmt"
	"time"

	"truce/ledger"
)

// SourceText is a source with its full text, for writing.
type SourceText struct {
	ledger.Source
	Text string
}

// Mention is a name a report used that the gazetteer did not know, kept so
// the gazetteer can grow.
type Mention struct {
	Source string `json:"source"`
	Name   string `json:"name"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Kind   string `json:"kind"` // place or actor
}

// Batch is one all-or-nothing write. Reference data in it are new versions;
// claims and reviews are appended. Nothing is ever updated in place.
type Batch struct {
	Places     []ledger.Place
	Actors     []ledger.Actor
	Sources    []SourceText
	Agreements []ledger.Agreement
	Claims     []*ledger.Claim
	Reviews    []ledger.Review
	Mentions   []Mention
}

// Token is an API token; only its hash is stored.
type Token struct {
	Hash      string    `json:"-"`
	Name      string    `json:"name"`
	Role      string    `json:"role"` // analyst, editor, admin
	CreatedAt time.Time `json:"created_at"`
}

// Store is the ledger's persistence. Every method is one transaction.
type Store interface {
	// Write validates and appends a batch: every claim's places, actors,
	// sources, spans and superseded claim must exist (in the store or the
	// batch). On any error nothing is written. A source whose text is
	// already stored is not stored again.
	Write(ctx context.Context, b Batch) error

	Places(ctx context.Context) ([]ledger.Place, error)
	Actors(ctx context.Context) ([]ledger.Actor, error)
	Agreements(ctx context.Context) ([]ledger.Agreement, error)
	Sources(ctx context.Context) ([]ledger.Source, error)
	Source(ctx context.Context, id string) (ledger.Source, error)
	// SourceByHash finds the source whose text has this SHA-256.
	SourceByHash(ctx context.Context, hash string) (ledger.Source, error)
	Text(ctx context.Context, sourceID string) (string, error)
	Mentions(ctx context.Context) ([]Mention, error)

	// Claims returns claims by id, in the order asked; ErrNotFound if any is missing.
	Claims(ctx context.Context, ids []string) ([]*ledger.Claim, error)
	// Scan calls fn for every claim with sequence number above after, in order.
	Scan(ctx context.Context, after int64, fn func(seq int64, c *ledger.Claim) error) error
	// ScanReviews calls fn for every review above after, in order.
	ScanReviews(ctx context.Context, after int64, fn func(seq int64, r ledger.Review) error) error

	PutToken(ctx context.Context, t Token) error
	TokenByHash(ctx context.Context, hash string) (Token, error)

	// History returns every stored version of places, actors and
	// agreements, ordered so that writing the batch back recreates the same
	// versions; Tokens lists every token. Both serve copying a whole ledger.
	History(ctx context.Context) (Batch, error)
	Tokens(ctx context.Context) ([]Token, error)

	Close() error
}

// Streamer is a store that can write a batch while it is still being read,
// so that reading a large file and writing it overlap, and the claims need
// not all be held at once. It is one transaction, as Write is: next gives
// the claims in chunks, in order, and nil when there are no more; then rest
// gives the rest of the batch (places, actors, sources, reviews; its Claims
// are ignored), or the reader's error, which writes nothing.
type Streamer interface {
	WriteStream(ctx context.Context, next func() ([]*ledger.Claim, error), rest func() (Batch, error)) error
}

// ClaimsByID is Store.Claims over fetch, which looks up a chunk of at most
// chunk ids and hands each claim it finds to found, in any order: it gives
// the claims in the order asked (a copy for an id asked twice) and
// ErrNotFound for an id that is not there.
func ClaimsByID(ids []string, chunk int, fetch func(part []string, found func(*ledger.Claim)) error) ([]*ledger.Claim, error) {
	out := make([]*ledger.Claim, len(ids))
	pos := make(map[string][]int, len(ids))
	for i, id := range ids {
		pos[id] = append(pos[id], i)
	}
	found := func(c *ledger.Claim) {
		for _, i := range pos[c.ID] {
			cc := *c
			out[i] = &cc
		}
	}
	for lo := 0; lo < len(ids); lo += chunk {
		if err := fetch(ids[lo:min(lo+chunk, len(ids))], found); err != nil {
			return nil, fmt.Errorf("claims: %w", err)
		}
	}
	for i, c := range out {
		if c == nil {
			return nil, fmt.Errorf("claim %s: %w", ids[i], ledger.ErrNotFound)
		}
	}
	return out, nil
}
