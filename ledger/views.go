package ledger

import (
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"
)

// Side is one party's version of who holds a place.
type Side struct {
	Actor      string   `json:"actor"`
	Since      string   `json:"since,omitempty"`
	Claims     []string `json:"claims"`
	AssertedBy []string `json:"asserted_by,omitempty"`
}

// PlaceState is a place at a date: who controls it, since when, on which
// claims; who else is present; and, if accepted claims disagree, each side.
type PlaceState struct {
	Place      string     `json:"place"`
	Controller string     `json:"controller,omitempty"`
	Since      string     `json:"since,omitempty"`
	SinceDay   Day        `json:"-"`
	Mode       string     `json:"-"`
	Claim      string     `json:"claim,omitempty"`
	Uncertain  bool       `json:"uncertain,omitempty"` // the date falls inside the imprecision of the change
	Disputed   bool       `json:"disputed,omitempty"`
	Sides      []Side     `json:"sides,omitempty"`
	Presence   []Presence `json:"presence,omitempty"`
	PresenceBy []string   `json:"presence_claims,omitempty"`
}

// State is the control and presence map at day as known at knownAt (zero:
// everything recorded). Places with no claim in force are absent.
func (x *Index) State(day Day, knownAt time.Time) []PlaceState {
	x.sortPlaces()
	x.mu.RLock()
	defer x.mu.RUnlock()
	k := known(knownAt)
	// Places are independent: share them among the cores. A full map is
	// what a client waits for when it opens or moves the slider.
	places := x.mapped
	all := make([]PlaceState, len(places))
	found := make([]bool, len(places))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), 1+len(places)/1000)
	chunk := (len(places) + workers - 1) / workers
	for lo := 0; lo < len(places); lo += chunk {
		wg.Go(func() {
			for i := lo; i < min(lo+chunk, len(places)); i++ {
				all[i], found[i] = x.placeState(places[i], day, k)
			}
		})
	}
	wg.Wait()
	out := all[:0]
	for i := range all {
		if found[i] {
			out = append(out, all[i])
		}
	}
	return out
}

// sortPlaces refreshes the sorted list of mapped places after new places
// got their first claim.
func (x *Index) sortPlaces() {
	x.mu.RLock()
	dirty := x.placesDirty
	x.mu.RUnlock()
	if !dirty {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	seen := map[int32]bool{}
	x.mapped = x.mapped[:0]
	for p := range x.control {
		seen[p] = true
		x.mapped = append(x.mapped, p)
	}
	for p := range x.present {
		if !seen[p] {
			x.mapped = append(x.mapped, p)
		}
	}
	sort.Slice(x.mapped, func(i, j int) bool { return x.strs[x.mapped[i]] < x.strs[x.mapped[j]] })
	x.placesDirty = false
}

// PlaceNums gives the index's numbers for place ids, -1 for a place no
// claim names yet. A number never changes; callers that ask about the same
// places often (a bbox over the gazetteer) keep them and call StatesOf.
func (x *Index) PlaceNums(ids []string) []int32 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]int32, len(ids))
	for i, id := range ids {
		out[i] = x.lookup(id)
		if out[i] < 0 {
			out[i] = -1
		}
	}
	return out
}

// StatesOf is the state at day of the places numbered (see PlaceNums), in
// the order given; places with no claim in force are left out.
func (x *Index) StatesOf(nums []int32, day Day, knownAt time.Time) []PlaceState {
	return x.AppendStatesOf(make([]PlaceState, 0, len(nums)), nums, day, knownAt)
}

// AppendStatesOf is StatesOf appending to out, for callers that reuse a
// buffer: a page of states is most of what a busy server allocates.
func (x *Index) AppendStatesOf(out []PlaceState, nums []int32, day Day, knownAt time.Time) []PlaceState {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k := known(knownAt)
	// Each place's control list and latest record lie far apart in a large
	// index, so the time goes in waiting for memory. Places are taken in
	// batches whose binary searches run in lockstep, and whose latest
	// records are touched before use, so that the CPU waits for the loads
	// of a batch together rather than one after another.
	const batch = 16
	var (
		ctls [batch]*ctl
		his  [batch]int
		sink uint32
	)
	for lo := 0; lo < len(nums); lo += batch {
		part := nums[lo:min(lo+batch, len(nums))]
		for j, p := range part {
			ctls[j] = &noControl
			if p >= 0 && int(p) < len(x.ctls) && x.ctls[p] != nil {
				ctls[j] = x.ctls[p]
			}
		}
		sink += searchBatch(ctls[:len(part)], his[:len(part)], day)
		for j := range part {
			if h := his[j]; h > 0 {
				r := &x.recs[ctls[j].n[h-1]]
				sink += uint32(r.to1) + uint32(x.ids[r.idOff])
			}
		}
		for j, p := range part {
			if p < 0 || int(p) >= len(x.strs) {
				continue
			}
			if ps, ok := x.placeStateFrom(p, day, k, ctls[j], his[j]); ok {
				out = append(out, ps)
			}
		}
	}
	runtime.KeepAlive(sink) // keep the touching loads
	return out
}

// searchBatch sets his[j] to the number of entries of ctls[j] starting at
// or before day (sort.Search's answer), for all j in lockstep.
func searchBatch(ctls []*ctl, his []int, day Day) uint32 {
	var n [16]int
	var sink uint32
	left := 0
	for j, c := range ctls {
		his[j], n[j] = 0, len(c.from0)
		if n[j] > 0 {
			left++
		}
	}
	for left > 0 {
		left = 0
		for j, c := range ctls {
			if n[j] == 0 {
				continue
			}
			half := n[j] / 2
			if c.from0[his[j]+half] <= day {
				his[j] += half + 1
				n[j] -= half + 1
			} else {
				n[j] = half
			}
			if n[j] > 0 {
				left++
			}
			// touch what placeState reads next at the likely answer
			if i := his[j] + n[j] - 1; n[j] <= 4 && i >= 0 && i < len(c.n) {
				sink += uint32(c.n[i]) + uint32(c.maxFrom1[i]) + uint32(c.maxTo0[i])
			}
		}
	}
	return sink
}

// PlaceAt is one place's state; ok is false when no claim is in force.
func (x *Index) PlaceAt(place string, day Day, knownAt time.Time) (PlaceState, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p := x.lookup(place)
	if p < 0 {
		return PlaceState{Place: place}, false
	}
	return x.placeState(p, day, known(knownAt))
}

var noControl ctl

func (x *Index) placeState(p int32, day Day, k int64) (PlaceState, bool) {
	c := &noControl
	if int(p) < len(x.ctls) && x.ctls[p] != nil {
		c = x.ctls[p]
	}
	return x.placeStateFrom(p, day, k, c, sort.Search(len(c.n), func(i int) bool { return c.from0[i] > day }))
}

// placeStateFrom is placeState given the place's control list c and the
// number hi of its entries that start at or before day.
func (x *Index) placeStateFrom(p int32, day Day, k int64, c *ctl, hi int) (PlaceState, bool) {
	ps := PlaceState{Place: x.str(p)}
	// The latest change at or before day wins; walk back from it.
	l := c.n
	win := int32(-1)
	var cands []int32
	multi := false
	for i := hi - 1; i >= 0; i-- {
		if win >= 0 && c.maxFrom1[i] < x.recs[win].from0 && c.maxTo0[i] < day {
			break // every older claim would be skipped below
		}
		n := l[i]
		r := &x.recs[n]
		if r.to1 < day {
			continue
		}
		if win >= 0 && r.from1 < x.recs[win].from0 && (r.toOpen || r.to0 < day) {
			// Earlier and not explicitly asserted through day: ended in
			// time by the winner. Older claims can disagree only if they
			// carry an explicit end, so keep scanning for those.
			continue
		}
		if !x.live(n, k) {
			continue
		}
		if win < 0 {
			win = n
		} else if r.actor != x.recs[win].actor {
			multi = true
		}
		cands = append(cands, n)
	}
	if win >= 0 {
		w := &x.recs[win]
		ps.Controller, ps.Claim = x.str(w.actor), x.id(win)
		ps.SinceDay = w.from0
		ps.Since = rangeString(w.from0, w.from1)
		ps.Uncertain = w.from1 > day
	}
	if multi {
		sides := map[int32]*Side{}
		var order []int32
		for _, n := range cands {
			r := &x.recs[n]
			s := sides[r.actor]
			if s == nil {
				s = &Side{Actor: x.str(r.actor), Since: rangeString(r.from0, r.from1)}
				sides[r.actor] = s
				order = append(order, r.actor)
			}
			s.Claims = append(s.Claims, x.id(n))
			if a := x.str(r.asserted); a != "" && !slices.Contains(s.AssertedBy, a) {
				s.AssertedBy = append(s.AssertedBy, a)
			}
		}
		ps.Disputed = true
		for _, a := range order {
			ps.Sides = append(ps.Sides, *sides[a])
		}
	}
	for _, n := range x.present[p] {
		r := &x.recs[n]
		if r.from0 <= day && day <= r.to1 && x.live(n, k) {
			ps.Presence = append(ps.Presence, Presence{Place: ps.Place, Actor: x.str(r.actor), Role: x.str(r.key)})
			ps.PresenceBy = append(ps.PresenceBy, x.id(n))
		}
	}
	return ps, win >= 0 || len(ps.Presence) > 0
}

// rangeString writes the days [first, last] a claim's start may fall on
// in the precision it was given: "2020-10" for a month, "2020" for a year,
// "<2000" for a before-bound, so that no view invents a day.
func rangeString(first, last Day) string {
	switch {
	case first == last:
		return dayOrOpen(first)
	case first == MinDay && last == MaxDay:
		return ""
	case first == MinDay:
		return "<" + periodFrom(last+1)
	case last == MaxDay:
		return ">" + periodTo(first-1)
	}
	f, l := first.Time(), last.Time()
	switch {
	case f.Day() == 1 && l.AddDate(0, 0, 1).Day() == 1 && f.Year() == l.Year() && f.Month() == l.Month():
		return f.Format("2006-01")
	case f.YearDay() == 1 && l.AddDate(0, 0, 1).YearDay() == 1 && f.Year() == l.Year():
		return f.Format("2006")
	}
	return first.String() + ".." + last.String()
}

// periodFrom is the coarsest date whose period starts on d.
func periodFrom(d Day) string {
	t := d.Time()
	switch {
	case t.YearDay() == 1:
		return t.Format("2006")
	case t.Day() == 1:
		return t.Format("2006-01")
	}
	return d.String()
}

// periodTo is the coarsest date whose period ends on d.
func periodTo(d Day) string {
	t := d.Time().AddDate(0, 0, 1)
	switch {
	case t.YearDay() == 1:
		return d.Time().Format("2006")
	case t.Day() == 1:
		return d.Time().Format("2006-01")
	}
	return d.String()
}

func dayOrOpen(d Day) string {
	if d == MinDay {
		return ""
	}
	return d.String()
}

// Change is a place whose controller differs between two dates.
type Change struct {
	Place  string `json:"place"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	Since  string `json:"since,omitempty"`
	Claim  string `json:"claim,omitempty"`
}

// Changes lists the places whose control changed between from and to.
func (x *Index) Changes(from, to Day, knownAt time.Time) []Change {
	a, b := x.State(from, knownAt), x.State(to, knownAt)
	before := make(map[string]string, len(a))
	for _, s := range a {
		before[s.Place] = s.Controller
	}
	var out []Change
	for _, s := range b {
		if s.Controller != before[s.Place] {
			out = append(out, Change{Place: s.Place, Before: before[s.Place], After: s.Controller, Since: s.Since, Claim: s.Claim})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Since < out[j].Since || out[i].Since == out[j].Since && out[i].Place < out[j].Place
	})
	return out
}

// ChangeDays lists every day on which some live control or presence claim
// starts or ends: the moments a time slider marks.
func (x *Index) ChangeDays(knownAt time.Time) []Day {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k := known(knownAt)
	set := map[Day]bool{}
	lists := make([][]int32, 0, len(x.control)+len(x.present))
	for _, c := range x.control {
		lists = append(lists, c.n)
	}
	for _, l := range x.present {
		lists = append(lists, l)
	}
	for _, l := range lists {
		for _, n := range l {
			r := &x.recs[n]
			if !x.live(n, k) {
				continue
			}
			if r.from0 != MinDay {
				set[r.from0] = true
			}
			if !r.toOpen && r.to1 != MaxDay {
				set[r.to1+1] = true
			}
		}
	}
	out := make([]Day, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// Filter selects claims. Zero fields do not filter.
type Filter struct {
	Kinds    []string
	Place    string
	Actor    string
	Source   string
	Key      string // metric, provision, hazard area, service sector, event type, presence role
	Status   string // candidate, accepted, rejected; "" for any
	From, To Day    // valid-time overlap; 0 for unbounded
	// Instants: a claim without an end holds on its start only (an event
	// happened that day), not from then on.
	Instants bool
	KnownAt  time.Time
	// RecordedAfter keeps claims recorded after this time: the feed of what
	// changed in the record since a client last looked.
	RecordedAfter time.Time
	Current       bool  // leave out claims superseded as of KnownAt
	Start         int32 // cursor: skip claim numbers below this
	Limit         int
}

// Select returns the ids of matching claims in recorded order, the total
// matched (on every page), and the cursor for the next page (-1 when there
// is none).
func (x *Index) Select(f Filter) (ids []string, total int, next int32) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k := known(f.KnownAt)
	var cand []int32
	all := true
	narrow := func(l []int32) {
		if all {
			cand, all = l, false
			return
		}
		set := make(map[int32]bool, len(l))
		for _, n := range l {
			set[n] = true
		}
		cand = slices.DeleteFunc(slices.Clone(cand), func(n int32) bool { return !set[n] })
	}
	if f.Place != "" {
		narrow(x.byPlace[x.lookup(f.Place)])
	}
	if f.Key != "" {
		narrow(x.byKey[x.lookup(f.Key)])
	}
	if f.Source != "" {
		narrow(x.bySrc[x.lookup(f.Source)])
	}
	var kinds []uint8
	for _, kd := range f.Kinds {
		kinds = append(kinds, uint8(slices.Index(x.kinds, kd)))
	}
	actor := int32(-3)
	if f.Actor != "" {
		actor = x.lookup(f.Actor)
	}
	var want uint8
	if f.Status != "" {
		want = statusCode[f.Status]
		if want == 0 {
			want = 255
		}
	}
	next = -1
	test := func(n int32) bool {
		r := &x.recs[n]
		if len(kinds) > 0 && !slices.Contains(kinds, r.kind) {
			return false
		}
		if r.corroborates && f.Source == "" {
			return false // listed under the claim it corroborates, not as a second fact
		}
		if actor != -3 && r.actor != actor && r.asserted != actor {
			return false
		}
		end := r.to1
		if f.Instants && r.toOpen {
			end = r.from1
		}
		if f.From != 0 && end < f.From || f.To != 0 && r.from0 > f.To {
			return false
		}
		if !f.RecordedAfter.IsZero() && r.recorded <= f.RecordedAfter.UnixMicro() {
			return false
		}
		st := x.statusAt(n, k)
		if st == 0 || want != 0 && st != want {
			return false
		}
		return !f.Current || !x.supersededAt(n, k)
	}
	visit := func(n int32) {
		if !test(n) {
			return
		}
		total++
		if n < f.Start {
			return
		}
		if f.Limit <= 0 || len(ids) < f.Limit {
			ids = append(ids, x.id(n))
		} else if next < 0 {
			next = n - 1
		}
	}
	if all {
		for n := range int32(len(x.recs)) {
			visit(n)
		}
	} else {
		for _, n := range cand {
			visit(n)
		}
	}
	if next >= 0 {
		last, _ := x.num(ids[len(ids)-1])
		next = last + 1
	}
	return ids, total, next
}

// CursorOf gives the claim number of an id, for paging.
func (x *Index) CursorOf(id string) (int32, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.num(id)
}

// LiveAt reports whether a claim is accepted and not superseded as known at k.
func (x *Index) LiveAt(id string, knownAt time.Time) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n, ok := x.num(id)
	return ok && x.live(n, known(knownAt))
}

// StatusAt is a claim's review status as known at knownAt ("" if unknown then).
func (x *Index) StatusAt(id string, knownAt time.Time) string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n, ok := x.num(id)
	if !ok {
		return ""
	}
	return statusName[x.statusAt(n, known(knownAt))]
}

// SupersededBy lists the claims recorded to supersede id.
func (x *Index) SupersededBy(id string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n, ok := x.num(id)
	if !ok {
		return nil
	}
	var out []string
	for _, s := range x.supBy[n] {
		out = append(out, x.id(s))
	}
	return out
}
