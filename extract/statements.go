package extract

import (
	"slices"
	"strings"
	"unicode/utf8"

	"truce/ledger"
)

var agreementNouns = map[string]bool{"agreement": true, "deal": true, "accord": true, "ceasefire": true,
	"truce": true, "memorandum": true, "protocol": true, "treaty": true, "armistice": true, "declaration": true}

// events: agreements signed, ceasefires in force.
func (d *doc) events(a, b int) {
	t := d.toks
	for v := a; v < b; v++ {
		if !t[v].is(lxAgreement|lxSignal) || d.mentAt[v] >= 0 {
			continue
		}
		w := t[v].low
		// "a 72-hour ceasefire took effect", "the truce came into force"
		if agreementNouns[w] {
			if e, ok := d.seqAny(v+1, b, [][]string{{"took", "effect"}, {"came", "into", "force"}, {"entered", "into", "force"},
				{"went", "into", "effect"}, {"came", "into", "effect"}, {"takes", "effect"}, {"began"}, {"broke", "down"}, {"collapsed"}}); ok {
				start := v
				for start > a && (t[start-1].hyph || start-2 >= a && t[start-2].hyph || t[start-1].kind == 'n' || t[start-1].low == "a" || t[start-1].low == "the" || t[start-1].low == "new" || t[start-1].low == "humanitarian") {
					start--
				}
				var actors []string
				for j := a; j < b; j++ {
					if m, ok := d.mentionAt(j); ok && m.t0 == j && m.actor != "" && !slices.Contains(actors, m.actor) {
						actors = append(actors, m.actor)
					}
				}
				sub := "Agreement"
				if t[e-1].low == "down" || t[e-1].low == "collapsed" {
					sub = "Change to group/activity"
				}
				end := t[e-1].e
				r := d.nearestDate(a, b, v)
				if r != nil && r.t0 >= e && r.t0 <= e+3 {
					end = r.e
				}
				c := d.newClaim(ledger.KindEvent, t[start].s, end, "event/ceasefire", 0.6)
				c.Event = &ledger.Event{Type: "Strategic developments", SubType: sub, Actors: actors}
				d.setDate(c, r)
				v = e - 1
				continue
			}
		}
		if w != "signed" && w != "sealed" && w != "concluded" && w != "reached" && w != "struck" && w != "brokered" && w != "agreed" {
			continue
		}
		if v > a && (t[v-1].hyph || beForms[t[v-1].low] && w == "brokered") {
			continue // "Russian-brokered truce"
		}
		noun := -1
		if v > a && agreementNouns[t[v-1].low] {
			noun = v - 1 // "the accord signed in Geneva"
		}
		for j := v + 1; j < b && j <= v+5 && noun < 0; j++ {
			if agreementNouns[t[j].low] {
				noun = j
				break
			}
		}
		if noun < 0 {
			continue
		}
		var actors []string
		place := ""
		for j := a; j < b; j++ {
			if m, ok := d.mentionAt(j); ok && m.t0 == j {
				if m.actor != "" && !slices.Contains(actors, m.actor) && j < v+8 {
					actors = append(actors, m.actor)
				} else if m.place != "" && place == "" && m.actor == "" {
					place = m.place
				}
			}
		}
		if len(actors) == 0 {
			continue
		}
		start := t[min(v, noun)].s
		if noun > v {
			for j := a; j < v; j++ {
				if m, ok := d.mentionAt(j); ok && m.actor != "" {
					start = t[m.t0].s
					break
				}
			}
		}
		end := t[max(v, noun)].e
		if r := d.nearestDate(a, b, v); r != nil && r.e > end && r.t0 < noun+6 {
			end = r.e
		}
		c := d.newClaim(ledger.KindEvent, start, end, "event/agreement", 0.6)
		c.Event = &ledger.Event{Type: "Strategic developments", SubType: "Agreement", Actors: actors, Place: place}
		d.setDate(c, d.nearestDate(a, b, v))
		v = max(v, noun)
	}
}

// violence verbs, in ACLED's vocabulary: type and sub-type.
var violenceVerbs = map[string][2]string{
	"shelled":  {"Explosions/Remote violence", "Shelling/artillery/missile attack"},
	"struck":   {"Explosions/Remote violence", "Shelling/artillery/missile attack"},
	"fired":    {"Explosions/Remote violence", "Shelling/artillery/missile attack"},
	"bombed":   {"Explosions/Remote violence", "Air/drone strike"},
	"attacked": {"Battles", "Armed clash"},
	"stormed":  {"Battles", "Armed clash"},
	"ambushed": {"Battles", "Armed clash"},
}

// violence: "Veltrian forces shelled Dolna", "rebels attacked positions
// near Pol", "clashes broke out near Sarik".
func (d *doc) violence(a, b int) {
	t := d.toks
	for v := a; v < b; v++ {
		if !t[v].is(lxViolence) || d.mentAt[v] >= 0 {
			continue
		}
		kind, ok := violenceVerbs[t[v].low]
		clash := false
		if !ok {
			w := t[v].low
			if (w == "clashes" || w == "fighting") && v+1 < b && (t[v+1].low == "broke" || t[v+1].low == "erupted" || t[v+1].low == "resumed" || t[v+1].low == "flared") {
				kind, ok, clash = [2]string{"Battles", "Armed clash"}, true, true
			}
		}
		if !ok || v > a && t[v-1].hyph {
			continue
		}
		if !clash && (d.modalBefore(v, a) || v > a && beForms[t[v-1].low]) {
			continue // "was shelled" names no attacker here; "will attack" did not happen
		}
		var actors []string
		start := v
		if !clash {
			subj, s0 := d.actorBefore(v, a)
			if subj == "" {
				continue
			}
			actors, start = []string{subj}, s0
		}
		// the place: the object, or the first place in the clause
		ce := v + 1
		for ce < b && !(t[ce].low == ";" || t[ce].low == "," && ce > v+2) {
			ce++
		}
		place := ""
		for j := v + 1; j < ce; j++ {
			if m, ok := d.mentionAt(j); ok && m.t0 == j {
				if m.place != "" && m.actor == "" && place == "" {
					place = m.place
				} else if m.actor != "" && !slices.Contains(actors, m.actor) && (clash || t[j-1].low == "on" || t[j-1].low == "at") {
					actors = append(actors, m.actor) // "fired on Armenian positions"
				}
				j = m.t1 - 1
			}
		}
		if place == "" && len(actors) < 2 {
			continue
		}
		c := d.newClaim(ledger.KindEvent, t[start].s, t[ce-1].e, "event/violence", 0.55)
		c.Event = &ledger.Event{Type: kind[0], SubType: kind[1], Actors: actors, Place: place}
		d.setDate(c, d.startDate(a, b, v))
		v = ce - 1
	}
}

var positionVerbs = map[string]bool{"vowed": true, "pledged": true, "promised": true, "demanded": true,
	"urged": true, "rejected": true, "condemned": true, "accused": true, "threatened": true, "refused": true,
	"welcomed": true, "welcomes": true, "criticised": true, "criticized": true, "protested": true, "recognised": true,
	"recognized": true, "lashed": true, "blamed": true, "called": true, "denounced": true, "vows": true,
	"denied": true, "denies": true, "demands": true, "urges": true, "rejects": true, "condemns": true, "accuses": true, "insists": true}

// statements: positions ("X vowed to", "X lashed out at"), resolutions
// ("its Senate passed a resolution"), and what a party said when the
// sentence yields no other claim.
func (d *doc) statements(a, b int, asserts []assertion, before int) {
	t := d.toks
	others := len(d.out) > before
	send := b
	for send > a && t[send-1].kind == 'p' && !isCloser(t[send-1].low) {
		send--
	}
	for v := a; v < b; v++ {
		if !t[v].is(lxPosition|lxResolution) || d.mentAt[v] >= 0 {
			continue
		}
		w := t[v].low
		resolution := false
		if (w == "passed" || w == "adopted" || w == "approved") && d.sentenceHas(v, min(v+4, b), "resolution", "motion", "bill", "declaration") {
			resolution = true
		} else if !positionVerbs[w] || w == "called" && (v+1 >= b || t[v+1].low != "for" && t[v+1].low != "on") {
			continue
		}
		if v > a && t[v-1].hyph {
			continue
		}
		subj, s0 := d.actorBefore(v, a)
		if subj == "" {
			d.unknownSpeaker(v, a)
			continue
		}
		end := d.clauseEnd(v, send)
		about := ""
		for j := v; j < end; j++ {
			if m, ok := d.mentionAt(j); ok && m.place != "" && m.actor == "" {
				about = m.place
				break
			}
		}
		rule := "statement/position"
		if resolution {
			rule = "statement/resolution"
		}
		c := d.newClaim(ledger.KindStatement, t[s0].s, t[end-1].e, rule, 0.6)
		c.Statement = &ledger.Statement{Actor: subj, Position: clip(d.text[t[v].s:t[end-1].e], 300), About: about}
		d.setDate(c, d.nearestDate(a, b, v))
	}
	for _, as := range asserts {
		if others && d.claimIn(before, as.s, as.e) {
			continue // the figures or changes it reports carry the party
		}
		var ps, pe int
		var s, e int
		if as.inverted {
			if as.v0 <= a {
				continue
			}
			ps, pe = a, as.v0
			for pe > ps && t[pe-1].kind == 'p' {
				pe--
			}
			s, e = t[a].s, t[max(as.a1, as.v1)-1].e
		} else {
			ps, pe = as.v1, send
			for ps < pe && (d.dateAt[ps] >= 0 || t[ps].low == "that" || t[ps].low == "on" && d.dateAt[min(ps+1, pe-1)] >= 0) {
				ps++
			}
			s, e = t[as.a0].s, t[max(send, ps+1)-1].e
		}
		if pe <= ps {
			continue
		}
		pos := strings.Trim(d.text[t[ps].s:t[pe-1].e], "\"“”' ")
		if len(strings.Fields(pos)) < 3 {
			continue
		}
		about := ""
		for j := ps; j < pe; j++ {
			if m, ok := d.mentionAt(j); ok && m.place != "" && m.actor == "" {
				about = m.place
				break
			}
		}
		c := d.newClaim(ledger.KindStatement, s, e, "statement/said", 0.55)
		c.Statement = &ledger.Statement{Actor: as.actor, Position: clip(pos, 300), About: about}
		d.setDate(c, d.nearestDate(a, b, as.v0))
	}
}

func (d *doc) claimIn(from, s, e int) bool {
	for _, c := range d.out[from:] {
		if p := c.Attributions[0].Start; s <= p && p < e && c.Kind != ledger.KindStatement {
			return true
		}
	}
	return false
}

// clauseEnd ends a position at ", but", ", though", ";" or the sentence end.
func (d *doc) clauseEnd(v, b int) int {
	for j := v; j < b; j++ {
		if d.toks[j].low == ";" {
			return j
		}
		if d.toks[j].low == "," && j+1 < b {
			switch d.toks[j+1].low {
			case "but", "though", "although", "while", "whereas":
				return j
			}
		}
	}
	return b
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + "…"
}
