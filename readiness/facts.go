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
	"math"
	"slices"
	"sort"

	"truce/ledger"
)

// Metrics of figure claims read here.
const (
	MetricDisplaced      = "displaced"
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

// entry is the part of a claim readiness reads. Entries are small and kept
// per place, so a ledger-wide answer never goes back to the store.
type entry struct {
	id       string
	num      int32 // claim number in the index; -1 when unknown
	kind     uint8
	from     ledger.Day // first day of the valid start
	to       ledger.Day // last day of the valid end; MaxDay when open
	recorded int64      // unix micro
	key      string     // hazard area, sector, or round
	word     string     // hazard status, release method, service status, qualifier
	low      float64    // NaN when absent
	best     float64
	high     float64
	devices  int
	date     string // the valid start as written, for figures
}

// entryOf reads a claim; ok is false for claims readiness does not use.
func entryOf(c *ledger.Claim) (entry, bool) {
	nan := math.NaN()
	e := entry{id: c.ID, num: -1, from: c.Valid.From.First(), to: c.Valid.To.Last(),
		recorded: c.RecordedAt.UnixMicro(), low: nan, best: nan, high: nan, date: c.Valid.From.String()}
	if c.Valid.From.IsZero() {
		e.from = ledger.MinDay
	}
	switch {
	case c.Hazard != nil:
		e.kind, e.key, e.word, e.best, e.devices = eHazard, c.Hazard.Area, c.Hazard.Status, c.Hazard.AreaM2, c.Hazard.Devices
	case c.Release != nil:
		e.kind, e.key, e.word, e.best, e.devices = eRelease, c.Release.Area, c.Release.Method, c.Release.AreaM2, c.Release.Devices
	case c.Service != nil:
		e.kind, e.key, e.word = eService, c.Service.Sector, c.Service.Status
	case c.Figure != nil:
		f := c.Figure
		switch {
		case f.Metric == MetricDisplaced && f.Origin:
			e.kind = eDisplaced
		case f.Metric == MetricDisplaced:
			e.kind = eHosted
		case f.Metric == MetricReturned:
			e.kind = eReturned
		case f.Metric == MetricMineCasualties:
			e.kind = eCasualties
		default:
			return e, false
		}
		e.key, e.word = f.Round, f.Qualifier
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

func countOf(e *entry) *Count {
	c := &Count{Qualifier: e.word, Round: e.key, Date: e.date, Claim: e.id}
	c.Low, c.Best, c.High = ptr(e.low), ptr(e.best), ptr(e.high)
	return c
}

func ptr(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
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
	// Claims is every claim the facts were derived from.
	Claims []string `json:"claims"`

	vals [nFacts]fact
}

// fact is one named value rules can read, with the claims behind it.
type fact struct {
	set    bool
	num    float64
	str    string
	claims []string
}

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
func later(a, b *entry) bool {
	if a.from != b.from {
		return a.from > b.from
	}
	return a.recorded > b.recorded
}

// derive computes a place's facts at day from its entries; live[i] says
// whether entry i is accepted and not superseded as known at the horizon
// asked (nil: all are).
func derive(place string, es []entry, live []bool, day ledger.Day) *Facts {
	f := &Facts{Place: place}
	var (
		hazard   = map[string]*entry{}
		releases []*entry
		service  = map[string]*entry{}
		rounds   = map[string]*roundEntries{}
		latest   [eMineEvent + 1]*entry
	)
	for i := range es {
		e := &es[i]
		if live != nil && !live[i] || !e.inForce(day) {
			continue
		}
		f.Claims = append(f.Claims, e.id)
		switch e.kind {
		case eHazard:
			if h := hazard[e.key]; h == nil || later(e, h) {
				hazard[e.key] = e
			}
		case eRelease:
			releases = append(releases, e)
		case eService:
			if s := service[e.key]; s == nil || later(e, s) {
				service[e.key] = e
			}
		case eDisplaced, eHosted, eReturned:
			k := e.key
			if k == "" {
				k = "date:" + e.date
			}
			r := rounds[k]
			if r == nil {
				r = &roundEntries{}
				rounds[k] = r
			}
			slot := &r.of[e.kind-eDisplaced]
			// Two reports of one round: the later valid, then the later recorded.
			if *slot == nil || later(e, *slot) {
				*slot = e
			}
			if r.at == nil || e.from > r.at.from {
				r.at = e
			}
			fallthrough
		case eCasualties:
			if l := latest[e.kind]; l == nil || later(e, l) {
				latest[e.kind] = e
			}
		case eMineEvent:
			f.MineEvents++
			f.vals[fMineEvents].claims = append(f.vals[fMineEvents].claims, e.id)
		}
	}
	f.hazards(hazard, releases)
	for _, sec := range Sectors {
		if e := service[sec]; e != nil {
			f.Services = append(f.Services, Service{Sector: sec, Status: e.word, Since: e.date, Claim: e.id})
		}
	}
	for sec, e := range service { // sectors beyond the six are kept, after them
		if !slices.Contains(Sectors, sec) {
			f.Services = append(f.Services, Service{Sector: sec, Status: e.word, Since: e.date, Claim: e.id})
		}
	}
	if len(rounds) > 0 {
		keys := make([]string, 0, len(rounds))
		for k := range rounds {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, b := rounds[keys[i]].at, rounds[keys[j]].at
			if a.from != b.from {
				return a.from < b.from
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			re := rounds[k]
			r := Round{Round: re.at.key, Date: re.at.date}
			for i, p := range []**Count{&r.Displaced, &r.Returned, &r.Hosted} {
				if e := re.of[[]uint8{eDisplaced, eReturned, eHosted}[i]-eDisplaced]; e != nil {
					*p = countOf(e)
				}
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
	if e := latest[eDisplaced]; e != nil {
		f.Displaced = countOf(e)
	}
	if e := latest[eReturned]; e != nil {
		f.Returned = countOf(e)
	}
	if e := latest[eHosted]; e != nil {
		f.Hosted = countOf(e)
	}
	if e := latest[eCasualties]; e != nil {
		f.Casualties = countOf(e)
	}
	f.fill()
	return f
}

// roundEntries are the figures of one round: displaced, hosted, returned
// (in the order of the kinds), and the latest of them, which dates the round.
type roundEntries struct {
	of [3]*entry
	at *entry
}

func orDate(r *Round) string {
	if r.Round != "" {
		return r.Round
	}
	return r.Date
}

func (f *Facts) hazards(hazard map[string]*entry, releases []*entry) {
	if len(hazard) == 0 && len(releases) == 0 {
		return
	}
	areas := map[string]*Area{}
	get := func(id string) *Area {
		a := areas[id]
		if a == nil {
			a = &Area{ID: id}
			areas[id] = a
		}
		return a
	}
	for id, e := range hazard {
		a := get(id)
		a.Status, a.DeclaredM2, a.Devices = e.word, e.best, e.devices
		a.Claims = append(a.Claims, e.id)
	}
	for _, e := range releases {
		a := get(e.key)
		switch e.word {
		case "cancelled":
			a.CancelledM2 += e.best
		case "reduced":
			a.ReducedM2 += e.best
		case "cleared":
			a.ClearedM2 += e.best
		}
		a.Destroyed += e.devices
		a.Claims = append(a.Claims, e.id)
	}
	ids := make([]string, 0, len(areas))
	for id := range areas {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		a := areas[id]
		a.RemainingM2 = math.Max(0, a.DeclaredM2-a.ReleasedM2())
		switch {
		case a.Status == "":
			f.Warnings = append(f.Warnings, Warning{Code: "release_without_hazard",
				Message: "area " + id + ": " + num(a.ReleasedM2()) + " m2 released but no hazardous area declared", Claims: a.Claims})
		case a.ReleasedM2() > a.DeclaredM2:
			f.Warnings = append(f.Warnings, Warning{Code: "over_release",
				Message: "area " + id + ": " + num(a.ReleasedM2()) + " m2 released, more than the " + num(a.DeclaredM2) + " m2 declared",
				Claims:  a.Claims})
		}
		f.Areas = append(f.Areas, *a)
	}
}
