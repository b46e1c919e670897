package readiness

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"truce/ledger"
	"truce/monitor"
)

// Kinds are the claim kinds readiness reads.
var Kinds = []string{ledger.KindHazard, ledger.KindRelease, ledger.KindService, ledger.KindFigure, ledger.KindEvent}

// Result is one place's readiness at a date, with the facts and reasons.
type Result struct {
	Label   string        `json:"label"`
	Kind    string        `json:"kind,omitempty"`
	Point   *ledger.Point `json:"point,omitempty"`
	Status  string        `json:"status"`
	Reasons []Reason      `json:"reasons"`
	*Facts
}

// MarshalJSON adds the named facts ("facts": {name: value}), the claims
// behind each ("fact_claims": {name: [id]}) and all the claims the facts
// rest on ("claims") beside the structured ones.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	var v map[string]any
	var by map[string][]string
	var cs []string
	if r.Facts != nil {
		v, by, cs = r.Facts.Values(), r.Facts.FactClaims(), r.Facts.Claims()
	}
	return json.Marshal(struct {
		plain
		Values map[string]any      `json:"facts"`
		By     map[string][]string `json:"fact_claims"`
		Claims []string            `json:"claims"`
	}{plain(r), v, by, cs})
}

// Evaluate derives a place's facts from its claims (accepted, current and
// in force at day are the caller's to pick) and applies the rules. It is the
// pure core every other entry point goes through.
func Evaluate(place string, claims []*ledger.Claim, day ledger.Day, rules *Rules) Result {
	var es []entry
	t := newStrtab()
	for _, c := range claims {
		if e, ok := entryOf(c, t); ok && c.Place() == place {
			es = append(es, e)
		}
	}
	return decide(derive(place, es, t, nil, day), rules)
}

func decide(f *Facts, rules *Rules) Result {
	st, rs := rules.Decide(f)
	return Result{Facts: f, Status: st, Reasons: rs}
}

// Query asks for readiness at a date, as known at a recorded time (zero:
// everything recorded), for one place or ("") all.
type Query struct {
	Day     ledger.Day
	KnownAt time.Time
	Place   string
	Rules   *Rules
}

// Place computes one place's readiness straight from the store: the index
// selects the claims, the store gives them.
func Place(ctx context.Context, m *monitor.Monitor, idx *ledger.Index, q Query) (Result, error) {
	ids, _, _ := idx.Select(ledger.Filter{Place: q.Place, Kinds: Kinds, Status: ledger.Accepted, Current: true,
		KnownAt: q.KnownAt, To: q.Day})
	cs, err := m.ClaimsByID(ctx, ids, q.KnownAt)
	if err != nil {
		return Result{}, fmt.Errorf("readiness of %s: %w", q.Place, err)
	}
	r := Evaluate(q.Place, cs, q.Day, rulesOr(q.Rules))
	label(m, &r)
	// An area's first claim is its declaration in force: give its polygon.
	byID := make(map[string]*ledger.Claim, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	for i := range r.Areas {
		a := &r.Areas[i]
		if len(a.Claims) > 0 {
			if c := byID[a.Claims[0]]; c != nil && c.Hazard != nil && len(c.Hazard.Geometry) > 0 {
				a.Geometry = json.RawMessage(c.Hazard.Geometry)
			}
		}
	}
	return r, nil
}

func rulesOr(r *Rules) *Rules {
	if r == nil {
		return DefaultRules()
	}
	return r
}

func label(m *monitor.Monitor, r *Result) {
	r.Label = r.Facts.Place
	if p, ok := m.Gazetteer().Place(r.Facts.Place); ok {
		r.Label, r.Kind, r.Point = p.Label, p.Kind, p.Point
	}
}

// Book keeps, per place, the compact entries of the claims readiness reads,
// so that every place at once is answered from memory: the store is read
// once, and after that only for what was appended. Which entries count at a
// recorded time is still the index's to say (reviews, corrections).
type Book struct {
	mu     sync.RWMutex
	seq    int64
	places map[string]*placeEntries
	list   []*placeEntries // the same, in the order first seen
	strs   *strtab
}

type placeEntries struct {
	name string
	es   []entry
	nums []int32
}

// NewBook makes an empty book; Sync fills it.
func NewBook() *Book { return &Book{places: map[string]*placeEntries{}, strs: newStrtab()} }

// books are kept for the life of the process, one per monitor (a process
// serves one ledger); the monitor is shared by CLI and server code that
// knows nothing of readiness, hence a table here rather than a field there.
var (
	booksMu sync.Mutex
	books   = map[*monitor.Monitor]*Book{}
)

// Of is the book kept for a monitor, brought up to date with its store.
func Of(ctx context.Context, m *monitor.Monitor) (*Book, error) {
	booksMu.Lock()
	b := books[m]
	if b == nil {
		b = NewBook()
		books[m] = b
	}
	booksMu.Unlock()
	return b, b.Sync(ctx, m)
}

var errNotIndexed = errors.New("not yet indexed")

// Sync reads the claims appended since the last call. It stops at a claim
// the index has not seen yet (another writer's, before a refresh) and
// takes it up next time.
func (b *Book) Sync(ctx context.Context, m *monitor.Monitor) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := m.Store.Scan(ctx, b.seq, func(seq int64, c *ledger.Claim) error {
		n, ok := m.Index.CursorOf(c.ID)
		if !ok {
			return errNotIndexed
		}
		if e, ok := entryOf(c, b.strs); ok {
			e.num = n
			b.add(c.Place(), e)
		}
		b.seq = seq
		return nil
	})
	if err != nil && !errors.Is(err, errNotIndexed) {
		return fmt.Errorf("readiness: read claims: %w", err)
	}
	return nil
}

func (b *Book) add(place string, e entry) {
	p := b.places[place]
	if p == nil {
		p = &placeEntries{name: place}
		b.places[place] = p
		b.list = append(b.list, p)
	}
	// Keep entries in order of valid start, so that a date needs only a
	// prefix; appends are mostly in order already.
	i := len(p.es)
	for i > 0 && p.es[i-1].from > e.from {
		i--
	}
	p.es = slices.Insert(p.es, i, e)
	p.nums = slices.Insert(p.nums, i, e.num)
}

// Compute gives readiness at q.Day for q.Place, or for every place with
// evidence and every district and settlement of the gazetteer, ordered by
// label. idx decides which claims count (m.Index, or its public view).
func (b *Book) Compute(m *monitor.Monitor, idx *ledger.Index, q Query) []Result {
	rules := rulesOr(q.Rules)
	g := m.Gazetteer()
	b.mu.RLock()
	defer b.mu.RUnlock()
	type job struct {
		name string
		p    *placeEntries
		gaz  ledger.Place
	}
	var jobs []job
	if q.Place != "" {
		jobs = []job{{name: q.Place, p: b.places[q.Place]}}
	} else {
		jobs = make([]job, 0, len(b.list))
		for _, p := range b.list {
			jobs = append(jobs, job{name: p.name, p: p})
		}
		for _, p := range m.Places() {
			if (p.Kind == "district" || p.Kind == "settlement") && b.places[p.ID] == nil {
				jobs = append(jobs, job{name: p.ID})
			}
		}
	}
	for i := range jobs {
		jobs[i].gaz, _ = g.Place(jobs[i].name)
		if jobs[i].gaz.Label == "" {
			jobs[i].gaz.Label = jobs[i].name
		}
	}
	slices.SortFunc(jobs, func(a, b job) int {
		if c := strings.Compare(a.gaz.Label, b.gaz.Label); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]Result, len(jobs))
	// Places are independent: share them among the cores.
	workers := min(runtime.GOMAXPROCS(0), 1+len(jobs)/256)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var live []bool
			for i := w; i < len(jobs); i += workers {
				j := &jobs[i]
				var f *Facts
				if p := j.p; p != nil {
					// Only entries that started by the date can count.
					hi, _ := slices.BinarySearchFunc(p.es, q.Day+1, func(e entry, d ledger.Day) int { return cmp.Compare(e.from, d) })
					live = grow(live, hi)
					idx.LiveNums(p.nums[:hi], q.KnownAt, live)
					f = derive(j.name, p.es[:hi], b.strs, live, q.Day)
				} else {
					f = derive(j.name, nil, b.strs, nil, q.Day)
				}
				out[i] = decide(f, rules)
				out[i].Label, out[i].Kind, out[i].Point = j.gaz.Label, j.gaz.Kind, j.gaz.Point
			}
		})
	}
	wg.Wait()
	return out
}

func grow(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	return b[:n]
}

// Load adds claims already in idx to the book without reading the store;
// benchmarks and bulk loaders use it.
func (b *Book) Load(idx *ledger.Index, cs ...*ledger.Claim) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range cs {
		if e, ok := entryOf(c, b.strs); ok {
			if n, ok := idx.CursorOf(c.ID); ok {
				e.num = n
				b.add(c.Place(), e)
			}
		}
	}
}

// Change is a date on which a place's readiness changed: its status and
// reasons from then on.
type Change struct {
	Date    string   `json:"date"`
	Status  string   `json:"status"`
	Reasons []Reason `json:"reasons"`
}

// History is a place's readiness over time, as known at q.KnownAt: one
// change per date on which the status or its reasons changed, up to q.Day
// (zero: every date claims mention). It reads the place's claims once and
// evaluates at each date a claim starts or ends.
func History(ctx context.Context, m *monitor.Monitor, idx *ledger.Index, q Query) ([]Change, error) {
	ids, _, _ := idx.Select(ledger.Filter{Place: q.Place, Kinds: Kinds, Status: ledger.Accepted, Current: true, KnownAt: q.KnownAt, To: q.Day})
	cs, err := m.ClaimsByID(ctx, ids, q.KnownAt)
	if err != nil {
		return nil, fmt.Errorf("readiness history of %s: %w", q.Place, err)
	}
	var days []ledger.Day
	t := newStrtab()
	for _, c := range cs {
		if _, ok := entryOf(c, t); !ok {
			continue // an event other than a mine's, a figure of another metric
		}
		days = append(days, c.Valid.From.First())
		if !c.Valid.To.IsZero() {
			days = append(days, c.Valid.To.Last()+1)
		}
	}
	slices.Sort(days)
	days = slices.Compact(days)
	rules := rulesOr(q.Rules)
	out := []Change{}
	key := ""
	for _, d := range days {
		if d == ledger.MinDay || q.Day != 0 && d > q.Day {
			continue
		}
		r := Evaluate(q.Place, cs, d, rules)
		k := r.Status
		for _, rs := range r.Reasons {
			k += "\x00" + rs.Text
		}
		if k != key {
			out = append(out, Change{Date: d.String(), Status: r.Status, Reasons: r.Reasons})
			key = k
		}
	}
	return out, nil
}
