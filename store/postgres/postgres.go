// Package postgres is truce's server store: PostgreSQL 15+ with PostGIS,
// shared by many writers.
//
// Writes: one READ COMMITTED transaction per Write, or per WriteStream for
// an import written while it is read. Each takes a transaction-scoped
// advisory lock, checks its batch (store.Check, store.Checker) and appends.
// The lock hands out claim and review sequence numbers in commit order:
// without it, a reader scanning "everything after seq N" could pass over a
// row that a slower transaction commits later with a smaller number, and a
// monitor would never see it. It also makes the checks that span the ledger
// (land released from a hazard area against what was declared) see every
// earlier write. Writers to one ledger queue on it; an import holds it
// while it streams.
//
// Driver: github.com/jackc/pgx/v5 with its own pool. Claims are typed
// columns (claims_columns.sql) always written with COPY in PostgreSQL's
// binary format, encoded by hand (claims.go); large review batches go
// through COPY too.
package postgres

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"truce/ledger"
	"truce/store"
)

//go:embed schema.sql
var schema string

//go:embed claims_columns.sql
var claimsColumns string

// migrations are applied in order; schema_version records how many ran.
// Append, never edit.
var migrations = []string{schema, claimsColumns}

// SchemaVersion is the schema this build writes.
var SchemaVersion = len(migrations)

// Advisory locks are taken per schema, so that ledgers kept in separate
// schemas of one database never wait for each other: the first key says
// which lock ("tru" in ASCII plus a number), the second is the schema.
const (
	lockMigrate int32 = 0x74727501
	lockAppend  int32 = 0x74727502
	lockSQL           = "SELECT pg_advisory_xact_lock($1::int4, hashtext(current_schema()))"
)

// copyAbove is the batch size from which rows are sent with COPY.
const copyAbove = 200

// Store is a ledger in a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to url, a postgres:// URL or key=value string, and applies
// migrations. A search_path parameter in the URL selects the schema.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.Migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s@%s/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	return s, nil
}

// Migrate brings the schema up to date. Concurrent callers queue on an
// advisory lock; a database newer than this build is refused.
func (s *Store) Migrate(ctx context.Context) error {
	// Up to date: nothing to write, so a read-only hot standby opens too.
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT to_regclass('schema_version') IS NOT NULL").Scan(&exists); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if exists {
		v, err := s.Version(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if v > SchemaVersion {
			return fmt.Errorf("database schema %d is newer than this truce (%d): upgrade truce", v, SchemaVersion)
		}
		if v == SchemaVersion {
			return nil
		}
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockSQL, lockMigrate); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		var v int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&v); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if v > SchemaVersion {
			return fmt.Errorf("database schema %d is newer than this truce (%d): upgrade truce", v, SchemaVersion)
		}
		for ; v < SchemaVersion; v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				var pe *pgconn.PgError
				if errors.As(err, &pe) && strings.Contains(pe.Message, "postgis") {
					return fmt.Errorf("migration %d: %w (PostGIS must be installed on the server; a superuser can run CREATE EXTENSION postgis)", v+1, err)
				}
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_version(version) VALUES ($1)", v+1); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		return nil
	})
}

// IndexPoints adds a GiST index on event points (claims.geom), built
// CONCURRENTLY so that readers and writers carry on meanwhile; it is not
// made by default since it costs every imported row its upkeep (about
// 10 us, BENCHMARKS.md). An index left invalid by a failed build is
// rebuilt.
func (s *Store) IndexPoints(ctx context.Context) error {
	var valid *bool
	err := s.pool.QueryRow(ctx, `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relname = 'claims_geom' AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`).Scan(&valid)
	switch {
	case err == nil && *valid:
		return nil
	case err == nil:
		if _, err := s.pool.Exec(ctx, "DROP INDEX CONCURRENTLY claims_geom"); err != nil {
			return fmt.Errorf("index points: %w", err)
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("index points: %w", err)
	}
	if _, err := s.pool.Exec(ctx, "CREATE INDEX CONCURRENTLY claims_geom ON claims USING gist (geom)"); err != nil {
		return fmt.Errorf("index points: %w", err)
	}
	return nil
}

// Version is the schema version the database is at.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&v)
	return v, err
}

func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Exec runs a statement; tests use it to prove the append-only triggers.
func (s *Store) Exec(ctx context.Context, q string, args ...any) error {
	_, err := s.pool.Exec(ctx, q, args...)
	return err
}

// Pool is the connection pool, for tools that query the tables directly.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// refs answers store.Check: inside the write transaction, or from
// committed rows (a pool).
type refs struct {
	q interface {
		QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	}
}

func (r refs) has(ctx context.Context, q, id string) (bool, error) {
	var ok bool
	err := r.q.QueryRow(ctx, q, id).Scan(&ok)
	return ok, err
}
func (r refs) HasPlace(ctx context.Context, id string) (bool, error) {
	return r.has(ctx, "SELECT EXISTS (SELECT 1 FROM places WHERE id = $1)", id)
}
func (r refs) HasActor(ctx context.Context, id string) (bool, error) {
	return r.has(ctx, "SELECT EXISTS (SELECT 1 FROM actors WHERE id = $1)", id)
}
func (r refs) HasClaim(ctx context.Context, id string) (bool, error) {
	return r.has(ctx, "SELECT EXISTS (SELECT 1 FROM claims WHERE id = $1)", id)
}
func (r refs) SourceText(ctx context.Context, id string) (string, bool, error) {
	var text *string
	err := r.q.QueryRow(ctx,
		"SELECT t.body FROM sources s LEFT JOIN texts t ON t.hash = s.text_hash WHERE s.id = $1", id).Scan(&text)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil || text == nil {
		return "", err == nil, err
	}
	return *text, true, nil
}

// AreaClaims gives the hazard and land_release claims stored for a hazard
// area, each with its latest review as Status (for store.Check's area
// rule); the expression matches the index claims_area.
func (r refs) AreaClaims(ctx context.Context, area string) ([]*ledger.Claim, error) {
	q, ok := r.q.(interface {
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	})
	if !ok {
		return nil, errors.New("area claims: no query method")
	}
	rows, err := q.Query(ctx, `SELECT `+claimSelect+`, (SELECT r.status FROM reviews r WHERE r.claim = c.id ORDER BY r.seq DESC LIMIT 1)
		FROM claims c WHERE c.kind IN ('hazard', 'land_release')
		AND coalesce(c.detail->'hazard'->>'area', c.detail->'land_release'->>'area') = $1 ORDER BY c.seq`, area)
	if err != nil {
		return nil, fmt.Errorf("area claims: %w", err)
	}
	defer rows.Close()
	var out []*ledger.Claim
	for rows.Next() {
		var st *string
		_, c, err := scanClaim(withStatus{rows, &st})
		if err != nil {
			return nil, fmt.Errorf("area claims: %w", err)
		}
		if st != nil {
			c.Status = *st
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// withStatus scans a claim row followed by one more column.
type withStatus struct {
	pgx.Row
	st **string
}

func (w withStatus) Scan(dest ...any) error { return w.Row.Scan(append(dest, w.st)...) }

var _ store.AreaRefs = refs{}

// Write appends a batch in one transaction.
func (s *Store) Write(ctx context.Context, b store.Batch) error {
	if len(b.Claims) >= streamAbove {
		// A large batch goes as an import does: checked on another
		// connection while COPY takes it in.
		rest := b
		rest.Claims = nil
		return s.WriteStream(ctx, chunks(b.Claims), func() (store.Batch, error) { return rest, nil })
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockSQL, lockAppend); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if err := store.Check(ctx, b, refs{tx}); err != nil {
			return err
		}
		return s.append(ctx, tx, b)
	})
	if err != nil && !store.IsInvalid(err) && !errors.Is(err, ledger.ErrConflict) {
		return fmt.Errorf("write: %w", err)
	}
	return err
}

// streamAbove is the claim count from which Write streams a batch.
const streamAbove = 10000

var _ store.Streamer = (*Store)(nil)

// WriteStream writes claims with COPY as they are read, and checks them on
// another connection as they pass (store.Checker); the rest of the batch is
// checked once the reader is done, and the transaction commits only if
// everything passed.
func (s *Store) WriteStream(ctx context.Context, next func() ([]*ledger.Claim, error), rest func() (store.Batch, error)) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockSQL, lockAppend); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		// The other connection sees what is committed, which cannot change
		// while this transaction holds the lock.
		k := store.NewChecker(ctx, refs{s.pool}, store.Batch{})
		toCheck := make(chan []*ledger.Claim, 8)
		var b store.Batch
		checked := make(chan error, 1)
		go func() {
			var err error
			for cs := range toCheck {
				if err == nil {
					err = k.Claims(cs)
				}
			}
			rb, rerr := rest()
			switch {
			case rerr != nil:
				err = rerr // the reader's error comes first
			case err == nil:
				b, err = rb, k.Finish(rb)
			}
			checked <- err
		}()
		_, err := copyClaims(ctx, tx, func() ([]*ledger.Claim, error) {
			cs, err := next()
			if len(cs) > 0 {
				toCheck <- cs
			}
			return cs, err
		})
		close(toCheck)
		if cerr := <-checked; cerr != nil {
			return cerr
		}
		if err != nil {
			return err
		}
		b.Claims = nil // written above
		return s.append(ctx, tx, b)
	})
	if err != nil && !store.IsInvalid(err) && !errors.Is(err, ledger.ErrConflict) {
		return fmt.Errorf("write: %w", err)
	}
	return err
}

func (s *Store) append(ctx context.Context, tx pgx.Tx, b store.Batch) error {
	now := time.Now().UTC()
	var q pgx.Batch
	var what []string // names each queued statement for errors
	queue := func(name, sql string, args ...any) {
		q.Queue(sql, args...)
		what = append(what, name)
	}
	for _, p := range b.Places {
		doc, err := json.Marshal(p)
		if err != nil {
			return err
		}
		var geo *string
		if len(p.Geometry) > 0 {
			g := string(p.Geometry)
			geo = &g
		}
		var lon, lat *float64
		if p.Point != nil {
			lon, lat = &p.Point.Lon, &p.Point.Lat
		}
		queue("place "+p.ID, `INSERT INTO places(id, version, recorded_at, kind, label, parent, point, geom, doc)
			VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM places WHERE id = $1), $2, $3, $4, nullif($5, ''),
				`+pointSQL+`, coalesce(ST_SetSRID(ST_GeomFromGeoJSON($6::text), 4326), `+pointSQL+`), $9)`,
			p.ID, now, p.Kind, p.Label, p.Parent, geo, lon, lat, doc)
	}
	for _, a := range b.Actors {
		doc, err := json.Marshal(a)
		if err != nil {
			return err
		}
		queue("actor "+a.ID, `INSERT INTO actors(id, version, recorded_at, kind, label, doc)
			VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM actors WHERE id = $1), $2, $3, $4, $5)`,
			a.ID, now, a.Kind, a.Label, doc)
	}
	for _, a := range b.Agreements {
		doc, err := json.Marshal(a)
		if err != nil {
			return err
		}
		queue("agreement "+a.ID, `INSERT INTO agreements(id, version, recorded_at, doc)
			VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM agreements WHERE id = $1), $2, $3)`,
			a.ID, now, doc)
	}
	if err := sendBatch(ctx, tx, &q, what); err != nil {
		return err
	}
	q, what = pgx.Batch{}, nil
	for _, src := range b.Sources {
		if err := putSource(ctx, tx, src, now); err != nil {
			return err
		}
	}
	if len(b.Claims) > 0 {
		if _, err := copyClaims(ctx, tx, chunks(b.Claims)); err != nil {
			return err
		}
	}
	if len(b.Reviews) >= copyAbove {
		rows := make([][]any, len(b.Reviews))
		for i, r := range b.Reviews {
			rows[i] = []any{r.Claim, r.Status, r.By, r.At.UTC(), r.Note}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"reviews"}, []string{"claim", "status", "by", "at", "note"},
			pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("reviews: %w", err)
		}
	} else {
		for _, r := range b.Reviews {
			queue("review of "+r.Claim, "INSERT INTO reviews(claim, status, by, at, note) VALUES ($1, $2, $3, $4, $5)",
				r.Claim, r.Status, r.By, r.At.UTC(), r.Note)
		}
	}
	for _, m := range b.Mentions {
		queue(fmt.Sprintf("mention %q", m.Name), `INSERT INTO mentions(source, name, start, "end", kind) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, m.Source, m.Name, m.Start, m.End, m.Kind)
	}
	return sendBatch(ctx, tx, &q, what)
}

func sendBatch(ctx context.Context, tx pgx.Tx, q *pgx.Batch, what []string) error {
	if q.Len() == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, q)
	for _, name := range what {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return br.Close()
}

func putSource(ctx context.Context, tx pgx.Tx, src store.SourceText, now time.Time) error {
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM sources WHERE id = $1)", src.ID).Scan(&exists); err != nil {
		return fmt.Errorf("source %s: %w", src.ID, err)
	}
	if exists {
		return nil // sources are immutable: the same id is the same source
	}
	var hash *string
	if src.Text != "" {
		src.TextHash, src.TextLen = ledger.HashText(src.Text), len(src.Text)
		if _, err := tx.Exec(ctx, "INSERT INTO texts(hash, body) VALUES ($1, $2) ON CONFLICT DO NOTHING", src.TextHash, src.Text); err != nil {
			return fmt.Errorf("source %s text: %w", src.ID, err)
		}
		hash = &src.TextHash
	}
	if src.RecordedAt.IsZero() {
		src.RecordedAt = now
	}
	doc, err := json.Marshal(src.Source)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO sources(id, text_hash, recorded_at, doc) VALUES ($1, $2, $3, $4)",
		src.ID, hash, src.RecordedAt, doc); err != nil {
		return fmt.Errorf("source %s: %w", src.ID, err)
	}
	return nil
}

// pointSQL makes a place's point from parameters $7 (lon) and $8 (lat).
const pointSQL = "CASE WHEN $7::float8 IS NOT NULL THEN ST_SetSRID(ST_MakePoint($7::float8, $8::float8), 4326) END"

// claimErr names a duplicate claim id as a conflict.
func claimErr(id string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		if id == "" {
			// COPY names the row only in the detail: Key (id)=(x) already exists.
			if _, rest, ok := strings.Cut(pe.Detail, ")=("); ok {
				id, _, _ = strings.Cut(rest, ")")
			}
		}
		return fmt.Errorf("claim %s: %w: already recorded", id, ledger.ErrConflict)
	}
	if id == "" {
		return fmt.Errorf("claims: %w", err)
	}
	return fmt.Errorf("claim %s: %w", id, err)
}

func queryDocs[T any](ctx context.Context, s *Store, what, q string, args ...any) ([]T, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			return nil, fmt.Errorf("%s: decode: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// latestQ reads the newest version of each id, in byte order of ids as
// SQLite sorts them, whatever the database's collation.
func latestQ(table string) string {
	return `SELECT doc FROM (SELECT DISTINCT ON (id) id, doc FROM ` + table +
		` ORDER BY id, version DESC) t ORDER BY id COLLATE "C"`
}

func (s *Store) Places(ctx context.Context) ([]ledger.Place, error) {
	return queryDocs[ledger.Place](ctx, s, "places", latestQ("places"))
}
func (s *Store) Actors(ctx context.Context) ([]ledger.Actor, error) {
	return queryDocs[ledger.Actor](ctx, s, "actors", latestQ("actors"))
}
func (s *Store) Agreements(ctx context.Context) ([]ledger.Agreement, error) {
	return queryDocs[ledger.Agreement](ctx, s, "agreements", latestQ("agreements"))
}

func (s *Store) Sources(ctx context.Context) ([]ledger.Source, error) {
	return queryDocs[ledger.Source](ctx, s, "sources", `SELECT doc FROM sources ORDER BY recorded_at, id COLLATE "C"`)
}

func (s *Store) source(ctx context.Context, q, arg string) (ledger.Source, error) {
	var doc []byte
	err := s.pool.QueryRow(ctx, q, arg).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return ledger.Source{}, fmt.Errorf("source %s: %w", arg, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Source{}, fmt.Errorf("source %s: %w", arg, err)
	}
	var src ledger.Source
	return src, json.Unmarshal(doc, &src)
}

func (s *Store) Source(ctx context.Context, id string) (ledger.Source, error) {
	return s.source(ctx, "SELECT doc FROM sources WHERE id = $1", id)
}

func (s *Store) SourceByHash(ctx context.Context, hash string) (ledger.Source, error) {
	return s.source(ctx, `SELECT doc FROM sources WHERE text_hash = $1 ORDER BY recorded_at, id COLLATE "C" LIMIT 1`, hash)
}

func (s *Store) Text(ctx context.Context, id string) (string, error) {
	var text *string
	err := s.pool.QueryRow(ctx, "SELECT t.body FROM sources s LEFT JOIN texts t ON t.hash = s.text_hash WHERE s.id = $1", id).Scan(&text)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("source %s: %w", id, ledger.ErrNotFound)
	}
	if err != nil || text == nil {
		return "", err
	}
	return *text, nil
}

func (s *Store) Mentions(ctx context.Context) ([]store.Mention, error) {
	rows, err := s.pool.Query(ctx, `SELECT source, name, start, "end", kind FROM mentions
		ORDER BY name COLLATE "C", source COLLATE "C", start`)
	if err != nil {
		return nil, fmt.Errorf("mentions: %w", err)
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
	return store.ClaimsByID(ids, 10000, func(part []string, found func(*ledger.Claim)) error {
		rows, err := s.pool.Query(ctx, "SELECT "+claimSelect+" FROM claims c WHERE c.id = ANY($1)", part)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			_, c, err := scanClaim(rows)
			if err != nil {
				return err
			}
			found(c)
		}
		return rows.Err()
	})
}

func (s *Store) Scan(ctx context.Context, after int64, fn func(int64, *ledger.Claim) error) error {
	rows, err := s.pool.Query(ctx, "SELECT "+claimSelect+" FROM claims c WHERE c.seq > $1 ORDER BY c.seq", after)
	if err != nil {
		return fmt.Errorf("scan claims: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		seq, c, err := scanClaim(rows)
		if err != nil {
			return fmt.Errorf("scan claims: %w", err)
		}
		if err := fn(seq, c); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) ScanReviews(ctx context.Context, after int64, fn func(int64, ledger.Review) error) error {
	rows, err := s.pool.Query(ctx, "SELECT seq, claim, status, by, at, note FROM reviews WHERE seq > $1 ORDER BY seq", after)
	if err != nil {
		return fmt.Errorf("scan reviews: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var r ledger.Review
		if err := rows.Scan(&seq, &r.Claim, &r.Status, &r.By, &r.At, &r.Note); err != nil {
			return err
		}
		r.At = r.At.UTC()
		if err := fn(seq, r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// History returns every version of places, actors and agreements, in an
// order that writing them back recreates the same version numbers.
func (s *Store) History(ctx context.Context) (store.Batch, error) {
	var b store.Batch
	var err error
	const order = ` ORDER BY version, id COLLATE "C"`
	if b.Places, err = queryDocs[ledger.Place](ctx, s, "places", "SELECT doc FROM places"+order); err != nil {
		return b, err
	}
	if b.Actors, err = queryDocs[ledger.Actor](ctx, s, "actors", "SELECT doc FROM actors"+order); err != nil {
		return b, err
	}
	b.Agreements, err = queryDocs[ledger.Agreement](ctx, s, "agreements", "SELECT doc FROM agreements"+order)
	return b, err
}

func (s *Store) PutToken(ctx context.Context, t store.Token) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO tokens(hash, name, role, created_at) VALUES ($1, $2, $3, $4)",
		t.Hash, t.Name, t.Role, t.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("token %s: %w", t.Name, err)
	}
	return nil
}

func (s *Store) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	var t store.Token
	err := s.pool.QueryRow(ctx, "SELECT hash, name, role, created_at FROM tokens WHERE hash = $1", hash).
		Scan(&t.Hash, &t.Name, &t.Role, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("token: %w", ledger.ErrNotFound)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return t, err
}

func (s *Store) Tokens(ctx context.Context) ([]store.Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT hash, name, role, created_at FROM tokens ORDER BY created_at, hash COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		var t store.Token
		if err := rows.Scan(&t.Hash, &t.Name, &t.Role, &t.CreatedAt); err != nil {
			return nil, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}
