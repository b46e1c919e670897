package readiness

import (
	"math"
	"slices"
	"strconv"
)

// Fact ids; FactNames gives their names as rules write them.
const (
	fEvidence = iota
	fAreas
	fOpenAreas
	fDeclared
	fSuspected
	fConfirmed
	fCancelled
	fReduced
	fCleared
	fReleased
	fRemaining
	fSuspectedRemaining
	fConfirmedRemaining
	fDevicesFound
	fDevicesDestroyed
	fCasualties
	fMineEvents
	fDisplacedLow
	fDisplacedBest
	fDisplacedHigh
	fReturnedLow
	fReturnedBest
	fReturnedHigh
	fReturnedShare
	fHosted
	fWarnings
	fService // the six sectors follow, in the order of Sectors
	nFacts   = fService + 6
)

// FactDoc describes a fact rules can read.
type FactDoc struct {
	Name string `json:"name"`
	Type string `json:"type"` // number or string
	Doc  string `json:"doc"`
}

// Facts lists every fact, with what it means; README copies this list.
var FactList = func() []FactDoc {
	l := []FactDoc{
		{"evidence", "number", "claims about this place's hazards, services, displacement or casualties in force at the date (absent when none); its claims are those the facts rest on"},
		{"hazard.areas", "number", "hazardous areas known (declared, or with releases recorded)"},
		{"hazard.open_areas", "number", "hazardous areas with area remaining"},
		{"hazard.declared_m2", "number", "area declared hazardous (SHA + CHA), by each area's latest declaration"},
		{"hazard.suspected_m2", "number", "area of suspected hazardous areas (SHA)"},
		{"hazard.confirmed_m2", "number", "area of confirmed hazardous areas (CHA)"},
		{"hazard.cancelled_m2", "number", "area released by non-technical survey (cancelled)"},
		{"hazard.reduced_m2", "number", "area released by technical survey (reduced)"},
		{"hazard.cleared_m2", "number", "area released by clearance"},
		{"hazard.released_m2", "number", "cancelled + reduced + cleared"},
		{"hazard.remaining_m2", "number", "declared minus released, per area, never below zero"},
		{"hazard.suspected_remaining_m2", "number", "remaining area of suspected hazardous areas"},
		{"hazard.confirmed_remaining_m2", "number", "remaining area of confirmed hazardous areas"},
		{"hazard.devices_found", "number", "devices recorded in hazard declarations"},
		{"hazard.devices_destroyed", "number", "devices destroyed during release"},
		{"casualties.mine", "number", "latest mine/UXO casualty figure (metric mine_casualties)"},
		{"casualties.mine_events", "number", "landmine/IED events recorded (ACLED sub-event type)"},
		{"displaced.low", "number", "latest count of people displaced from the place: low"},
		{"displaced.best", "number", "... best (or the middle of the range)"},
		{"displaced.high", "number", "... high"},
		{"returned.low", "number", "latest count of people returned to the place: low"},
		{"returned.best", "number", "... best (or the middle of the range)"},
		{"returned.high", "number", "... high"},
		{"returned.share", "number", "returned.best / displaced.best, when both are known"},
		{"hosted.best", "number", "latest count of displaced people present in the place (IDPs hosted)"},
		{"warnings", "number", "input flagged as inconsistent (see warnings)"},
	}
	for _, s := range Sectors {
		l = append(l, FactDoc{"service." + s, "string", s + ": destroyed, damaged, under_repair or functional (latest report)"})
	}
	return l
}()

var factIndex = func() map[string]int {
	m := map[string]int{}
	for i, d := range FactList {
		m[d.Name] = i
	}
	return m
}()

func (f *Facts) setNum(i int, v float64) {
	if !math.IsNaN(v) {
		f.vals[i] = fact{num: v}
	}
}

// fill computes the named facts from the structured ones. Which claims
// stand behind a fact is worked out only when asked (claimsOf).
func (f *Facts) fill() {
	if f.evidence > 0 {
		f.setNum(fEvidence, float64(f.evidence))
	}
	if len(f.Areas) > 0 {
		var t [fConfirmedRemaining + 1]float64
		var found, destroyed, open float64
		for i := range f.Areas {
			a := &f.Areas[i]
			t[fDeclared] += a.DeclaredM2
			t[fCancelled] += a.CancelledM2
			t[fReduced] += a.ReducedM2
			t[fCleared] += a.ClearedM2
			t[fRemaining] += a.RemainingM2
			switch a.Status {
			case "suspected":
				t[fSuspected] += a.DeclaredM2
				t[fSuspectedRemaining] += a.RemainingM2
			case "confirmed":
				t[fConfirmed] += a.DeclaredM2
				t[fConfirmedRemaining] += a.RemainingM2
			}
			found += float64(a.Devices)
			destroyed += float64(a.Destroyed)
			if a.RemainingM2 > 0 {
				open++
			}
		}
		t[fReleased] = t[fCancelled] + t[fReduced] + t[fCleared]
		t[fAreas], t[fOpenAreas] = float64(len(f.Areas)), open
		for i := fAreas; i <= fConfirmedRemaining; i++ {
			f.setNum(i, t[i])
		}
		f.setNum(fDevicesFound, found)
		f.setNum(fDevicesDestroyed, destroyed)
	}
	if c := f.Casualties; c != nil {
		f.setNum(fCasualties, c.value())
	}
	if f.MineEvents > 0 {
		f.setNum(fMineEvents, float64(f.MineEvents))
	}
	if c := f.Displaced; c != nil {
		f.setNum(fDisplacedLow, val(c.Low))
		f.setNum(fDisplacedBest, c.value())
		f.setNum(fDisplacedHigh, val(c.High))
	}
	if c := f.Returned; c != nil {
		f.setNum(fReturnedLow, val(c.Low))
		f.setNum(fReturnedBest, c.value())
		f.setNum(fReturnedHigh, val(c.High))
		if d := f.Displaced; d != nil && d.value() > 0 {
			f.setNum(fReturnedShare, c.value()/d.value())
		}
	}
	if c := f.Hosted; c != nil {
		f.setNum(fHosted, c.value())
	}
	if len(f.Warnings) > 0 {
		f.setNum(fWarnings, float64(len(f.Warnings)))
	}
	for _, s := range f.Services {
		for i, sec := range Sectors {
			if s.Sector == sec {
				f.vals[fService+i] = fact{num: float64(slices.Index(ServiceStatuses, s.Status))}
			}
		}
	}
}

// claimsOf lists the claims a fact is derived from.
func (f *Facts) claimsOf(i int) []string { return f.appendClaims(nil, i) }

// appendClaims appends the claims a fact is derived from to dst.
func (f *Facts) appendClaims(dst []string, i int) []string {
	if !f.vals[i].set() {
		return dst
	}
	one := func(c *Count) []string {
		if c != nil {
			dst = append(dst, c.Claim)
		}
		return dst
	}
	areas := func(keep func(a *Area) bool) []string {
		for j := range f.Areas {
			if keep(&f.Areas[j]) {
				dst = append(dst, f.Areas[j].Claims...)
			}
		}
		return dst
	}
	switch {
	case i == fEvidence:
		return append(dst, f.Claims()...)
	case i == fSuspected || i == fSuspectedRemaining:
		return areas(func(a *Area) bool { return a.Status == "suspected" })
	case i == fConfirmed || i == fConfirmedRemaining:
		return areas(func(a *Area) bool { return a.Status == "confirmed" })
	case i == fOpenAreas && f.vals[i].num > 0:
		return areas(func(a *Area) bool { return a.RemainingM2 > 0 })
	case i >= fAreas && i <= fDevicesDestroyed:
		return areas(func(*Area) bool { return true })
	case i == fCasualties:
		return one(f.Casualties)
	case i == fMineEvents:
		return append(dst, f.mineEvents...)
	case i >= fDisplacedLow && i <= fDisplacedHigh:
		return one(f.Displaced)
	case i >= fReturnedLow && i <= fReturnedHigh:
		return one(f.Returned)
	case i == fReturnedShare:
		one(f.Returned)
		return one(f.Displaced)
	case i == fHosted:
		return one(f.Hosted)
	case i == fWarnings:
		for _, w := range f.Warnings {
			dst = append(dst, w.Claims...)
		}
		return dst
	case i >= fService:
		for _, s := range f.Services {
			if s.Sector == Sectors[i-fService] {
				return append(dst, s.Claim)
			}
		}
	}
	return dst
}

func nonNil(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}

// Value gives a fact by name: a float64 or a string; ok is false when the
// claims say nothing of it.
func (f *Facts) Value(name string) (v any, claims []string, ok bool) {
	i, known := factIndex[name]
	if !known {
		return nil, nil, false
	}
	return f.value(i)
}

func (f *Facts) value(i int) (v any, claims []string, ok bool) {
	x := f.vals[i]
	if !x.set() {
		return nil, nil, false
	}
	if FactList[i].Type == "string" {
		return x.str(), f.claimsOf(i), true
	}
	return x.num, f.claimsOf(i), true
}

// Values are every fact the claims establish, by name.
func (f *Facts) Values() map[string]any {
	out := map[string]any{}
	for i, d := range FactList {
		if v := f.vals[i]; v.set() {
			if d.Type == "string" {
				out[d.Name] = v.str()
			} else {
				out[d.Name] = v.num
			}
		}
	}
	return out
}

// num formats a number for reasons: whole numbers without decimals.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// FactClaims are the claims behind every fact the claims establish, by name.
func (f *Facts) FactClaims() map[string][]string {
	out := map[string][]string{}
	for i, d := range FactList {
		if f.vals[i].set() {
			ids := slices.Clone(f.claimsOf(i))
			slices.Sort(ids)
			out[d.Name] = slices.Compact(ids)
		}
	}
	return out
}
