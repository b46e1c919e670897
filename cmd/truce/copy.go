package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	"truce/ledger"
	"truce/store"
)

func init() {
	register(&command{
		name:    "copy",
		args:    "--from SQLITE_FILE|POSTGRES_URL --to SQLITE_FILE|POSTGRES_URL",
		summary: "copy a whole ledger between backends, verified by counts and checksums",
		run:     runCopy,
	})
}

// isPostgresURL tells a server URL from a file path.
func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") ||
		strings.Contains(s, "host=") || strings.Contains(s, "dbname=")
}

func locOpts(s string) *dbOpts {
	if isPostgresURL(s) {
		return &dbOpts{postgres: s, noSeed: true}
	}
	return &dbOpts{path: s, noSeed: true}
}

// copyChunk is how many claims or reviews go in one write to the target.
const copyChunk = 5000

func runCopy(ctx context.Context, e *env, args []string) error {
	c := commands["copy"]
	fs := e.flags(c)
	from := fs.String("from", "", "ledger to read: SQLite file or postgres:// URL")
	to := fs.String("to", "", "ledger to create: SQLite file or postgres:// URL; must be empty")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageErr("copy needs --from and --to")
	}
	if *from == *to {
		return usageErr("--from and --to are the same ledger")
	}
	if !isPostgresURL(*from) {
		if _, err := os.Stat(*from); err != nil {
			return fmt.Errorf("--from %s: %w: no such ledger file", *from, ledger.ErrNotFound)
		}
	}
	src, err := openStore(ctx, locOpts(*from))
	if err != nil {
		return fmt.Errorf("open --from: %w", err)
	}
	defer src.Close()
	dst, err := openStore(ctx, locOpts(*to))
	if err != nil {
		return fmt.Errorf("open --to: %w", err)
	}
	defer dst.Close()
	if err := refuseNonEmpty(ctx, dst); err != nil {
		return err
	}
	if err := copyLedger(ctx, e, src, dst); err != nil {
		return fmt.Errorf("%w (the target now holds part of the ledger: drop it before trying again)", err)
	}
	a, err := summarize(ctx, src)
	if err != nil {
		return fmt.Errorf("verify --from: %w", err)
	}
	b, err := summarize(ctx, dst)
	if err != nil {
		return fmt.Errorf("verify --to: %w", err)
	}
	fmt.Fprintf(e.stdout, "%-12s %10s %10s  %s\n", "", "from", "to", "sha256 (from = to)")
	bad := false
	for i, row := range a {
		mark := ""
		if row != b[i] {
			mark, bad = "  MISMATCH: "+b[i].sum[:16], true
		}
		fmt.Fprintf(e.stdout, "%-12s %10d %10d  %s%s\n", row.name, row.n, b[i].n, row.sum[:16], mark)
	}
	if bad {
		return errors.New("the copy differs from the original")
	}
	fmt.Fprintln(e.stdout, "copy verified")
	return nil
}

var errNotEmpty = errors.New("not empty")

func refuseNonEmpty(ctx context.Context, st store.Store) error {
	empty := func(n int, err error) error {
		if err == nil && n > 0 {
			return errNotEmpty
		}
		return err
	}
	err := errors.Join(
		empty(lenOf(st.Places(ctx))), empty(lenOf(st.Actors(ctx))), empty(lenOf(st.Agreements(ctx))),
		empty(lenOf(st.Sources(ctx))), empty(lenOf(st.Mentions(ctx))), empty(lenOf(st.Tokens(ctx))),
		st.Scan(ctx, 0, func(int64, *ledger.Claim) error { return errNotEmpty }),
		st.ScanReviews(ctx, 0, func(int64, ledger.Review) error { return errNotEmpty }),
	)
	if errors.Is(err, errNotEmpty) {
		return exitError{3, errors.New("the target ledger is not empty: copy only into a new one")}
	}
	return err
}

func lenOf[T any](v []T, err error) (int, error) { return len(v), err }

// copyLedger writes src into dst: reference data with every version, then
// sources with their texts, claims in their recorded order, reviews,
// mentions and tokens. Each write is checked by the target as any other.
func copyLedger(ctx context.Context, e *env, src, dst store.Store) error {
	refs, err := src.History(ctx)
	if err != nil {
		return err
	}
	sources, err := src.Sources(ctx)
	if err != nil {
		return err
	}
	pr := e.progress("sources", len(sources))
	for lo := 0; lo < len(sources); lo += 500 {
		var b store.Batch
		for _, s := range sources[lo:min(lo+500, len(sources))] {
			text, err := src.Text(ctx, s.ID)
			if err != nil {
				return err
			}
			b.Sources = append(b.Sources, store.SourceText{Source: s, Text: text})
		}
		if err := dst.Write(ctx, b); err != nil {
			return fmt.Errorf("sources: %w", err)
		}
		pr.Add(len(b.Sources))
	}
	pr.Done()
	if err := dst.Write(ctx, refs); err != nil {
		return fmt.Errorf("places, actors, agreements: %w", err)
	}
	pr = e.progress("claims", 0)
	var cs []*ledger.Claim
	flush := func() error {
		if len(cs) == 0 {
			return nil
		}
		if err := dst.Write(ctx, store.Batch{Claims: cs}); err != nil {
			return fmt.Errorf("claims: %w", err)
		}
		pr.Add(len(cs))
		cs = cs[:0]
		return nil
	}
	err = src.Scan(ctx, 0, func(_ int64, c *ledger.Claim) error {
		cs = append(cs, c)
		if len(cs) == copyChunk {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	pr.Done()
	pr = e.progress("reviews", 0)
	var rs []ledger.Review
	flushReviews := func() error {
		if len(rs) == 0 {
			return nil
		}
		if err := dst.Write(ctx, store.Batch{Reviews: rs}); err != nil {
			return fmt.Errorf("reviews: %w", err)
		}
		pr.Add(len(rs))
		rs = rs[:0]
		return nil
	}
	err = src.ScanReviews(ctx, 0, func(_ int64, r ledger.Review) error {
		rs = append(rs, r)
		if len(rs) == copyChunk {
			return flushReviews()
		}
		return nil
	})
	if err == nil {
		err = flushReviews()
	}
	if err != nil {
		return err
	}
	pr.Done()
	ms, err := src.Mentions(ctx)
	if err != nil {
		return err
	}
	for lo := 0; lo < len(ms); lo += copyChunk {
		if err := dst.Write(ctx, store.Batch{Mentions: ms[lo:min(lo+copyChunk, len(ms))]}); err != nil {
			return fmt.Errorf("mentions: %w", err)
		}
	}
	toks, err := src.Tokens(ctx)
	if err != nil {
		return err
	}
	for _, t := range toks {
		if err := dst.PutToken(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// summaryRow is a count and a SHA-256 over the canonical JSON of one kind
// of row, in the store's order.
type summaryRow struct {
	name string
	n    int
	sum  string
}

type summer struct {
	h hash.Hash
	n int
}

func (s *summer) add(v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.h.Write(j)
	s.h.Write([]byte{'\n'})
	s.n++
	return nil
}

func (s *summer) row(name string) summaryRow {
	return summaryRow{name, s.n, hex.EncodeToString(s.h.Sum(nil))}
}

func newSummer() *summer { return &summer{h: sha256.New()} }

// summarize counts and checksums everything a ledger holds. Tokens are
// summed with their hashes, which their JSON form leaves out.
func summarize(ctx context.Context, st store.Store) ([]summaryRow, error) {
	var out []summaryRow
	refs, err := st.History(ctx)
	if err != nil {
		return nil, err
	}
	each := func(name string, n int, f func(i int) any) error {
		s := newSummer()
		for i := range n {
			if err := s.add(f(i)); err != nil {
				return err
			}
		}
		out = append(out, s.row(name))
		return nil
	}
	if err := errors.Join(
		each("places", len(refs.Places), func(i int) any { return refs.Places[i] }),
		each("actors", len(refs.Actors), func(i int) any { return refs.Actors[i] }),
		each("agreements", len(refs.Agreements), func(i int) any { return refs.Agreements[i] }),
	); err != nil {
		return nil, err
	}
	sources, err := st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	srcs, texts := newSummer(), newSummer()
	for _, s := range sources {
		if err := srcs.add(s); err != nil {
			return nil, err
		}
		text, err := st.Text(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		if text != "" {
			io.WriteString(texts.h, ledger.HashText(text))
			texts.n++
		}
	}
	out = append(out, srcs.row("sources"), texts.row("texts"))
	claims := newSummer()
	if err := st.Scan(ctx, 0, func(_ int64, c *ledger.Claim) error { return claims.add(c) }); err != nil {
		return nil, err
	}
	reviews := newSummer()
	if err := st.ScanReviews(ctx, 0, func(_ int64, r ledger.Review) error { return reviews.add(r) }); err != nil {
		return nil, err
	}
	out = append(out, claims.row("claims"), reviews.row("reviews"))
	ms, err := st.Mentions(ctx)
	if err != nil {
		return nil, err
	}
	toks, err := st.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(
		each("mentions", len(ms), func(i int) any { return ms[i] }),
		each("tokens", len(toks), func(i int) any { return []any{toks[i].Hash, toks[i]} }),
	); err != nil {
		return nil, err
	}
	return out, nil
}
