package extract

import (
	"strconv"
	"strings"
	"time"

	"truce/ledger"
)

// dateRef is a date expression found in the text. Date is zero when the
// expression could not be resolved (a relative or year-less date without
// a publication date); note() then says why. A resolved week or span that
// does not fall on one day is given at the finest precision that holds
// it (month or year), with the exact days in the note.
type dateRef struct {
	t0, t1   int // token range [t0,t1)
	s, e     int // byte span
	Date     ledger.Date
	Relative bool // "on Tuesday", "last week": needs the publication date
	// why the date is what it is, written out by note only for the dates
	// a claim uses: most dates found in a report date nothing
	why      uint8
	pub      ledger.Date
	mon, sun ledger.Day // the days of a week
}

const (
	whyExact uint8 = iota
	whyNoYear
	whyRelative
	whyYear
	whyResolved
	whyWeek
	whyNotDate
)

// note says how the date was read; text is the report.
func (r *dateRef) note(text string) string {
	phrase := text[r.s:r.e]
	if strings.ContainsAny(phrase, "\n\t") || strings.Contains(phrase, "  ") {
		phrase = strings.Join(strings.Fields(phrase), " ")
	}
	q := strconv.Quote(strings.ToLower(phrase))
	switch r.why {
	case whyNoYear:
		return q + " has no year and the report has no publication date: left unresolved"
	case whyRelative:
		return q + " is relative and the report has no publication date: left unresolved"
	case whyYear:
		return q + ": year taken from the publication date " + r.pub.String()
	case whyResolved:
		return q + " resolved against the publication date " + r.pub.String()
	case whyWeek:
		return q + " is " + r.mon.String() + ".." + r.sun.String() + "; given as " + r.Date.String()
	case whyNotDate:
		return q + " is not a calendar date"
	}
	return ""
}

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
	"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var weekdays = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

// monthAt reads a month name at i (capitalised: "may" and "march" are
// also verbs), with an optional period after an abbreviation.
func monthAt(toks []tok, i, end int) (m, next int) {
	if i >= end || toks[i].kind != 'w' || !toks[i].cap {
		return 0, i
	}
	m = months[toks[i].low]
	if m == 0 {
		return 0, i
	}
	next = i + 1
	if abbrev[toks[i].low] && next < end && toks[next].low == "." && toks[next].s == toks[i].e {
		next++
	}
	return m, next
}

func dayAt(toks []tok, i, end int) (int, bool) {
	if i >= end || !toks[i].isNum || toks[i].kind == 'p' {
		return 0, false
	}
	d := int(toks[i].num)
	if float64(d) != toks[i].num || d < 1 || d > 31 || toks[i].e-toks[i].s > 4 {
		return 0, false
	}
	return d, true
}

func yearAt(toks []tok, i, end int) (int, bool) {
	if i >= end || toks[i].kind != 'n' || !toks[i].isNum || toks[i].e-toks[i].s != 4 {
		return 0, false
	}
	y := int(toks[i].num)
	return y, y >= 1900 && y <= 2100
}

// findDates finds date expressions in tokens [a,b) and resolves them
// against pub (zero when the publication date is unknown).
func findDates(toks []tok, a, b int, pub ledger.Date, future bool) []dateRef {
	var out []dateRef
	for i := a; i < b; i++ {
		t := toks[i]
		if t.kind == 'p' || t.kind == 'w' && !t.is(lxDate) {
			continue
		}
		if r, ok := dateAt(toks, i, a, b, pub, future); ok {
			out = append(out, r)
			i = r.t1 - 1
		}
	}
	return out
}

func dateAt(toks []tok, i, a, b int, pub ledger.Date, future bool) (dateRef, bool) {
	t := toks[i]
	mk := func(t1 int) dateRef {
		return dateRef{t0: i, t1: t1, s: toks[i].s, e: toks[t1-1].e}
	}
	// "25 November 2020", "25th November"
	if d, ok := dayAt(toks, i, b); ok {
		j := i + 1
		if j < b && toks[j].low == "of" {
			j++
		}
		if m, next := monthAt(toks, j, b); m > 0 {
			r := mk(next)
			if y, ok := yearAt(toks, next, b); ok {
				r = mk(next + 1)
				r.Date = exactDay(y, m, d)
				return r, r.Date.Prec != ledger.PrecNone
			}
			resolveYearless(&r, m, d, pub)
			return r, true
		}
		return dateRef{}, false
	}
	if t.kind != 'w' {
		return dateRef{}, false
	}
	// "Nov. 25", "December 1, 2020", "November 2020", "in November"
	if m, next := monthAt(toks, i, b); m > 0 {
		if d, ok := dayAt(toks, next, b); ok {
			j := next + 1
			k := j
			if k < b && toks[k].low == "," {
				k++
			}
			if y, ok := yearAt(toks, k, b); ok {
				r := mk(k + 1)
				r.Date = exactDay(y, m, d)
				return r, r.Date.Prec != ledger.PrecNone
			}
			r := mk(j)
			resolveYearless(&r, m, d, pub)
			return r, true
		}
		if y, ok := yearAt(toks, next, b); ok {
			r := mk(next + 1)
			r.Date = ledger.Date{Y: y, M: m, Prec: ledger.PrecMonth}
			return r, true
		}
		// A bare month only after a word that makes it a date: "in
		// November", "the November deal", "since March". "May" alone is
		// too often a verb or a name.
		if i > a && m != 5 {
			switch toks[i-1].low {
			case "in", "since", "until", "till", "by", "the", "early", "late", "mid", "last", "this", "next", "of", "from", "through", "throughout", "during":
				r := mk(next)
				if pub.IsZero() {
					r.Relative = true
					r.why = whyNoYear
					return r, true
				}
				// A month named alone is the nearest one in the tense of
				// the sentence: past ("began in September", published in
				// April: last September) unless it speaks of the future.
				y := pub.Y
				if m > pub.M && !future {
					y--
				} else if m < pub.M && future {
					y++
				}
				if toks[i-1].low == "last" && m >= pub.M {
					y = pub.Y - 1
				}
				r.Date = ledger.Date{Y: y, M: m, Prec: ledger.PrecMonth}
				r.Relative = true
				r.why, r.pub = whyYear, pub
				return r, true
			}
		}
		return dateRef{}, false
	}
	// "in 2020", "since 1994"
	if y, ok := yearAt(toks, i, b); ok && i > a {
		switch toks[i-1].low {
		case "in", "since", "until", "by", "of", "from", "during":
			r := mk(i + 1)
			r.Date = ledger.Date{Y: y, Prec: ledger.PrecYear}
			return r, true
		}
		return dateRef{}, false
	}
	// weekdays: "on Tuesday", "said Tuesday"
	if wd, ok := weekdays[t.low]; ok && t.cap {
		r := mk(i + 1)
		r.Relative = true
		if pub.IsZero() || pub.Prec != ledger.PrecDay {
			r.why = whyRelative
			return r, true
		}
		p := pub.First()
		pwd := p.Time().Weekday()
		var day ledger.Day
		if future {
			day = p + ledger.Day((int(wd)-int(pwd)+7)%7)
		} else {
			// Wire style: a weekday alone is within the past week, the
			// publication day included.
			day = p - ledger.Day((int(pwd)-int(wd)+7)%7)
		}
		r.Date = ledger.DateOfDay(day)
		r.why, r.pub = whyResolved, pub
		return r, true
	}
	switch t.low {
	case "yesterday", "today", "tonight":
		r := mk(i + 1)
		r.Relative = true
		if pub.IsZero() || pub.Prec != ledger.PrecDay {
			r.why = whyRelative
			return r, true
		}
		day := pub.First()
		if t.low == "yesterday" {
			day--
		}
		r.Date = ledger.DateOfDay(day)
		r.why, r.pub = whyResolved, pub
		return r, true
	case "last", "this", "next", "earlier", "later":
		j := i + 1
		if (t.low == "earlier" || t.low == "later") && j < b && toks[j].low == "this" {
			j++
		}
		if j >= b {
			return dateRef{}, false
		}
		unit := toks[j].low
		if unit != "week" && unit != "month" && unit != "year" {
			return dateRef{}, false
		}
		if (t.low == "earlier" || t.low == "later") && j == i+1 {
			return dateRef{}, false // "earlier week" is not a date
		}
		r := mk(j + 1)
		r.Relative = true
		if pub.IsZero() || pub.Prec < ledger.PrecMonth || unit == "week" && pub.Prec != ledger.PrecDay {
			r.why = whyRelative
			return r, true
		}
		shift := 0
		switch t.low {
		case "last":
			shift = -1
		case "next":
			shift = 1
		}
		switch unit {
		case "year":
			r.Date = ledger.Date{Y: pub.Y + shift, Prec: ledger.PrecYear}
		case "month":
			tm := time.Date(pub.Y, time.Month(pub.M)+time.Month(shift), 1, 0, 0, 0, 0, time.UTC)
			r.Date = ledger.Date{Y: tm.Year(), M: int(tm.Month()), Prec: ledger.PrecMonth}
		case "week":
			p := pub.First()
			// ISO weeks start on Monday.
			mon := p - ledger.Day((int(p.Time().Weekday())+6)%7) + ledger.Day(7*shift)
			sun := mon + 6
			if t.low == "earlier" || t.low == "this" && !future {
				sun = min(sun, p)
			}
			r.Date = coarsest(mon, sun)
			r.why, r.mon, r.sun = whyWeek, mon, sun
			return r, true
		}
		r.why, r.pub = whyResolved, pub
		return r, true
	}
	return dateRef{}, false
}

// coarsest is the finest date that holds every day from a to b.
func coarsest(a, b ledger.Day) ledger.Date {
	if a == b {
		return ledger.DateOfDay(a)
	}
	ta, tb := a.Time(), b.Time()
	if ta.Year() == tb.Year() && ta.Month() == tb.Month() {
		return ledger.Date{Y: ta.Year(), M: int(ta.Month()), Prec: ledger.PrecMonth}
	}
	if ta.Year() == tb.Year() {
		return ledger.Date{Y: ta.Year(), Prec: ledger.PrecYear}
	}
	return ledger.Date{}
}

func exactDay(y, m, d int) ledger.Date {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return ledger.Date{} // 31 November
	}
	return ledger.Date{Y: y, M: m, D: d, Prec: ledger.PrecDay}
}

// resolveYearless gives "Nov. 25" the year that puts it nearest the
// publication date; without one the date stays unresolved.
func resolveYearless(r *dateRef, m, d int, pub ledger.Date) {
	r.Relative = true
	if pub.IsZero() {
		r.why = whyNoYear
		return
	}
	p := pub.First()
	best, bestDist := ledger.Date{}, ledger.Day(1<<30)
	for y := pub.Y - 1; y <= pub.Y+1; y++ {
		c := exactDay(y, m, d)
		if c.IsZero() {
			continue
		}
		dist := c.First() - p
		if dist < 0 {
			dist = -dist
		}
		if dist < bestDist {
			best, bestDist = c, dist
		}
	}
	r.Date = best
	if best.IsZero() {
		r.why = whyNotDate
		return
	}
	r.why, r.pub = whyYear, pub
}
