// Package readiness derives, per place and date, what stands between
// displaced people and their homes: hazardous areas declared and released
// (IMAS/IMSMA), the state of services, displaced and returned people (IOM
// DTM) and mine casualties; and from those facts a return-readiness status
// computed by rules that are data (rules.json, replaceable by the user).
//
// Nothing here is typed in: every number is summed from claims, and every
// fact names the claims it comes from.
package readiness

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strings"

	"truce/ledger"
)

// Metrics of figure claims read here.
const (
	MetricDisplaced = "displaced"
	// MetricIDPs is how an HXL import names #affected+idps: the same
	// count of displaced people.
	MetricIDPs           = "idps"
	MetricReturned       = "returned"
	MetricMineCasualties = "mine_casualties"
	// LandmineEvent is ACLED's sub-event type for mines and IEDs.
	LandmineEvent = "Remote explosive/landmine/IED"
)

// Sectors are the service sectors, in display order.
var Sectors = []string{"housing", "water", "power", "roads", "health", "schools"}

// ServiceStatuses, worst first.
var ServiceStatuses = []string{"destroyed", "damaged", "under_repair", "functional"}

const (
	eHazard uint8 = iota + 1
	eRelease
	eService
	eDisplaced // displaced from the place (origin)
	eHosted    // displaced people present in the place
	eReturned
	eCasualties
	eMineEvent
)

// sym is a string kept once in a strtab: entries hold syms, not strings,
// so that half a million of them are pointer-free (nothing for the garbage
// collector to scan) and compare as integers.
type sym int32

type strtab struct {
	s []string
	m map[string]sym
}

func newStrtab() *strtab { return &strtab{s: []string{""}, m: map[string]sym{"": 0}} }

func (t *strtab) in(s string) sym {
	if n, ok := t.m[s]; ok {
		return n
	}
	n := sym(len(t.s))
	t.s = append(t.s, s)
	t.m[s] = n
	return n
}

// add keeps a string known to be new (a claim id) without indexing it:
// half a million ids in the map would be half a million more pointers for
// every garbage collection to follow.
func (t *strtab) add(s string) sym {
	t.s = append(t.s, s)
	return sym(len(t.s) - 1)
}

func (t *strtab) str(n sym) string { return t.s[n] }

// entry is the part of a claim readiness reads. Entries are small and kept
// per place, so a ledger-wide answer never goes back to the store.
type entry struct {
	id       sym
	num      int32 // claim number in the index; -1 when unknown
	kind     uint8
	from     ledger.Day // first day of the valid start
	to       ledger.Day // last day of the valid end; MaxDay when open
	recorded int64      // unix micro
	key      sym        // hazard area, sector, or round
	word     sym        // hazard status, release method, service status, qualifier
	low      float64    // NaN when absent
	best     float64
	high     float64
	devices  int
	date     sym // the valid start as written
}

// entryOf reads a claim; ok is false for claims readiness does not use.
func entryOf(c *ledger.Claim, t *strtab) (entry, bool) {
	nan := math.NaN()
	e := entry{id: t.add(c.ID), num: -1, from: c.Valid.From.First(), to: c.Valid.To.Last(),
		recorded: c.RecordedAt.UnixMicro(), low: nan, best: nan, high: nan, date: t.in(c.Valid.From.String())}
	if c.Valid.From.IsZero() {
		e.from = ledger.MinDay
	}
	switch {
	case c.Hazard != nil:
		e.kind, e.key, e.word, e.best, e.devices = eHazard, t.in(c.Hazard.Area), t.in(c.Hazard.Status), c.Hazard.AreaM2, c.Hazard.Devices
	case c.Release != nil:
		e.kind, e.key, e.word, e.best, e.devices = eRelease, t.in(c.Release.Area), t.in(c.Release.Method), c.Release.AreaM2, c.Release.Devices
	case c.Service != nil:
		e.kind, e.key, e.word = eService, t.in(c.Service.Sector), t.in(c.Service.Status)
	case c.Figure != nil:
		f := c.Figure
		switch {
		case (f.Metric == MetricDisplaced || f.Metric == MetricIDPs) && f.Origin:
			e.kind = eDisplaced
		case f.Metric == MetricDisplaced || f.Metric == MetricIDPs:
			e.kind = eHosted
		case f.Metric == MetricReturned:
			e.kind = eReturned
		case f.Metric == MetricMineCasualties:
			e.kind = eCasualties
		default:
			return e, false
		}
		e.key, e.word = t.in(f.Round), t.in(f.Qualifier)
		e.low, e.best, e.high = val(f.Low), val(f.Best), val(f.High)
	case c.Event != nil && c.Event.SubType == LandmineEvent:
		e.kind = eMineEvent
		if c.Event.Fatalities != nil {
			e.low, e.best, e.high = val(c.Event.Fatalities.Low), val(c.Event.Fatalities.Best), val(c.Event.Fatalities.High)
		}
	default:
		return e, false
	}
	return e, c.Place() != ""
}

func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// Count is a reported number of people with its range, as the field reports it.
type Count struct {
	Low       *float64 `json:"low,omitempty"`
	Best      *float64 `json:"best,omitempty"`
	High      *float64 `json:"high,omitempty"`
	Qualifier string   `json:"qualifier,omitempty"`
	Round     string   `json:"round,omitempty"`
	Date      string   `json:"date,omitempty"`
	Claim     string   `json:"claim"`
}

// countBox holds a count and the numbers its pointers point at.
type countBox struct {
	c Count
	v [3]float64
}

// countOf makes a count in boxes, which the caller sized so that it never
// grows: one allocation serves every count of a place.
func countOf(e *entry, t *strtab, boxes *[]countBox) *Count {
	*boxes = append(*boxes, countBox{c: Count{Qualifier: t.str(e.word), Round: t.str(e.key), Date: t.str(e.date), Claim: t.str(e.id)},
		v: [3]float64{e.low, e.best, e.high}})
	box := &(*boxes)[len(*boxes)-1]
	for i, p := range []**float64{&box.c.Low, &box.c.Best, &box.c.High} {
		if !math.IsNaN(box.v[i]) {
			*p = &box.v[i]
		}
	}
	return &box.c
}

// value is the number a rule compares: best, else the middle of the range,
// else whichever end is known.
func (c *Count) value() float64 {
	switch {
	case c.Best != nil:
		return *c.Best
	case c.Low != nil && c.High != nil:
		return (*c.Low + *c.High) / 2
	case c.Low != nil:
		return *c.Low
	case c.High != nil:
		return *c.High
	}
	return math.NaN()
}

// least and most are the smallest and largest the count may be.
func (c *Count) least() float64 {
	for _, p := range []*float64{c.Low, c.Best, c.High} {
		if p != nil {
			return *p
		}
	}
	return math.NaN()
}

func (c *Count) most() float64 {
	for _, p := range []*float64{c.High, c.Best, c.Low} {
		if p != nil {
			return *p
		}
	}
	return math.NaN()
}

// Area is one hazardous area at the date: its latest declaration and what
// has been released from it since.
type Area struct {
	ID          string   `json:"id"`
	Status      string   `json:"status,omitempty"` // suspected, confirmed; "" if only releases are known
	DeclaredM2  float64  `json:"declared_m2"`
	CancelledM2 float64  `json:"cancelled_m2"`
	ReducedM2   float64  `json:"reduced_m2"`
	ClearedM2   float64  `json:"cleared_m2"`
	RemainingM2 float64  `json:"remaining_m2"`
	Devices     int      `json:"devices_found"`
	Destroyed   int      `json:"devices_destroyed"`
	Claims      []string `json:"claims"`
	// Geometry is the declared polygon, given for one place's answer (not
	// the all-places one, which stays small).
	Geometry json.RawMessage `json:"geometry,omitempty"`
}

// ReleasedM2 is the area released from it by any method.
func (a *Area) ReleasedM2() float64 { return a.CancelledM2 + a.ReducedM2 + a.ClearedM2 }

// Service is a sector's latest reported status.
type Service struct {
	Sector string `json:"sector"`
	Status string `json:"status"`
	Since  string `json:"since,omitempty"`
	Claim  string `json:"claim"`
}

// Round is what one assessment round (or, without a round, one date) said
// about a place.
type Round struct {
	Round     string `json:"round,omitempty"`
	Date      string `json:"date,omitempty"`
	Displaced *Count `json:"displaced,omitempty"`
	Returned  *Count `json:"returned,omitempty"`
	Hosted    *Count `json:"hosted,omitempty"`
}

// Warning flags input a mine-action or displacement database would query.
type Warning struct {
	Code    string   `json:"code"` // over_release, release_without_hazard, returns_exceed_displaced
	Message string   `json:"message"`
	Claims  []string `json:"claims"`
}

// Facts are what the claims say about one place at one date.
type Facts struct {
	Place      string    `json:"place"`
	Areas      []Area    `json:"areas,omitempty"`
	Services   []Service `json:"services,omitempty"`
	Rounds     []Round   `json:"rounds,omitempty"`
	Displaced  *Count    `json:"displaced,omitempty"` // latest displaced-from figure
	Returned   *Count    `json:"returned,omitempty"`  // latest returned-to figure
	Hosted     *Count    `json:"hosted,omitempty"`    // latest figure of displaced people present
	Casualties *Count    `json:"mine_casualties,omitempty"`
	MineEvents int       `json:"mine_events,omitempty"`
	Warnings   []Warning `json:"warnings,omitempty"`

	vals       [nFacts]fact
	mineEvents []string
	evidence   int // claims in force
}

// Claims are the claims the facts rest on: each area's declaration and
// releases, each sector's latest report, each round's counts, the
// casualty figure and the mine events; sorted.
func (f *Facts) Claims() []string {
	out := []string{}
	for _, a := range f.Areas {
		out = append(out, a.Claims...)
	}
	for _, s := range f.Services {
		out = append(out, s.Claim)
	}
	for _, r := range f.Rounds {
		for _, c := range []*Count{r.Displaced, r.Returned, r.Hosted} {
			if c != nil {
				out = append(out, c.Claim)
			}
		}
	}
	for _, c := range []*Count{f.Displaced, f.Returned, f.Hosted, f.Casualties} {
		if c != nil {
			out = append(out, c.Claim)
		}
	}
	out = append(out, f.mineEvents...)
	slices.Sort(out)
	return slices.Compact(out)
}

// fact is one named value rules can read: a number, or a service status
// by its index in ServiceStatuses; NaN when the claims do not establish
// it. Eight bytes, no pointers, so Facts are cheap.
type fact struct{ num float64 }

func (x fact) set() bool   { return !math.IsNaN(x.num) }
func (x fact) str() string { return ServiceStatuses[int(x.num)] }

// inForce reports whether an entry counts at day: it started by then, and
// a state (hazard, service) has not been declared ended before it. Counts
// and releases are events: once reported they stay reported.
func (e *entry) inForce(day ledger.Day) bool {
	if e.from > day {
		return false
	}
	switch e.kind {
	case eHazard, eService:
		return e.to >= day
	}
	return true
}

// later orders entries by valid start, then recorded time.
func later(t *strtab, a, b *entry) bool {
	if a.from != b.from {
		return a.from > b.from
	}
	if a.recorded != b.recorded {
		return a.recorded > b.recorded
	}
	return t.str(a.id) > t.str(b.id) // whatever order the entries come in
}

// derive computes a place's facts at day from its entries; live[i] says
// whether entry i is accepted and not superseded as known at the horizon
// asked (nil: all are). Places hold few areas, sectors and rounds, so
// small slices searched in turn beat maps here.
func derive(place string, es []entry, t *strtab, live []bool, day ledger.Day) *Facts {
	f := &Facts{Place: place}
	for i := range f.vals {
		f.vals[i].num = math.NaN()
	}
	// Small buffers on the stack: most places have a few of each.
	var hbuf, rbuf, sbuf [16]*entry
	var robuf [8]roundEntries
	var (
		hazard   = hbuf[:0] // latest declaration per area
		releases = rbuf[:0]
		service  = sbuf[:0] // latest report per sector
		rounds   = robuf[:0]
		latest   [eMineEvent + 1]*entry
	)
	for i := range es {
		e := &es[i]
		if live != nil && !live[i] || !e.inForce(day) {
			continue
		}
		f.evidence++
		switch e.kind {
		case eHazard:
			hazard = keep(t, hazard, e)
		case eRelease:
			releases = append(releases, e)
		case eService:
			service = keep(t, service, e)
		case eDisplaced, eHosted, eReturned:
			k := -1
			for j := range rounds {
				if rounds[j].key == e.key && (e.key != 0 || rounds[j].date == e.date) {
					k = j
					break
				}
			}
			if k < 0 {
				rounds = append(rounds, roundEntries{key: e.key, date: e.date})
				k = len(rounds) - 1
			}
			r := &rounds[k]
			slot := &r.of[e.kind-eDisplaced]
			// Two reports of one round: the later valid, then the later recorded.
			if *slot == nil || later(t, e, *slot) {
				*slot = e
			}
			if r.at == nil || e.from > r.at.from {
				r.at = e
			}
			fallthrough
		case eCasualties:
			if l := latest[e.kind]; l == nil || later(t, e, l) {
				latest[e.kind] = e
			}
		case eMineEvent:
			f.MineEvents++
			f.mineEvents = append(f.mineEvents, t.str(e.id))
		}
	}
	f.hazards(t, hazard, releases)
	if len(service) > 0 {
		f.Services = make([]Service, 0, len(service))
		for _, sec := range Sectors {
			for _, e := range service {
				if t.str(e.key) == sec {
					f.Services = append(f.Services, Service{Sector: sec, Status: t.str(e.word), Since: t.str(e.date), Claim: t.str(e.id)})
				}
			}
		}
		for _, e := range service { // sectors beyond the six are kept, after them
			if !slices.Contains(Sectors, t.str(e.key)) {
				f.Services = append(f.Services, Service{Sector: t.str(e.key), Status: t.str(e.word), Since: t.str(e.date), Claim: t.str(e.id)})
			}
		}
	}
	nbox := 0
	for i := range rounds {
		for _, e := range rounds[i].of {
			if e != nil {
				nbox++
			}
		}
	}
	if latest[eCasualties] != nil {
		nbox++
	}
	boxes := make([]countBox, 0, nbox)
	if len(rounds) > 0 {
		slices.SortFunc(rounds, func(a, b roundEntries) int {
			if a.at.from != b.at.from {
				return cmp.Compare(a.at.from, b.at.from)
			}
			return strings.Compare(t.str(a.key), t.str(b.key))
		})
		f.Rounds = make([]Round, 0, len(rounds))
		for i := range rounds {
			re := &rounds[i]
			r := Round{Round: t.str(re.key), Date: t.str(re.at.date)}
			if e := re.of[eDisplaced-eDisplaced]; e != nil {
				r.Displaced = countOf(e, t, &boxes)
			}
			if e := re.of[eReturned-eDisplaced]; e != nil {
				r.Returned = countOf(e, t, &boxes)
			}
			if e := re.of[eHosted-eDisplaced]; e != nil {
				r.Hosted = countOf(e, t, &boxes)
			}
			f.Rounds = append(f.Rounds, r)
			if r.Displaced != nil && r.Returned != nil && r.Returned.least() > r.Displaced.most() {
				f.Warnings = append(f.Warnings, Warning{Code: "returns_exceed_displaced",
					Message: "round " + orDate(&r) + ": " + num(r.Returned.least()) + " returned is more than the " +
						num(r.Displaced.most()) + " displaced from this place",
					Claims: []string{r.Returned.Claim, r.Displaced.Claim}})
			}
		}
	}
	// The latest figure of a kind won its round too: share that count.
	for _, k := range []struct {
		kind uint8
		dst  **Count
	}{{eDisplaced, &f.Displaced}, {eReturned, &f.Returned}, {eHosted, &f.Hosted}} {
		e := latest[k.kind]
		if e == nil {
			continue
		}
		for i := range boxes {
			if boxes[i].c.Claim == t.str(e.id) {
				*k.dst = &boxes[i].c
			}
		}
		if *k.dst == nil {
			*k.dst = countOf(e, t, &boxes)
		}
	}
	if e := latest[eCasualties]; e != nil {
		f.Casualties = countOf(e, t, &boxes)
	}
	f.fill()
	return f
}

// keep puts e in l, replacing the entry of the same key if e is later.
func keep(t *strtab, l []*entry, e *entry) []*entry {
	for i, x := range l {
		if x.key == e.key {
			if later(t, e, x) {
				l[i] = e
			}
			return l
		}
	}
	return append(l, e)
}

// roundEntries are the figures of one round (or, without a round, one
// date): displaced, hosted, returned (in the order of the kinds), and the
// latest of them, which dates the round.
type roundEntries struct {
	key, date sym
	of        [3]*entry
	at        *entry
}

func orDate(r *Round) string {
	if r.Round != "" {
		return r.Round
	}
	return r.Date
}

func (f *Facts) hazards(t *strtab, hazard, releases []*entry) {
	if len(hazard) == 0 && len(releases) == 0 {
		return
	}
	// The areas' keys, sorted by id, then one Area per key.
	var kbuf [16]sym
	keys := kbuf[:0]
	for _, e := range hazard {
		keys = append(keys, e.key) // one declaration per area already
	}
	for _, e := range releases {
		if !slices.Contains(keys, e.key) {
			keys = append(keys, e.key)
		}
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && t.str(keys[j]) < t.str(keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	f.Areas = make([]Area, len(keys))
	for i, k := range keys {
		f.Areas[i].ID = t.str(k)
	}
	get := func(id sym) *Area { return &f.Areas[slices.Index(keys, id)] }
	for _, e := range hazard {
		a := get(e.key)
		a.Status, a.DeclaredM2, a.Devices = t.str(e.word), e.best, e.devices
	}
	for _, e := range releases {
		a := get(e.key)
		switch t.str(e.word) {
		case "cancelled":
			a.CancelledM2 += e.best
		case "reduced":
			a.ReducedM2 += e.best
		case "cleared":
			a.ClearedM2 += e.best
		}
		a.Destroyed += e.devices
	}
	// Each area's claims are a slice of one buffer: its declaration, then
	// its releases.
	flat := make([]string, 0, len(hazard)+len(releases))
	for i := range f.Areas {
		a := &f.Areas[i]
		lo := len(flat)
		for _, e := range hazard {
			if e.key == keys[i] {
				flat = append(flat, t.str(e.id))
			}
		}
		for _, e := range releases {
			if e.key == keys[i] {
				flat = append(flat, t.str(e.id))
			}
		}
		a.Claims = flat[lo:len(flat):len(flat)]
	}
	for i := range f.Areas {
		a := &f.Areas[i]
		a.RemainingM2 = math.Max(0, a.DeclaredM2-a.ReleasedM2())
		switch {
		case a.Status == "":
			f.Warnings = append(f.Warnings, Warning{Code: "release_without_hazard",
				Message: "area " + a.ID + ": " + num(a.ReleasedM2()) + " m2 released but no hazardous area declared", Claims: a.Claims})
		case a.ReleasedM2() > a.DeclaredM2:
			f.Warnings = append(f.Warnings, Warning{Code: "over_release",
				Message: "area " + a.ID + ": " + num(a.ReleasedM2()) + " m2 released, more than the " + num(a.DeclaredM2) + " m2 declared",
				Claims:  a.Claims})
		}
	}
}
