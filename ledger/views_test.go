package ledger

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestPlaceStateShortcut checks placeState, which stops walking back
// through older claims early, against the plain walk over every claim, on
// random ledgers with imprecise dates, explicit ends and rejected claims.
func TestPlaceStateShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	actors := []string{"a", "b", "c"}
	for round := range 200 {
		x := NewIndex()
		var cs []*Claim
		for i := range 1 + rng.IntN(30) {
			from := Date{Y: 2000 + rng.IntN(10), M: 1 + rng.IntN(12), D: 1 + rng.IntN(28), Prec: PrecDay}
			switch rng.IntN(4) {
			case 0:
				from.Prec, from.D = PrecMonth, 0
			case 1:
				from.Prec, from.M, from.D = PrecYear, 0, 0
			}
			c := &Claim{ID: fmt.Sprintf("c%d", i), Kind: KindControl, Valid: Interval{From: from}, Status: Accepted,
				RecordedAt: time.Unix(int64(i), 0), Control: &Control{Place: "p", Actor: actors[rng.IntN(3)]}}
			if rng.IntN(4) == 0 {
				c.Valid.To = DateOfDay(from.First() + Day(rng.IntN(2000)))
			}
			if rng.IntN(6) == 0 {
				c.Status = Rejected
			}
			cs = append(cs, c)
			x.Add(c)
		}
		for range 50 {
			day := DayOf(time.Date(1999+rng.IntN(13), 1, 1, 0, 0, 0, 0, time.UTC)) + Day(rng.IntN(365))
			got, _ := x.PlaceAt("p", day, time.Time{})
			want := plainWalk(x, cs, day)
			if got.Controller != want.Controller || got.Claim != want.Claim || got.Disputed != want.Disputed ||
				fmt.Sprint(got.Sides) != fmt.Sprint(want.Sides) {
				t.Fatalf("round %d, %s: got %+v, want %+v", round, day, got, want)
			}
		}
	}
}

// plainWalk is placeState's rule without the shortcut: every claim at or
// before day, newest start first.
func plainWalk(x *Index, cs []*Claim, day Day) PlaceState {
	var l []int32
	for _, c := range cs {
		n, _ := x.num(c.ID)
		l = append(l, n)
	}
	slices.SortStableFunc(l, func(a, b int32) int { return int(x.recs[a].from0 - x.recs[b].from0) })
	var ps PlaceState
	win := int32(-1)
	var cands []int32
	for i := len(l) - 1; i >= 0; i-- {
		n := l[i]
		r := &x.recs[n]
		if r.from0 > day || r.to1 < day || !x.live(n, known(time.Time{})) {
			continue
		}
		if win < 0 {
			win = n
		} else if r.from1 < x.recs[win].from0 && (r.toOpen || r.to0 < day) {
			continue
		}
		cands = append(cands, n)
	}
	if win < 0 {
		return ps
	}
	ps.Controller, ps.Claim = x.str(x.recs[win].actor), x.id(win)
	var order []string
	sides := map[string]*Side{}
	for _, n := range cands {
		r := &x.recs[n]
		a := x.str(r.actor)
		if sides[a] == nil {
			sides[a] = &Side{Actor: a, Since: rangeString(r.from0, r.from1)}
			order = append(order, a)
		}
		sides[a].Claims = append(sides[a].Claims, x.id(n))
	}
	if len(order) > 1 {
		ps.Disputed = true
		for _, a := range order {
			ps.Sides = append(ps.Sides, *sides[a])
		}
	}
	return ps
}
