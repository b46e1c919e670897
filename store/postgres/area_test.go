package postgres

import (
	"context"
	"testing"
	"time"

	"truce/ledger"
	"truce/store"
	"truce/store/postgres/pgtest"
	"truce/store/storetest"
)

// TestAreaClaims: what is recorded about one hazard area, with each claim's
// latest review, inside a write transaction and from the pool alike.
func TestAreaClaims(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := storetest.Fixture()
	mk := func(id string, fill func(c *ledger.Claim)) *ledger.Claim {
		c := &ledger.Claim{ID: id, Valid: ledger.Interval{From: ledger.MustDate("2021-01")},
			Attributions: []ledger.Attribution{{Source: "wire", End: 5}}, RecordedBy: "t", RecordedAt: time.Now(),
			Status: ledger.Candidate, Credibility: 2}
		fill(c)
		return c
	}
	b.Claims = []*ledger.Claim{
		mk("h1", func(c *ledger.Claim) {
			c.Kind, c.Hazard = ledger.KindHazard, &ledger.Hazard{Place: "aghdam", Area: "HA-1", Status: "confirmed", AreaM2: 5000}
		}),
		mk("r1", func(c *ledger.Claim) {
			c.Kind, c.Release = ledger.KindRelease, &ledger.Release{Place: "aghdam", Area: "HA-1", Method: "cleared", AreaM2: 2000}
		}),
		mk("h2", func(c *ledger.Claim) {
			c.Kind, c.Hazard = ledger.KindHazard, &ledger.Hazard{Place: "aghdam", Area: "HA-2", Status: "suspected", AreaM2: 100}
		}),
	}
	b.Reviews = []ledger.Review{{Claim: "h1", Status: ledger.Accepted, By: "ed", At: time.Now()},
		{Claim: "h1", Status: ledger.Rejected, By: "ed", At: time.Now()}}
	if err := s.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	cs, err := refs{s.pool}.AreaClaims(ctx, "HA-1")
	if err != nil || len(cs) != 2 || cs[0].ID != "h1" || cs[0].Status != ledger.Rejected || cs[1].ID != "r1" || cs[1].Status != ledger.Candidate {
		t.Fatalf("from the pool: %+v %v", cs, err)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	cs, err = refs{tx}.AreaClaims(ctx, "HA-2")
	if err != nil || len(cs) != 1 || cs[0].ID != "h2" {
		t.Fatalf("in a transaction: %+v %v", cs, err)
	}
	var _ store.Refs = refs{}
}
