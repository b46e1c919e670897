package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
	"truce/store/postgres"
	"truce/store/postgres/pgtest"
	"truce/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, pgtest.Schema(t))
	})
}

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestAppendOnly(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.Schema(t))
	if err := s.Write(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	c := claim("a1", "aghdam", "aze")
	if err := s.Write(ctx, store.Batch{Claims: []*ledger.Claim{c},
		Reviews: []ledger.Review{{Claim: "a1", Status: ledger.Accepted, By: "ed", At: time.Now()}}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"UPDATE texts SET body = 'x'", "DELETE FROM sources", "UPDATE places SET label = 'x'",
		"UPDATE actors SET label = 'x'", "UPDATE agreements SET doc = '{}'",
		"UPDATE claims SET kind = 'x'", "DELETE FROM claims", "TRUNCATE claims", "TRUNCATE reviews",
		"DELETE FROM reviews", "UPDATE reviews SET status = 'rejected'",
	} {
		if err := s.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", q, err)
		}
	}
}

func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			s, err := postgres.Open(ctx, url)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	s := open(t, url)
	v, err := s.Version(ctx)
	if err != nil || v != postgres.SchemaVersion {
		t.Fatalf("version %d %v, want %d", v, err, postgres.SchemaVersion)
	}
	var rows int
	if err := s.Pool().QueryRow(ctx, "SELECT count(*) FROM schema_version").Scan(&rows); err != nil || rows != postgres.SchemaVersion {
		t.Fatalf("schema_version rows %d %v: a migration ran twice or not at all", rows, err)
	}
	// A database from a newer truce is refused, not written to.
	if err := s.Exec(ctx, "INSERT INTO schema_version(version) VALUES ($1)", postgres.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(ctx, url); err == nil || !strings.Contains(err.Error(), "newer than this truce") {
		t.Fatalf("newer schema: %v", err)
	}
}

func claim(id, place, actor string) *ledger.Claim {
	return &ledger.Claim{ID: id, Kind: ledger.KindControl,
		Valid:        ledger.Interval{From: ledger.MustDate("2020-11-20")},
		Attributions: []ledger.Attribution{{Source: "wire", Start: 0, End: 10}},
		RecordedBy:   "test", RecordedAt: time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC),
		Status: ledger.Candidate, Credibility: 2,
		Control: &ledger.Control{Place: place, Actor: actor, Mode: "handover"}}
}

// TestParallelWriters runs writers on separate connection pools, with
// refused batches among good ones, and a reader following along by
// sequence number; then checks every row.
func TestParallelWriters(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t)
	setup := open(t, url)
	if err := setup.Write(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	const writers, batches, perBatch = 8, 50, 5
	places := []string{"aghdam", "kalbajar", "hadrut", "corridor"}
	actors := []string{"aze", "arm"}
	id := func(w, b, i int) string { return fmt.Sprintf("w%d-b%03d-c%d", w, b, i) }

	done := make(chan struct{})
	followed := map[string]int{}
	var followErr error
	var follower sync.WaitGroup
	follower.Go(func() {
		// A monitor elsewhere reads "after the last seq I saw" while writes
		// commit: it must see every claim exactly once.
		var after int64
		pass := func() error {
			return setup.Scan(ctx, after, func(seq int64, c *ledger.Claim) error {
				if seq <= after {
					return fmt.Errorf("seq %d after %d", seq, after)
				}
				after = seq
				followed[c.ID]++
				return nil
			})
		}
		for {
			select {
			case <-done:
				followErr = pass()
				return
			default:
			}
			if err := pass(); err != nil {
				followErr = err
				return
			}
		}
	})

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			s, err := postgres.Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for b := range batches {
				var batch store.Batch
				for i := range perBatch {
					batch.Claims = append(batch.Claims, claim(id(w, b, i), places[(w+i)%len(places)], actors[(b+i)%2]))
				}
				// Review this batch's first claim and the previous batch's last.
				at := time.Date(2020, 12, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(w*batches+b) * time.Second)
				batch.Reviews = append(batch.Reviews, ledger.Review{Claim: id(w, b, 0), Status: ledger.Accepted, By: fmt.Sprint("ed", w), At: at})
				if b > 0 {
					batch.Reviews = append(batch.Reviews, ledger.Review{Claim: id(w, b-1, perBatch-1), Status: ledger.Rejected, By: fmt.Sprint("ed", w), At: at, Note: "dup"})
				}
				if err := s.Write(ctx, batch); err != nil {
					errs <- fmt.Errorf("writer %d batch %d: %w", w, b, err)
					return
				}
				switch b % 10 {
				case 3: // refused by the check: nothing of it may land
					bad := store.Batch{Claims: []*ledger.Claim{claim(fmt.Sprintf("bad-%d-%d", w, b), "aghdam", "aze"), claim(fmt.Sprintf("bad2-%d-%d", w, b), "atlantis", "aze")}}
					if err := s.Write(ctx, bad); !store.IsInvalid(err) {
						errs <- fmt.Errorf("writer %d: invalid batch: %v", w, err)
						return
					}
				case 7: // refused by the database mid-append (duplicate id after new ones)
					bad := store.Batch{Claims: []*ledger.Claim{claim(fmt.Sprintf("bad-%d-%d", w, b), "aghdam", "aze"), claim(id(w, b, 2), "aghdam", "aze")},
						Reviews: []ledger.Review{{Claim: id(w, b, 1), Status: ledger.Rejected, By: "x", At: at}}}
					if err := s.Write(ctx, bad); !errors.Is(err, ledger.ErrConflict) {
						errs <- fmt.Errorf("writer %d: conflicting batch: %v", w, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(done)
	follower.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if followErr != nil {
		t.Fatal(followErr)
	}

	// Every claim once, with its content intact.
	want := writers * batches * perBatch
	seen := map[string]bool{}
	err := setup.Scan(ctx, 0, func(seq int64, c *ledger.Claim) error {
		if seen[c.ID] {
			return fmt.Errorf("claim %s twice", c.ID)
		}
		seen[c.ID] = true
		var w, b, i int
		if _, err := fmt.Sscanf(c.ID, "w%d-b%03d-c%d", &w, &b, &i); err != nil {
			return fmt.Errorf("unexpected claim %s (a refused batch leaked)", c.ID)
		}
		exp := claim(c.ID, places[(w+i)%len(places)], actors[(b+i)%2])
		gj, _ := json.Marshal(c)
		ej, _ := json.Marshal(exp)
		if string(gj) != string(ej) {
			return fmt.Errorf("claim %s changed:\n got %s\nwant %s", c.ID, gj, ej)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != want {
		t.Fatalf("%d claims stored, want %d", len(seen), want)
	}
	if len(followed) != want {
		t.Fatalf("the following reader saw %d claims, want %d", len(followed), want)
	}
	for id, n := range followed {
		if n != 1 {
			t.Fatalf("the following reader saw %s %d times", id, n)
		}
	}
	reviews := map[string]ledger.Review{}
	err = setup.ScanReviews(ctx, 0, func(seq int64, r ledger.Review) error {
		if _, dup := reviews[r.Claim]; dup {
			return fmt.Errorf("second review of %s (a refused batch leaked)", r.Claim)
		}
		reviews[r.Claim] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := writers * (2*batches - 1); len(reviews) != n {
		t.Fatalf("%d reviews, want %d", len(reviews), n)
	}
	for w := range writers {
		for b := range batches {
			at := time.Date(2020, 12, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(w*batches+b) * time.Second)
			if r := reviews[id(w, b, 0)]; r.Status != ledger.Accepted || !r.At.Equal(at) || r.By != fmt.Sprint("ed", w) {
				t.Fatalf("review of %s: %+v", id(w, b, 0), r)
			}
			if b < batches-1 {
				if r := reviews[id(w, b, perBatch-1)]; r.Status != ledger.Rejected || r.Note != "dup" {
					t.Fatalf("review of %s: %+v", id(w, b, perBatch-1), r)
				}
			}
		}
	}
	// And a monitor built on it agrees.
	m, err := monitor.Open(ctx, setup)
	if err != nil {
		t.Fatal(err)
	}
	if m.Index.Len() != want {
		t.Fatalf("index holds %d claims", m.Index.Len())
	}
}

// kalbajarLedger is the fixture with a polygon for Kalbajar, an event of
// October 2020 inside it and a control claim on Aghdam; it returns the
// fixture batch written.
func kalbajarLedger(t *testing.T) (*postgres.Store, store.Batch) {
	ctx := context.Background()
	s := open(t, pgtest.Schema(t))
	b := storetest.Fixture()
	b.Places[1].Geometry = []byte(`{"type":"Polygon","coordinates":[[[45.9,39.9],[46.6,39.9],[46.6,40.3],[45.9,40.3],[45.9,39.9]]]}`)
	if err := s.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	ev := &ledger.Claim{ID: "e1", Kind: ledger.KindEvent, Valid: ledger.Interval{From: ledger.MustDate("2020-10"), To: ledger.MustDate("2020-10")},
		Attributions: []ledger.Attribution{{Source: "wire", End: 5}}, RecordedBy: "t", RecordedAt: time.Now(), Status: ledger.Accepted, Credibility: 3,
		Event: &ledger.Event{Type: "Battles", Place: "kalbajar", Point: &ledger.Point{Lon: 46.1, Lat: 40.1}, Fatalities: &ledger.Range{Best: new(4.0)}}}
	if err := s.Write(ctx, store.Batch{Claims: []*ledger.Claim{ev, claim("c1", "aghdam", "aze")}}); err != nil {
		t.Fatal(err)
	}
	return s, b
}

// TestGIS checks the columns GIS users query: place geometries, claim
// places, valid days and event points, with the spatial indexes used.
func TestGIS(t *testing.T) {
	ctx := context.Background()
	s, b := kalbajarLedger(t)
	var got string
	// The place whose polygon contains the event, found by the event's point.
	err := s.Pool().QueryRow(ctx, `SELECT p.id FROM claims c JOIN places_latest p ON ST_Contains(p.geom, c.geom)
		WHERE c.id = 'e1'`).Scan(&got)
	if err != nil || got != "kalbajar" {
		t.Fatalf("place containing e1: %q %v", got, err)
	}
	// Valid days: the month-precision event covers all of October.
	var from, to time.Time
	if err := s.Pool().QueryRow(ctx, "SELECT valid_from, valid_to FROM claims WHERE id = 'e1'").Scan(&from, &to); err != nil {
		t.Fatal(err)
	}
	if from.Format("2006-01-02") != "2020-10-01" || to.Format("2006-01-02") != "2020-10-31" {
		t.Fatalf("e1 valid %s..%s", from, to)
	}
	// Control claims in force on a day within 30 km of a point, joined to the
	// place's point: the README's example.
	var n int
	err = s.Pool().QueryRow(ctx, `SELECT count(*) FROM claims c JOIN places_latest p ON p.id = c.place
		WHERE c.kind = 'control' AND c.valid_from <= DATE '2020-12-01' AND (c.valid_to IS NULL OR c.valid_to >= DATE '2020-12-01')
		AND ST_DWithin(p.point::geography, ST_SetSRID(ST_MakePoint(46.9, 40.0), 4326)::geography, 30000)`).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("control claims near Aghdam: %d %v", n, err)
	}
	// A correction names what it supersedes, so SQL can leave the old one out.
	fix := claim("c1b", "aghdam", "aze")
	fix.Supersedes = "c1"
	if err := s.Write(ctx, store.Batch{Claims: []*ledger.Claim{fix}}); err != nil {
		t.Fatal(err)
	}
	err = s.Pool().QueryRow(ctx, `SELECT count(*) FROM claims c WHERE c.kind = 'control'
		AND NOT EXISTS (SELECT 1 FROM claims s WHERE s.supersedes = c.id)`).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("current control claims: %d %v", n, err)
	}
	// Bad GeoJSON refuses the whole write.
	p := b.Places[2]
	p.Geometry = []byte(`{"type":"Polygon"}`)
	if err := s.Write(ctx, store.Batch{Places: []ledger.Place{p}, Claims: []*ledger.Claim{claim("c2", "hadrut", "arm")}}); err == nil {
		t.Fatal("bad geometry accepted")
	}
	if _, err := s.Claims(ctx, []string{"c2"}); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("claim of a refused batch: %v", err)
	}
}

// TestBulk writes a batch large enough to go through COPY, with reviews, and
// reads it back unchanged; a duplicate inside a bulk batch is a conflict
// and leaves nothing behind.
func TestBulk(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.Schema(t))
	if err := s.Write(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	var b store.Batch
	for i := range 2000 {
		c := claim(fmt.Sprintf("k%04d", i), "aghdam", "aze")
		c.Note = fmt.Sprintf("note %d with 'quotes', \\ and \"json\"\n", i)
		b.Claims = append(b.Claims, c)
		b.Reviews = append(b.Reviews, ledger.Review{Claim: c.ID, Status: ledger.Accepted, By: "ed", At: c.RecordedAt})
	}
	if err := s.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	i := 0
	err := s.Scan(ctx, 0, func(seq int64, c *ledger.Claim) error {
		gj, _ := json.Marshal(c)
		ej, _ := json.Marshal(b.Claims[i])
		if string(gj) != string(ej) {
			return fmt.Errorf("claim %d: got %s want %s", i, gj, ej)
		}
		i++
		return nil
	})
	if err != nil || i != len(b.Claims) {
		t.Fatalf("%d claims back: %v", i, err)
	}
	dup := store.Batch{Claims: append([]*ledger.Claim{}, b.Claims[:300]...)}
	dup.Claims[0] = claim("fresh", "aghdam", "aze")
	if err := s.Write(ctx, dup); !errors.Is(err, ledger.ErrConflict) || !strings.Contains(err.Error(), "k0001") {
		t.Fatalf("duplicate in bulk: %v", err)
	}
	if _, err := s.Claims(ctx, []string{"fresh"}); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("claim of a refused bulk batch: %v", err)
	}
	// A batch large enough to be checked beside its COPY: refused by the
	// check whether the bad claim comes first or last, and nothing lands.
	big := func(bad int) store.Batch {
		var b store.Batch
		for i := range 12000 {
			place := "kalbajar"
			if i == bad {
				place = "atlantis"
			}
			b.Claims = append(b.Claims, claim(fmt.Sprintf("big%05d", i), place, "arm"))
		}
		return b
	}
	for _, bad := range []int{0, 11999} {
		if err := s.Write(ctx, big(bad)); !store.IsInvalid(err) || !strings.Contains(err.Error(), "atlantis") {
			t.Fatalf("bad claim %d of a big batch: %v", bad, err)
		}
		if _, err := s.Claims(ctx, []string{"big00001"}); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("claim of a refused big batch: %v", err)
		}
	}
	if err := s.Write(ctx, big(-1)); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.Scan(ctx, 0, func(int64, *ledger.Claim) error { n++; return nil }); err != nil || n != 14000 {
		t.Fatalf("%d claims after the big batch: %v", n, err)
	}
}

// TestReadmeSQL runs the SQL of README's "The tables, for GIS users" as
// written, on a ledger where each query has something to find.
func TestReadmeSQL(t *testing.T) {
	ctx := context.Background()
	s, _ := kalbajarLedger(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "### The tables, for GIS users")
	section, _, _ = strings.Cut(section, "\n### ")
	blocks := strings.Split(section, "```sql\n")[1:]
	if !ok || len(blocks) < 4 {
		t.Fatalf("README: %d SQL examples in the GIS section", len(blocks))
	}
	for _, blk := range blocks {
		q, _, _ := strings.Cut(blk, "```")
		for _, stmt := range strings.SplitAfter(strings.TrimSpace(q), ";") {
			stmt = strings.TrimSpace(stmt)
			if stmt == "" {
				continue
			}
			if !strings.HasPrefix(stmt, "SELECT") {
				if err := s.Exec(ctx, stmt); err != nil {
					t.Fatalf("%s\n%v", stmt, err)
				}
				if view, ok := strings.CutPrefix(stmt, "CREATE VIEW "); ok {
					stmt = "SELECT * FROM " + strings.Fields(view)[0]
				} else {
					continue
				}
			}
			rows, err := s.Pool().Query(ctx, stmt)
			if err != nil {
				t.Fatalf("%s\n%v", stmt, err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			if rows.Close(); rows.Err() != nil || n == 0 {
				t.Errorf("%s\n%d rows, %v", stmt, n, rows.Err())
			}
		}
	}
}
