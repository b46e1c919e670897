package ledger

import (
	"hash/maphash"
	"slices"
	"sort"
	"sync"
	"time"
)

// Review is a decision on a claim, appended; the claim row never changes.
type Review struct {
	Claim  string    `json:"claim"`
	Status string    `json:"status"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// rec is a claim as the index keeps it: pointer-free, so that a ledger of
// millions of claims costs the garbage collector nothing to scan.
type rec struct {
	from0, from1, to0, to1 Day // first/last day of each end
	toOpen, restricted     bool
	reviewed, superseded   bool  // whether reviews or supBy hold entries for it
	corroborates           bool  // a second report of another claim: not a fact of its own
	recorded               int64 // unix micro
	kind, status, cred     uint8
	place, actor, asserted int32 // interned, -1 if none
	key                    int32 // metric, provision, hazard area or presence role, interned
	supersedes             int32 // claim number, -1 if none
	idOff, idLen           uint32
}

type review struct {
	at     int64
	status uint8
}

var statusCode = map[string]uint8{Candidate: 1, Accepted: acceptedCode, Rejected: 3}

// acceptedCode is statusCode[Accepted], for hot loops that should not hash a string per claim.
const acceptedCode uint8 = 2

var statusName = [...]string{"", Candidate, Accepted, Rejected}

// Index holds every claim in a compact form and answers the derived views:
// state at a date, as known at a recorded time; claim selection; provision
// status. It is rebuilt from the store at start and appended to after each
// committed write. It is safe for concurrent use.
type Index struct {
	*data
	public bool // leave out restricted claims
}

type data struct {
	mu   sync.RWMutex
	seed maphash.Seed
	recs []rec
	ids  []byte
	// hash of id -> claim number; pointer-free so the collector need not
	// scan a million entries. The rare second claim with the same hash
	// goes to byIDMore.
	byID     map[uint64]int32
	byIDMore map[uint64][]int32
	strs     []string
	strNum   map[string]int32
	kinds    []string
	control  map[int32]*ctl    // place -> control claims, sorted by from0
	ctls     []*ctl            // the same, by place number: no hashing on the hot path
	present  map[int32][]int32 // place -> presence claims
	byKey    map[int32][]int32 // metric/provision/area -> claims
	bySrc    map[int32][]int32 // source -> claims
	byPlace  map[int32][]int32 // place -> claims of any kind
	reviews  map[int32][]review
	supBy    map[int32][]int32
	corrob   map[int32][]int32 // claim -> the claims that report it again
	due      map[int32]Date    // deadline claims
	// mapped are the places with control or presence claims, sorted by id;
	// rebuilt when placesDirty.
	mapped      []int32
	placesDirty bool
	outcome     map[int32]string // provision_evidence claims
	// gen counts changes (claims and reviews), so derived views can be cached.
	gen uint64
}

func NewIndex() *Index {
	return &Index{data: &data{
		seed: maphash.MakeSeed(), byID: map[uint64]int32{}, byIDMore: map[uint64][]int32{}, strNum: map[string]int32{},
		control: map[int32]*ctl{}, present: map[int32][]int32{}, byKey: map[int32][]int32{},
		bySrc: map[int32][]int32{}, byPlace: map[int32][]int32{}, reviews: map[int32][]review{},
		supBy: map[int32][]int32{}, corrob: map[int32][]int32{}, due: map[int32]Date{}, outcome: map[int32]string{},
		kinds: Kinds,
	}}
}

// Public is a view of the same index without restricted claims, for
// requests that carry no token.
func (x *Index) Public() *Index { return &Index{data: x.data, public: true} }

func (x *Index) intern(s string) int32 {
	if s == "" {
		return -1
	}
	if n, ok := x.strNum[s]; ok {
		return n
	}
	n := int32(len(x.strs))
	x.strs = append(x.strs, s)
	x.strNum[s] = n
	return n
}

func (x *Index) str(n int32) string {
	if n < 0 {
		return ""
	}
	return x.strs[n]
}

func (x *Index) lookup(s string) int32 {
	if n, ok := x.strNum[s]; ok {
		return n
	}
	return -2 // matches nothing
}

func (x *Index) id(n int32) string {
	r := &x.recs[n]
	return string(x.ids[r.idOff : r.idOff+r.idLen])
}

func (x *Index) num(id string) (int32, bool) {
	h := maphash.String(x.seed, id)
	n, ok := x.byID[h]
	if !ok {
		return 0, false
	}
	if x.id(n) == id {
		return n, true
	}
	for _, n := range x.byIDMore[h] {
		if x.id(n) == id {
			return n, true
		}
	}
	return 0, false
}

// Len is the number of claims indexed.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.recs)
}

// Has reports whether a claim id is indexed.
func (x *Index) Has(id string) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	_, ok := x.num(id)
	return ok
}

// Add indexes claims, in recorded order. A claim already present is ignored.
func (x *Index) Add(cs ...*Claim) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range cs {
		x.add(c)
	}
	x.gen++
}

// Version changes whenever a claim or a review is added: a key for caches of
// derived views.
func (x *Index) Version() uint64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.gen
}

// ClaimID is the id of the claim numbered n (see CursorOf).
func (x *Index) ClaimID(n int32) (string, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if n < 0 || int(n) >= len(x.recs) {
		return "", false
	}
	return x.id(n), true
}

// ctl is a place's control claims sorted by start (from0), with running
// maxima that let placeState stop walking back through older claims once
// none can still matter; from0 is copied beside the claim numbers so the
// binary search does not touch the records.
type ctl struct {
	n        []int32
	from0    []Day
	maxFrom1 []Day // max from1 of n[:i+1]
	maxTo0   []Day // max to0 of n[:i+1] among claims with an explicit end
}

func (c *ctl) insert(recs []rec, n int32) {
	r := &recs[n]
	// keep sorted by from0; appends are mostly in order
	i := sort.Search(len(c.from0), func(i int) bool { return c.from0[i] > r.from0 })
	c.n = slices.Insert(c.n, i, n)
	c.from0 = slices.Insert(c.from0, i, r.from0)
	c.maxFrom1 = slices.Insert(c.maxFrom1, i, 0)
	c.maxTo0 = slices.Insert(c.maxTo0, i, 0)
	for j := i; j < len(c.n); j++ {
		rj := &recs[c.n[j]]
		f1, t0 := rj.from1, MinDay
		if !rj.toOpen {
			t0 = rj.to0
		}
		if j > 0 {
			f1, t0 = max(f1, c.maxFrom1[j-1]), max(t0, c.maxTo0[j-1])
		}
		c.maxFrom1[j], c.maxTo0[j] = f1, t0
	}
}

func (x *Index) add(c *Claim) {
	if _, ok := x.num(c.ID); ok {
		return
	}
	n := int32(len(x.recs))
	r := rec{
		from0: c.Valid.From.First(), from1: c.Valid.From.Last(),
		to0: c.Valid.To.First(), to1: c.Valid.To.Last(), toOpen: c.Valid.To.IsZero(), restricted: c.Restricted,
		recorded: c.RecordedAt.UnixMicro(), status: statusCode[c.Status], cred: uint8(c.Credibility),
		kind: uint8(slices.Index(x.kinds, c.Kind)), place: x.intern(c.Place()), asserted: x.intern(c.AssertedBy),
		actor: -1, key: -1, supersedes: -1, idOff: uint32(len(x.ids)), idLen: uint32(len(c.ID)),
	}
	if c.Valid.From.IsZero() {
		r.from0, r.from1 = MinDay, MinDay
	}
	if a := c.Actors(); len(a) > 0 {
		r.actor = x.intern(a[0])
	}
	switch {
	case c.Figure != nil:
		r.key = x.intern(c.Figure.Metric)
	case c.Deadline != nil:
		r.key = x.intern(c.Deadline.Provision)
		x.due[n] = c.Deadline.Due
	case c.Evidence != nil:
		r.key = x.intern(c.Evidence.Provision)
		x.outcome[n] = c.Evidence.Outcome
	case c.Hazard != nil:
		r.key = x.intern(c.Hazard.Area)
	case c.Release != nil:
		r.key = x.intern(c.Release.Area)
	case c.Service != nil:
		r.key = x.intern(c.Service.Sector)
	case c.Event != nil:
		r.key = x.intern(c.Event.Type)
	case c.Presence != nil:
		r.key = x.intern(c.Presence.Role)
	}
	if c.Supersedes != "" {
		if s, ok := x.num(c.Supersedes); ok {
			r.supersedes = s
			x.supBy[s] = append(x.supBy[s], n)
			x.recs[s].superseded = true
		}
	}
	if c.Corroborates != "" {
		if o, ok := x.num(c.Corroborates); ok {
			r.corroborates = true
			x.corrob[o] = append(x.corrob[o], n)
		}
	}
	x.ids = append(x.ids, c.ID...)
	x.recs = append(x.recs, r)
	h := maphash.String(x.seed, c.ID)
	if _, ok := x.byID[h]; ok {
		x.byIDMore[h] = append(x.byIDMore[h], n)
	} else {
		x.byID[h] = n
	}
	if r.place >= 0 && !r.corroborates {
		x.byPlace[r.place] = append(x.byPlace[r.place], n)
	}
	if r.key >= 0 && !r.corroborates {
		x.byKey[r.key] = append(x.byKey[r.key], n)
	}
	for _, a := range c.Attributions {
		s := x.intern(a.Source)
		if l := x.bySrc[s]; len(l) == 0 || l[len(l)-1] != n {
			x.bySrc[s] = append(l, n)
		}
	}
	if r.corroborates {
		return
	}
	switch c.Kind {
	case KindControl:
		if _, ok := x.control[r.place]; !ok {
			x.placesDirty = true
		}
		c := x.control[r.place]
		if c == nil {
			c = &ctl{}
			x.control[r.place] = c
			for int(r.place) >= len(x.ctls) {
				x.ctls = append(x.ctls, nil)
			}
			x.ctls[r.place] = c
		}
		c.insert(x.recs, n)
	case KindPresence:
		if _, ok := x.present[r.place]; !ok {
			x.placesDirty = true
		}
		x.present[r.place] = append(x.present[r.place], n)
	}
}

// AddReview records a review decision on an indexed claim.
func (x *Index) AddReview(rv Review) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if n, ok := x.num(rv.Claim); ok {
		x.reviews[n] = append(x.reviews[n], review{at: rv.At.UnixMicro(), status: statusCode[rv.Status]})
		x.recs[n].reviewed = true
	}
	x.gen++
}

// known is a recorded-time horizon in unix micro; zero Time means now.
func known(t time.Time) int64 {
	if t.IsZero() {
		return 1<<63 - 1
	}
	return t.UnixMicro()
}

// statusAt is a claim's status as known at k: its own, then the latest
// review recorded by k; "" if the claim was not yet recorded.
func (x *Index) statusAt(n int32, k int64) uint8 {
	r := &x.recs[n]
	if r.recorded > k || x.public && r.restricted {
		return 0
	}
	st := r.status
	if !r.reviewed {
		return st
	}
	var last int64 = -1 << 63
	for _, rv := range x.reviews[n] {
		if rv.at <= k && rv.at >= last {
			st, last = rv.status, rv.at
		}
	}
	return st
}

// supersededAt reports whether an accepted claim recorded by k supersedes n.
func (x *Index) supersededAt(n int32, k int64) bool {
	if !x.recs[n].superseded {
		return false
	}
	for _, s := range x.supBy[n] {
		if x.statusAt(s, k) == acceptedCode {
			return true
		}
	}
	return false
}

// live: accepted, recorded by k and not superseded by k.
func (x *Index) live(n int32, k int64) bool {
	return x.statusAt(n, k) == acceptedCode && !x.supersededAt(n, k)
}

// LiveNums sets live[i] to whether claim number nums[i] (see CursorOf) is
// accepted and not superseded as known at knownAt, under one lock: views
// that keep their own per-claim aggregates ask the index which still count.
func (x *Index) LiveNums(nums []int32, knownAt time.Time, live []bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k := known(knownAt)
	for i, n := range nums {
		live[i] = n >= 0 && int(n) < len(x.recs) && x.live(n, k)
	}
}

// Corroborations lists the live claims that report id again, as known at
// knownAt: their attributions are further sources of id.
func (x *Index) Corroborations(id string, knownAt time.Time) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n, ok := x.num(id)
	if !ok {
		return nil
	}
	k := known(knownAt)
	var out []string
	for _, c := range x.corrob[n] {
		if x.live(c, k) {
			out = append(out, x.id(c))
		}
	}
	return out
}
