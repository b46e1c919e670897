package postgres

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"truce/ledger"
	"truce/store/postgres/pgtest"
)

// TestMigrateClaimsToColumns fills a ledger at schema 1 (claims as jsonb
// documents) the way that schema's truce wrote it, opens it with this
// build, and checks that every claim reads back exactly and that new
// claims follow the old ones in sequence.
func TestMigrateClaimsToColumns(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, migrations[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
		INSERT INTO schema_version(version) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	rec := time.Date(2020, 12, 1, 9, 30, 15, 123456789, time.UTC)
	base := func(id, kind, from, to string) *ledger.Claim {
		return &ledger.Claim{ID: id, Kind: kind, Valid: ledger.Interval{From: ledger.MustDate(from), To: ledger.MustDate(to)},
			Attributions: []ledger.Attribution{{Source: "wire", Start: 3, End: 9, Quote: "Aghdam"}, {Source: "acled", End: 400}},
			RecordedAt:   time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC), RecordedBy: "import", Status: ledger.Candidate, Credibility: 6}
	}
	var cs []*ledger.Claim
	c := base("m-control", ledger.KindControl, "<2000", "")
	c.Control, c.AssertedBy, c.Note, c.RecordedAt = &ledger.Control{Place: "aghdam", Actor: "arm", Mode: "capture"}, "aze", "n\nn", rec
	cs = append(cs, c)
	c = base("m-event", ledger.KindEvent, "2020-10-03", "2020-10-05")
	c.Event = &ledger.Event{Type: "Battles", SubType: "Armed clash", Actors: []string{"aze", "arm"}, Roles: []string{"actor1", "actor2"},
		Place: "hadrut", Point: &ledger.Point{Lon: 46.98765432, Lat: 39.5}, GeoPrec: 2, Location: "Hadrut",
		Fatalities: &ledger.Range{Best: f(3)}, ExternalID: "AZE1", Notes: "clashes"}
	c.Rule, c.Confidence, c.Restricted = "import:acled", 0.5, true
	cs = append(cs, c)
	c = base("m-event-month", ledger.KindEvent, "2020-10", "2020-10")
	c.Event = &ledger.Event{Type: "Protests"}
	cs = append(cs, c)
	c = base("m-figure", ledger.KindFigure, "2021", "")
	c.Figure = &ledger.Figure{Metric: "returned", Place: "aghdam", Low: f(26000), Qualifier: "more_than", Origin: true}
	c.Supersedes, c.Corroborates = "m-control", "m-event"
	cs = append(cs, c)
	c = base("m-hazard", ledger.KindHazard, "2020-12-01", "")
	c.Hazard = &ledger.Hazard{Place: "aghdam", Area: "HA-1", Status: "confirmed", AreaM2: 5000, Geometry: []byte(`{"type":"Point","coordinates":[1,2]}`)}
	cs = append(cs, c)
	for _, c := range cs {
		doc, _ := json.Marshal(c)
		var from, to, lon, lat any
		if d := c.Valid.From.First(); !c.Valid.From.IsZero() && d != ledger.MinDay {
			from = d.Time()
		}
		if d := c.Valid.To.Last(); !c.Valid.To.IsZero() && d != ledger.MaxDay {
			to = d.Time()
		}
		if c.Event != nil && c.Event.Point != nil {
			lon, lat = c.Event.Point.Lon, c.Event.Point.Lat
		}
		if _, err := conn.Exec(ctx, `INSERT INTO claims(id, kind, place, valid_from, valid_to, recorded_at, supersedes, lon, lat, doc)
			VALUES ($1, $2, nullif($3, ''), $4, $5, $6, nullif($7, ''), $8, $9, $10)`,
			c.ID, c.Kind, c.Place(), from, to, c.RecordedAt, c.Supersedes, lon, lat, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Version(ctx); v != SchemaVersion {
		t.Fatalf("schema %d after migrating, want %d", v, SchemaVersion)
	}
	var seqs []int64
	err = s.Scan(ctx, 0, func(seq int64, g *ledger.Claim) error {
		want, _ := json.Marshal(cs[len(seqs)])
		got, _ := json.Marshal(g)
		if string(got) != string(want) {
			t.Errorf("claim %s after migrating:\n got %s\nwant %s", g.ID, got, want)
		}
		seqs = append(seqs, seq)
		return nil
	})
	if err != nil || len(seqs) != len(cs) {
		t.Fatalf("%d claims after migrating: %v", len(seqs), err)
	}
	// A new claim comes after the migrated ones, and the table stays append-only.
	n := base("m-new", ledger.KindStatement, "2021-01-01", "")
	n.Statement = &ledger.Statement{Actor: "aze", Position: "p"}
	if err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := copyClaims(ctx, tx, chunks([]*ledger.Claim{n}))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var last int64
	if err := s.pool.QueryRow(ctx, "SELECT seq FROM claims WHERE id = 'm-new'").Scan(&last); err != nil || last <= seqs[len(seqs)-1] {
		t.Fatalf("new claim seq %d after %v: %v", last, seqs, err)
	}
	if err := s.Exec(ctx, "DELETE FROM claims"); err == nil {
		t.Fatal("claims can be deleted after migrating")
	}
}
