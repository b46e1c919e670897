// Package sqlite is truce's embedded store: one SQLite file in WAL mode.
//
// Driver: modernc.org/sqlite, a pure-Go translation of SQLite. It needs no
// cgo, so `go run` and cross-builds work on any machine with only Go; the
// cost is some speed against the C library, which the benchmarks show.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"truce/ledger"
	"truce/store"
)

//go:embed schema.sql
var schema string

// schemaVersion is bumped with each migration appended to migrations.
const schemaVersion = 2

var migrations = []string{schema,
	// 2: what is recorded about a hazard area, for store.AreaRefs.
	`CREATE INDEX claims_hazard_area ON claims(json_extract(doc, '$.hazard.area')) WHERE kind = 'hazard';
	CREATE INDEX claims_release_area ON claims(json_extract(doc, '$.land_release.area')) WHERE kind = 'land_release';
	CREATE INDEX reviews_claim ON reviews(claim, seq);`,
}

// Store is a ledger in one SQLite file.
type Store struct {
	w *sql.DB // one writer
	r *sql.DB // readers
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the database at path and applies migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	s := &Store{w: w, r: r}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > schemaVersion {
		return fmt.Errorf("database schema %d is newer than this truce (%d): upgrade truce", v, schemaVersion)
	}
	for ; v < schemaVersion; v++ {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Version is the schema version the file is at.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

type txRefs struct{ tx *sql.Tx }

func (t txRefs) has(ctx context.Context, q, id string) (bool, error) {
	var one int
	err := t.tx.QueryRowContext(ctx, q, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
func (t txRefs) HasPlace(ctx context.Context, id string) (bool, error) {
	return t.has(ctx, "SELECT 1 FROM places WHERE id = ? LIMIT 1", id)
}
func (t txRefs) HasActor(ctx context.Context, id string) (bool, error) {
	return t.has(ctx, "SELECT 1 FROM actors WHERE id = ? LIMIT 1", id)
}
func (t txRefs) HasClaim(ctx context.Context, id string) (bool, error) {
	return t.has(ctx, "SELECT 1 FROM claims WHERE id = ?", id)
}
func (t txRefs) SourceText(ctx context.Context, id string) (string, bool, error) {
	var text sql.NullString
	err := t.tx.QueryRowContext(ctx,
		"SELECT t.body FROM sources s LEFT JOIN texts t ON t.hash = s.text_hash WHERE s.id = ?", id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return text.String, err == nil, err
}

// AreaClaims implements store.AreaRefs; the expressions match the indexes
// of migration 2.
func (t txRefs) AreaClaims(ctx context.Context, area string) ([]*ledger.Claim, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT c.doc, (SELECT r.status FROM reviews r WHERE r.claim = c.id ORDER BY r.seq DESC LIMIT 1)
		FROM claims c WHERE c.kind = 'hazard' AND json_extract(c.doc, '$.hazard.area') = ?1
		UNION ALL
		SELECT c.doc, (SELECT r.status FROM reviews r WHERE r.claim = c.id ORDER BY r.seq DESC LIMIT 1)
		FROM claims c WHERE c.kind = 'land_release' AND json_extract(c.doc, '$.land_release.area') = ?1`, area)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ledger.Claim
	for rows.Next() {
		var doc string
		var st sql.NullString
		if err := rows.Scan(&doc, &st); err != nil {
			return nil, err
		}
		c := new(ledger.Claim)
		if err := json.Unmarshal([]byte(doc), c); err != nil {
			return nil, fmt.Errorf("decode claim: %w", err)
		}
		if st.Valid {
			c.Status = st.String
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

var _ store.AreaRefs = txRefs{}

// Write appends a batch in one transaction.
func (s *Store) Write(ctx context.Context, b store.Batch) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := store.Check(ctx, b, txRefs{tx}); err != nil {
		return err
	}
	now := time.Now().UnixMicro()
	version := func(table, id string) (int, error) {
		var v int
		err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version),0) FROM "+table+" WHERE id = ?", id).Scan(&v)
		return v + 1, err
	}
	putRef := func(table, id string, doc any) error {
		v, err := version(table, id)
		if err != nil {
			return err
		}
		j, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO "+table+"(id, version, recorded_at, doc) VALUES (?,?,?,?)", id, v, now, string(j))
		if err != nil {
			return fmt.Errorf("%s %s: %w", table, id, err)
		}
		return nil
	}
	for _, p := range b.Places {
		if err := putRef("places", p.ID, p); err != nil {
			return err
		}
	}
	for _, a := range b.Actors {
		if err := putRef("actors", a.ID, a); err != nil {
			return err
		}
	}
	for _, a := range b.Agreements {
		if err := putRef("agreements", a.ID, a); err != nil {
			return err
		}
	}
	for _, src := range b.Sources {
		if err := s.putSource(ctx, tx, src); err != nil {
			return err
		}
	}
	if len(b.Claims) > 0 {
		if err := insertClaims(ctx, tx, b.Claims); err != nil {
			return err
		}
	}
	for _, r := range b.Reviews {
		if _, err := tx.ExecContext(ctx, "INSERT INTO reviews(claim, status, by, at, note) VALUES (?,?,?,?,?)",
			r.Claim, r.Status, r.By, r.At.UnixMicro(), r.Note); err != nil {
			return fmt.Errorf("review of %s: %w", r.Claim, err)
		}
	}
	for _, m := range b.Mentions {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO mentions(source, name, start, "end", kind) VALUES (?,?,?,?,?)`,
			m.Source, m.Name, m.Start, m.End, m.Kind); err != nil {
			return fmt.Errorf("mention %q: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write: commit: %w", err)
	}
	return nil
}

// insertClaims appends claims. A big batch (an import of a million rows)
// keeps two cores busy: JSON encoding runs beside the inserts, and rows go
// in 64 to a statement, which halves the per-row cost of the driver.
func insertClaims(ctx context.Context, tx *sql.Tx, claims []*ledger.Claim) error {
	const perStmt = 64
	one, err := tx.PrepareContext(ctx, "INSERT INTO claims(id, kind, doc) VALUES (?,?,?)")
	if err != nil {
		return err
	}
	defer one.Close()
	var many *sql.Stmt
	if len(claims) >= perStmt {
		if many, err = tx.PrepareContext(ctx, "INSERT INTO claims(id, kind, doc) VALUES (?,?,?)"+strings.Repeat(",(?,?,?)", perStmt-1)); err != nil {
			return err
		}
		defer many.Close()
	}
	docs := make(chan string, 1024)
	stop := make(chan struct{})
	defer close(stop)
	var encErr error
	go func() {
		defer close(docs)
		// One reused buffer: the string conversion is then the only
		// allocation per claim (json.Marshal copies its result too).
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		for _, c := range claims {
			buf.Reset()
			if err := enc.Encode(c); err != nil {
				encErr = fmt.Errorf("claim %s: %w", c.ID, err)
				return
			}
			j := buf.Bytes()
			select {
			case docs <- string(j[:len(j)-1]): // without Encode's newline
			case <-stop:
				return
			}
		}
	}()
	args := make([]any, 0, 3*perStmt)
	for i := 0; i < len(claims); {
		n, st := perStmt, many
		if len(claims)-i < perStmt {
			n, st = 1, one
		}
		args = args[:0]
		for _, c := range claims[i : i+n] {
			doc, ok := <-docs
			if !ok {
				return encErr
			}
			args = append(args, c.ID, c.Kind, doc)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return claimInsertError(ctx, tx, claims[i:i+n], err)
		}
		i += n
	}
	return nil
}

// claimInsertError names the claim an insert failed on: the one already
// recorded, for a duplicate id.
func claimInsertError(ctx context.Context, tx *sql.Tx, claims []*ledger.Claim, err error) error {
	if strings.Contains(err.Error(), "UNIQUE") {
		for _, c := range claims {
			if ok, _ := (txRefs{tx}).HasClaim(ctx, c.ID); ok {
				return fmt.Errorf("claim %s: %w: already recorded", c.ID, ledger.ErrConflict)
			}
		}
		return fmt.Errorf("claim %s: %w: already recorded", claims[0].ID, ledger.ErrConflict)
	}
	return fmt.Errorf("claim %s: %w", claims[0].ID, err)
}

func (s *Store) putSource(ctx context.Context, tx *sql.Tx, src store.SourceText) error {
	var existing string
	err := tx.QueryRowContext(ctx, "SELECT doc FROM sources WHERE id = ?", src.ID).Scan(&existing)
	if err == nil {
		return nil // sources are immutable: the same id is the same source
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var hash any
	if src.Text != "" {
		src.TextHash, src.TextLen = ledger.HashText(src.Text), len(src.Text)
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO texts(hash, body) VALUES (?,?)", src.TextHash, src.Text); err != nil {
			return fmt.Errorf("source %s text: %w", src.ID, err)
		}
		hash = src.TextHash
	}
	if src.RecordedAt.IsZero() {
		src.RecordedAt = time.Now().UTC()
	}
	j, err := json.Marshal(src.Source)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO sources(id, text_hash, recorded_at, doc) VALUES (?,?,?,?)",
		src.ID, hash, src.RecordedAt.UnixMicro(), string(j))
	if err != nil {
		return fmt.Errorf("source %s: %w", src.ID, err)
	}
	return nil
}

func latest[T any](ctx context.Context, db *sql.DB, table string) ([]T, error) {
	rows, err := db.QueryContext(ctx, "SELECT doc FROM "+table+" t WHERE version = (SELECT max(version) FROM "+table+" u WHERE u.id = t.id) ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	return decodeRows[T](rows, table)
}

func decodeRows[T any](rows *sql.Rows, what string) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			return nil, fmt.Errorf("%s: decode: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Store) Places(ctx context.Context) ([]ledger.Place, error) {
	return latest[ledger.Place](ctx, s.r, "places")
}
func (s *Store) Actors(ctx context.Context) ([]ledger.Actor, error) {
	return latest[ledger.Actor](ctx, s.r, "actors")
}
func (s *Store) Agreements(ctx context.Context) ([]ledger.Agreement, error) {
	return latest[ledger.Agreement](ctx, s.r, "agreements")
}

func (s *Store) Sources(ctx context.Context) ([]ledger.Source, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT doc FROM sources ORDER BY recorded_at, id")
	if err != nil {
		return nil, err
	}
	return decodeRows[ledger.Source](rows, "sources")
}

func (s *Store) source(ctx context.Context, q string, arg string) (ledger.Source, error) {
	var doc string
	err := s.r.QueryRowContext(ctx, q, arg).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Source{}, fmt.Errorf("source %s: %w", arg, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Source{}, err
	}
	var src ledger.Source
	return src, json.Unmarshal([]byte(doc), &src)
}

func (s *Store) Source(ctx context.Context, id string) (ledger.Source, error) {
	return s.source(ctx, "SELECT doc FROM sources WHERE id = ?", id)
}

func (s *Store) SourceByHash(ctx context.Context, hash string) (ledger.Source, error) {
	return s.source(ctx, "SELECT doc FROM sources WHERE text_hash = ? ORDER BY recorded_at LIMIT 1", hash)
}

func (s *Store) Text(ctx context.Context, id string) (string, error) {
	var text sql.NullString
	err := s.r.QueryRowContext(ctx, "SELECT t.body FROM sources s LEFT JOIN texts t ON t.hash = s.text_hash WHERE s.id = ?", id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("source %s: %w", id, ledger.ErrNotFound)
	}
	return text.String, err
}

func (s *Store) Mentions(ctx context.Context) ([]store.Mention, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT source, name, start, "end", kind FROM mentions ORDER BY name, source, start`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Mention
	for rows.Next() {
		var m store.Mention
		if err := rows.Scan(&m.Source, &m.Name, &m.Start, &m.End, &m.Kind); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store) Claims(ctx context.Context, ids []string) ([]*ledger.Claim, error) {
	return store.ClaimsByID(ids, 500, func(part []string, found func(*ledger.Claim)) error {
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := "SELECT id, doc FROM claims WHERE id IN (?" + strings.Repeat(",?", len(part)-1) + ")"
		rows, err := s.r.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, doc string
			if err := rows.Scan(&id, &doc); err != nil {
				return err
			}
			var c ledger.Claim
			if err := json.Unmarshal([]byte(doc), &c); err != nil {
				return fmt.Errorf("claim %s: decode: %w", id, err)
			}
			found(&c)
		}
		return rows.Err()
	})
}

func (s *Store) Scan(ctx context.Context, after int64, fn func(int64, *ledger.Claim) error) error {
	rows, err := s.r.QueryContext(ctx, "SELECT seq, doc FROM claims WHERE seq > ? ORDER BY seq", after)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var doc []byte
		if err := rows.Scan(&seq, &doc); err != nil {
			return err
		}
		c := new(ledger.Claim)
		if err := json.Unmarshal(doc, c); err != nil {
			return fmt.Errorf("claim seq %d: decode: %w", seq, err)
		}
		if err := fn(seq, c); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) ScanReviews(ctx context.Context, after int64, fn func(int64, ledger.Review) error) error {
	rows, err := s.r.QueryContext(ctx, "SELECT seq, claim, status, by, at, note FROM reviews WHERE seq > ? ORDER BY seq", after)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq, at int64
		var r ledger.Review
		if err := rows.Scan(&seq, &r.Claim, &r.Status, &r.By, &at, &r.Note); err != nil {
			return err
		}
		r.At = time.UnixMicro(at).UTC()
		if err := fn(seq, r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) PutToken(ctx context.Context, t store.Token) error {
	_, err := s.w.ExecContext(ctx, "INSERT INTO tokens(hash, name, role, created_at) VALUES (?,?,?,?)",
		t.Hash, t.Name, t.Role, t.CreatedAt.UnixMicro())
	return err
}

func (s *Store) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	var t store.Token
	var at int64
	err := s.r.QueryRowContext(ctx, "SELECT hash, name, role, created_at FROM tokens WHERE hash = ?", hash).Scan(&t.Hash, &t.Name, &t.Role, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("token: %w", ledger.ErrNotFound)
	}
	t.CreatedAt = time.UnixMicro(at).UTC()
	return t, err
}

// History returns every version of places, actors and agreements, in an
// order that writing them back recreates the same version numbers.
func (s *Store) History(ctx context.Context) (store.Batch, error) {
	var b store.Batch
	all := func(table string) (*sql.Rows, error) {
		return s.r.QueryContext(ctx, "SELECT doc FROM "+table+" ORDER BY version, id")
	}
	rows, err := all("places")
	if err != nil {
		return b, err
	}
	if b.Places, err = decodeRows[ledger.Place](rows, "places"); err != nil {
		return b, err
	}
	if rows, err = all("actors"); err != nil {
		return b, err
	}
	if b.Actors, err = decodeRows[ledger.Actor](rows, "actors"); err != nil {
		return b, err
	}
	if rows, err = all("agreements"); err != nil {
		return b, err
	}
	b.Agreements, err = decodeRows[ledger.Agreement](rows, "agreements")
	return b, err
}

func (s *Store) Tokens(ctx context.Context) ([]store.Token, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT hash, name, role, created_at FROM tokens ORDER BY created_at, hash")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		var t store.Token
		var at int64
		if err := rows.Scan(&t.Hash, &t.Name, &t.Role, &at); err != nil {
			return nil, err
		}
		t.CreatedAt = time.UnixMicro(at).UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// Exec runs a statement on the write connection; tests use it to prove the
// append-only triggers.
func (s *Store) Exec(ctx context.Context, q string) (sql.Result, error) {
	return s.w.ExecContext(ctx, q)
}
