package extract

import (
	"fmt"
	"slices"
	"strings"

	"truce/ledger"
)

var wordNums = map[string]float64{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "thousand": 1000, "dozen": 12}

var scales = map[string]float64{"hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9}

// vague magnitudes: a documented range for each ("tens of thousands" is
// 20,000 to 99,999: two tens at least, fewer than a hundred thousand).
var vague = map[string][2]float64{
	"dozens": {24, 99}, "scores": {40, 99}, "hundreds": {200, 999}, "thousands": {2000, 9999},
	"tens of thousands": {20000, 99999}, "hundreds of thousands": {200000, 999999}, "millions": {2e6, 9999999},
}

type qual struct {
	words []string
	q     string
}

var qualifiers = []qual{
	{[]string{"in", "excess", "of"}, "more_than"}, {[]string{"as", "many", "as"}, "up_to"},
	{[]string{"up", "to"}, "up_to"}, {[]string{"more", "than"}, "more_than"}, {[]string{"less", "than"}, "less_than"},
	{[]string{"fewer", "than"}, "less_than"}, {[]string{"at", "least"}, "at_least"}, {[]string{"close", "to"}, "nearly"},
	{[]string{"just", "under"}, "nearly"}, {[]string{"just", "over"}, "more_than"}, {[]string{"an", "estimated"}, "about"},
	{[]string{"over"}, "more_than"}, {[]string{"above"}, "more_than"}, {[]string{"nearly"}, "nearly"},
	{[]string{"almost"}, "nearly"}, {[]string{"about"}, "about"}, {[]string{"around"}, "about"},
	{[]string{"some"}, "about"}, {[]string{"roughly"}, "about"}, {[]string{"approximately"}, "about"},
	{[]string{"estimated"}, "about"}, {[]string{"under"}, "less_than"}, {[]string{"only"}, "exact"},
}

// metricWords name what a figure counts; the first one after the number
// wins ("who fled ... are expected to return" counts the displaced).
var metricWords = map[string]string{
	"fled": "displaced", "flee": "displaced", "fleeing": "displaced", "displaced": "displaced",
	"refugees": "displaced", "sheltering": "displaced", "homeless": "displaced", "uprooted": "displaced", "evacuated": "displaced", "idps": "displaced",
	"returned": "returned", "returnees": "returned", "back": "returned", "home": "returned", "return": "returned", "returning": "returned",
	"killed": "fatalities", "dead": "fatalities", "died": "fatalities", "deaths": "fatalities",
	"fatalities": "fatalities", "lives": "fatalities", "wounded": "injured", "injured": "injured",
	"prisoners": "detainees", "detainees": "detainees", "hostages": "detainees", "captives": "detainees",
	"pows": "detainees", "left": "displaced", "released": "released", "freed": "released", "exchanged": "released",
	"mines": "mines", "landmines": "mines", "homes": "homes", "houses": "homes",
	"explosions": "explosions", "violations": "ceasefire_violations", "incidents": "incidents",
}

// metricNouns say what the counted are called, not what happened to them.
var metricNouns = map[string]bool{"refugees": true, "idps": true, "returnees": true, "dead": true, "deaths": true,
	"fatalities": true, "lives": true, "prisoners": true, "detainees": true, "hostages": true, "captives": true,
	"pows": true, "mines": true, "landmines": true, "homes": true, "houses": true, "homeless": true,
	"explosions": true, "violations": true, "incidents": true}

// forceNouns count people under arms; the sentence decides their metric.
var forceNouns = map[string]bool{"soldiers": true, "troops": true, "servicemen": true, "personnel": true,
	"peacekeepers": true, "police": true, "observers": true, "monitors": true, "military": true}

var unitWords = map[string]bool{"year": true, "years": true, "day": true, "days": true, "month": true, "months": true,
	"week": true, "weeks": true, "hour": true, "hours": true, "km": true, "kilometres": true, "kilometers": true,
	"miles": true, "metres": true, "meters": true, "am": true, "pm": true, "minutes": true, "times": true,
	"decades": true, "sides": true, "rounds": true, "districts": true, "villages": true, "towns": true,
	"regions": true, "provinces": true, "countries": true, "parties": true, "settlements": true}

func isClauseEnd(s string) bool {
	switch s {
	case ",", ";", "—", "–", ":", "(", ")", ".", "!", "?", "\"", "“", "”":
		return true
	}
	return false
}

// figures finds counts with their qualifier, metric, scope and party.
func (d *doc) figures(a, b int) {
	t := d.toks
	var prev *ledger.Claim
	for i := a; i < b; i++ {
		if d.mentAt[i] >= 0 || d.dateAt[i] >= 0 {
			continue
		}
		var low, best, high float64
		ok := false
		start, next := i, i+1
		isVague := false
		w := t[i].low
		switch {
		case t[i].kind == 'n' && t[i].isNum:
			if t[i].e-t[i].s == 4 && t[i].num >= 1900 && t[i].num <= 2100 && !strings.Contains(d.text[t[i].s:t[i].e], ",") {
				continue // a year
			}
			best, ok = t[i].num, true
		case t[i].kind == 'w' && !t[i].is(lxNumWord):
			continue
		case t[i].kind == 'w' && wordNums[w] > 0 && (!t[i].cap || i == a) || w == "a" && i+1 < b && (t[i+1].low == "dozen" || t[i+1].low == "hundred" || t[i+1].low == "thousand"):
			if w == "a" {
				next = i + 2
				best = wordNums[t[i+1].low]
			} else {
				best = wordNums[w]
			}
			ok = true
		case t[i].kind == 'w' && (w == "tens" || w == "hundreds" || w == "thousands" || w == "millions" || w == "dozens" || w == "scores"):
			phrase := w
			if e, ok2 := d.seq(i+1, b, "of", "thousands"); ok2 && (w == "tens" || w == "hundreds") {
				phrase, next = w+" of thousands", e
			}
			r, known := vague[phrase]
			if !known || next >= b || t[next].low != "of" && !forceNouns[t[next].low] && metricWords[t[next].low] == "" {
				continue
			}
			low, high, ok, isVague = r[0], r[1], true, true
		}
		if !ok {
			continue
		}
		if t[next-1].hyph || next < b && unitWords[t[next].low] {
			i = next - 1
			continue // "five-year", "5 km", "two sides"
		}
		if !isVague && next < b {
			if s, ok := scales[t[next].low]; ok {
				best *= s
				next++
			}
		}
		unit := ""
		if next < b && t[next].low == "%" {
			unit, next = "percent", next+1
		} else if e, ok := d.seq(next, b, "percent"); ok {
			unit, next = "percent", e
		} else if e, ok := d.seq(next, b, "per", "cent"); ok {
			unit, next = "percent", e
		}
		q := "exact"
		for _, ql := range qualifiers {
			n := len(ql.words)
			if i-n >= a {
				if _, ok := d.seq(i-n, b, ql.words...); ok {
					q, start = ql.q, i-n
					break
				}
			}
		}
		if isVague {
			q = "about"
		}
		// the clause the figure stands in
		ce := next
		for ce < b && !isClauseEnd(t[ce].low) {
			ce++
		}
		metric, actor, place, nounMetric := "", "", "", ""
		origin := false
		force := ""
		for j := next; j < ce; j++ {
			if m, ok := d.mentionAt(j); ok {
				if place == "" && m.place != "" && (m.actor == "" || metric != "" || t[j-1].low == "to" || t[j-1].low == "from" || t[j-1].low == "in") {
					place = m.place
					origin = j > 0 && (t[j-1].low == "fled" || t[j-1].low == "from" || t[j-1].low == "left")
				}
				if actor == "" && m.actor != "" && j < next+3 {
					actor = m.actor
				}
				// "2,000 Russian soldiers" may itself be a name of the force
				if last := t[m.t1-1].low; metric == "" && force == "" && forceNouns[last] && j < next+4 {
					force = last
				}
				j = m.t1 - 1
				continue
			}
			if metric == "" {
				if mw := metricWords[t[j].low]; mw != "" && !d.backOfControl(j) {
					// what happened to them outranks what they are called:
					// "4,000 refugees returned" counts returns
					if metricNouns[t[j].low] {
						if nounMetric == "" {
							nounMetric = mw
						}
					} else {
						metric = mw
					}
				} else if forceNouns[t[j].low] && force == "" && j < next+4 {
					force = t[j].low
				}
			}
		}
		if metric == "" {
			metric = nounMetric
		}
		// "a contingent some 1,960 strong"
		if metric == "" && next < b && t[next].low == "strong" {
			force = "troops"
			for j := start - 1; j >= a; j-- {
				if m, ok := d.mentionAt(j); ok && m.actor != "" {
					actor = m.actor
					break
				}
			}
		}
		for j := start - 1; j >= a && j >= start-4 && metric == ""; j-- {
			switch t[j].low {
			case "toll", "killing", "killed", "remains", "bodies":
				metric = "fatalities"
			case "displacing", "displaced":
				metric = "displaced"
			}
		}
		if metric == "" && force != "" {
			metric = "troops"
			switch {
			case force == "observers" || force == "monitors":
				metric = "observers"
			case force == "peacekeepers" || d.sentenceHas(a, b, "peace", "peacekeeping", "peacekeepers", "peacekeeper"):
				metric = "peacekeepers"
			}
		}
		if metric == "" && unit == "percent" && prev != nil {
			metric = prev.Figure.Metric + "_share"
			if place == "" {
				place = prev.Figure.Place
			}
		}
		if metric == "" {
			i = next - 1
			continue
		}
		if metric == "fatalities" || metric == "injured" || metric == "displaced" || metric == "returned" || metric == "detainees" {
			actor = "" // a demonym before them says who they are, not who counts
		}
		rule := "figure/count"
		if isVague {
			rule = "figure/vague-magnitude"
		} else if unit == "percent" {
			rule = "figure/percent"
		}
		end := t[ce-1].e
		c := d.newClaim(ledger.KindFigure, t[start].s, end, rule, 0.75)
		f := &ledger.Figure{Metric: metric, Place: place, Actor: actor, Qualifier: q, Unit: unit, Origin: origin}
		switch {
		case isVague:
			f.Low, f.High = ptr(low), ptr(high)
			addNote(c, fmt.Sprintf("%q read as %g to %g", d.text[t[i].s:t[next-1].e], low, high))
		case q == "more_than" || q == "at_least":
			f.Low = ptr(best)
		case q == "up_to" || q == "less_than" || q == "nearly":
			f.High = ptr(best)
		default:
			f.Best = ptr(best)
		}
		if f.Place == "" && d.figPlace != "" && d.sent-d.figSent == 1 && unit != "percent" && !d.unknownIn(t[start].s, t[ce-1].e) {
			f.Place = d.figPlace
			c.Confidence -= 0.1
			addNote(c, "scope taken from the figure before")
		}
		if f.Place == "" && prev != nil {
			f.Place = prev.Figure.Place
		}
		c.Figure = f
		d.setDate(c, d.startDate(a, b, i))
		if f.Place != "" {
			d.figPlace, d.figSent = f.Place, d.sent
		}
		prev = c
		i = next - 1
	}
}

func ptr(v float64) *float64 { return &v }

// backOfControl: "handed back", "won back" move territory, not people.
func (d *doc) backOfControl(j int) bool {
	if w := d.toks[j].low; (w == "back" || w == "home") && j > 0 {
		p := d.toks[j-1].low
		return d.toks[j-1].is(lxControl) || p == "pulled" || p == "pushed" || p == "fought" || p == "beat" || p == "given"
	}
	return false
}

func (d *doc) sentenceHas(a, b int, words ...string) bool {
	for i := a; i < b; i++ {
		if slices.Contains(words, d.toks[i].low) {
			return true
		}
	}
	return false
}

// unknownIn reports whether an unknown place name lies in [s,e).
func (d *doc) unknownIn(s, e int) bool {
	for _, m := range d.unk[d.sentUnk:] {
		if s <= m.Start && m.Start < e {
			return true
		}
	}
	return false
}

// endDate reports whether a date ends something ("expires on 30 June",
// "until", "by"): it is not when a figure or statement holds from.
func (d *doc) endDate(r *dateRef, a int) bool {
	for j := r.t0 - 1; j >= a && j >= r.t0-3; j-- {
		switch d.toks[j].low {
		case "expires", "expire", "ends", "end", "until", "till", "by", "through", "runs", "deadline":
			return true
		}
	}
	return false
}

// startDate is the nearest date that is not an end date.
func (d *doc) startDate(a, b, i int) *dateRef {
	return d.nearestDateWhere(a, b, i, func(r *dateRef) bool { return !d.endDate(r, a) })
}

// nearestDate is the date in the sentence nearest token i, if any.
func (d *doc) nearestDate(a, b, i int) *dateRef {
	return d.nearestDateWhere(a, b, i, func(*dateRef) bool { return true })
}

// nearestDateWhere is the date in tokens [a,b) nearest token i that ok
// accepts.
func (d *doc) nearestDateWhere(a, b, i int, ok func(*dateRef) bool) *dateRef {
	var best *dateRef
	bd := 1 << 30
	for j := a; j < b; j++ {
		r := d.dateRefAt(j)
		if r == nil || r.t0 != j || !ok(r) {
			continue
		}
		dist := j - i
		if dist < 0 {
			dist = i - r.t1
		}
		if dist < bd {
			best, bd = r, dist
		}
	}
	return best
}

var personNouns = map[string]bool{"man": true, "woman": true, "child": true, "boy": true, "girl": true,
	"civilian": true, "soldier": true, "serviceman": true, "resident": true, "peacekeeper": true, "fighter": true,
	"officer": true, "policeman": true, "journalist": true, "farmer": true, "monitor": true}

// single reads one person killed or wounded: "a man was injured by
// shelling", "an Armenian soldier was killed".
func (d *doc) single(a, b int) {
	t := d.toks
	for i := a; i+3 < b; i++ {
		if t[i].low != "a" && t[i].low != "an" && t[i].low != "one" {
			continue
		}
		j := i + 1
		if m, ok := d.mentionAt(j); ok && m.t0 == j {
			j = m.t1
		}
		if j >= b || !personNouns[t[j].low] {
			continue
		}
		k := j + 1
		if e, ok := d.seq(k, b, "has", "been"); ok {
			k = e
		} else if e, ok := d.seq(k, b, "was"); ok {
			k = e
		} else {
			continue
		}
		if k >= b {
			continue
		}
		metric := metricWords[t[k].low]
		if metric != "fatalities" && metric != "injured" {
			continue
		}
		ce := k + 1
		for ce < b && !isClauseEnd(t[ce].low) {
			ce++
		}
		place := ""
		for x := k; x < ce; x++ {
			if m, ok := d.mentionAt(x); ok && m.place != "" && m.actor == "" {
				place = m.place
				break
			}
		}
		// the person's side stays in the quote: a count of casualties
		// does not name who counts them
		c := d.newClaim(ledger.KindFigure, t[i].s, t[ce-1].e, "figure/single", 0.6)
		c.Figure = &ledger.Figure{Metric: metric, Place: place, Best: ptr(1), Qualifier: "exact"}
		d.setDate(c, d.startDate(a, b, i))
		i = ce
	}
}

// mandate reads "a renewable five-year mandate", "a mandate of two years":
// a figure claim, metric mandate_years, so that a renewal or amendment is
// a later figure of the same series. Renewability goes in the note.
func (d *doc) mandate(a, b int) {
	t := d.toks
	for i := a; i < b; i++ {
		if t[i].low != "mandate" {
			continue
		}
		var years float64
		start := -1
		for j := i - 1; j >= a && j >= i-4; j-- {
			if t[j].hyph && j+1 < b && (t[j+1].low == "year" || t[j+1].low == "month") {
				v := wordNums[t[j].low]
				if t[j].isNum {
					v = t[j].num
				}
				if t[j+1].low == "month" {
					v /= 12
				}
				if v > 0 {
					years, start = v, j
				}
			}
		}
		end := i + 1
		if years == 0 {
			// "a mandate of two years", "mandate for 12 months"
			if e, ok := d.seq(i+1, b, "of"); ok || i+1 < b && t[i+1].low == "for" {
				if !ok {
					e = i + 2
				}
				v := wordNums[t[min(e, b-1)].low]
				if e < b && t[e].isNum {
					v = t[e].num
				}
				if v > 0 && e+1 < b && (t[e+1].low == "years" || t[e+1].low == "year" || t[e+1].low == "months") {
					if t[e+1].low == "months" {
						v /= 12
					}
					years, start, end = v, i, e+2
				}
			}
		}
		if years == 0 {
			continue
		}
		renew := false
		for j := start - 1; j >= a && j >= start-2; j-- {
			if t[j].low == "renewable" || t[j].low == "extendable" || t[j].low == "rolling" {
				renew, start = true, j
			}
		}
		if d.sentenceHas(a, b, "renewed", "extended", "automatically") {
			renew = true
		}
		actor, place := "", ""
		for _, c := range d.out[d.sentOut:] {
			if f := c.Figure; f != nil && (f.Metric == "peacekeepers" || f.Metric == "troops" || f.Metric == "observers") {
				actor, place = f.Actor, f.Place
			}
		}
		if actor == "" {
			for j := a; j < b; j++ {
				if m, ok := d.mentionAt(j); ok && m.actor != "" {
					actor = m.actor
					break
				}
			}
		}
		c := d.newClaim(ledger.KindFigure, t[start].s, t[end-1].e, "mandate/term", 0.7)
		c.Figure = &ledger.Figure{Metric: "mandate_years", Actor: actor, Place: place, Best: ptr(years), Qualifier: "exact", Unit: "years"}
		if renew {
			addNote(c, "renewable mandate")
		}
		// "that expires on 30 June": the end of the term, not its start
		r := d.nearestDate(a, b, i)
		if r != nil && d.endDate(r, a) {
			d.setDate(c, nil)
			c.Valid.From = ledger.Date{}
			c.Valid.To = r.Date
			addNote(c, "term ends "+d.text[r.s:r.e])
			addNote(c, r.note(d.text))
		} else {
			d.setDate(c, r)
		}
	}
}

// deadlines reads "the deadline ... was extended to 25 November" for a
// place's handover.
func (d *doc) deadlines(a, b int) {
	t := d.toks
	for i := a; i < b; i++ {
		if t[i].low != "deadline" {
			continue
		}
		var due *dateRef
		for j := i + 1; j < b && j < i+8; j++ {
			if r := d.dateRefAt(j); r != nil && j > 0 && (t[j-1].low == "to" || t[j-1].low == "until" || t[j-1].low == "of" || t[j-1].low == "by" || t[j-1].low == "is" || t[j-1].low == "was") {
				due = r
				break
			}
			if t[j].low == "," || t[j].low == ";" {
				break
			}
		}
		if due == nil || due.Date.IsZero() {
			continue
		}
		// the place nearest the word "deadline"
		best, bd := -1, 1<<30
		for j := a; j < b; j++ {
			m, ok := d.mentionAt(j)
			if !ok || m.t0 != j || m.place == "" || m.actor != "" {
				continue
			}
			dist := i - m.t1
			if j > i {
				dist = j - i
			}
			if dist < bd {
				best, bd = j, dist
			}
		}
		for j := best; j >= 0; j = -1 {
			m, _ := d.mentionAt(j)
			if prov := d.provisionFor(m.place); prov != "" {
				start := min(t[i].s, t[j].s)
				c := d.newClaim(ledger.KindDeadline, start, max(due.e, t[m.t1-1].e), "deadline/named", 0.6)
				c.Deadline = &ledger.Deadline{Provision: prov, Due: due.Date}
				d.setDate(c, nil)
				addNote(c, due.note(d.text))
			}
			break
		}
		return
	}
}
