package extract

import (
	"strings"
)

// assertion is a party's attribution of part of a sentence: "X said
// ...", "..., X said", "says P of O", "according to X".
type assertion struct {
	actor    string
	s, e     int // bytes of the sentence the party asserts
	v0, v1   int // the speech verb's tokens
	a0, a1   int // the party's tokens
	inverted bool
}

func (as assertion) covers(pos int) bool { return as.s <= pos && pos < as.e }

var speechVerbs = map[string]bool{"said": true, "says": true, "say": true, "stated": true, "states": true,
	"announced": true, "announces": true, "declared": true, "insisted": true, "warned": true, "claimed": true,
	"claims": true, "told": true, "tells": true, "reported": true, "reports": true, "confirmed": true,
	"confirms": true, "added": true, "noted": true, "argued": true, "acknowledged": true,
	"estimated": true, "estimates": true, "alleged": true, "stressed": true}

// subjSkip are words between a party and its verb: "Azerbaijan's defence
// ministry said", "Russia has vowed", "Azerbaijan, which last week ...".
var subjSkip = map[string]bool{"has": true, "have": true, "had": true, "also": true, "which": true, "who": true,
	"officials": true, "official": true, "ministry": true, "government": true, "spokesman": true,
	"spokeswoman": true, "spokesperson": true, "president": true, "leader": true, "leaders": true,
	"forces": true, "troops": true, "army": true, "military": true, "defence": true, "defense": true,
	"foreign": true, "the": true, "authorities": true, "reportedly": true, "later": true, "earlier": true,
	"repeatedly": true, "senate": true, "parliament": true, "assembly": true, "council": true, "cabinet": true,
	"office": true, "prime": true, "minister": true, "side": true, "soldiers": true, "units": true, "command": true,
	"now": true, "already": true, "then": true, "again": true, "formally": true, "officially": true, "finally": true,
	"state": true, "news": true, "agency": true, "media": true, "police": true, "fighters": true, "militia": true,
	"separatist": true, "rebel": true, "de": true, "facto": true, "interior": true, "top": true, "diplomats": true, "commanders": true, "commander": true,
	"chairs": true, "chair": true, "co": true, "envoy": true, "envoys": true, "mediators": true, "delegation": true,
	"representative": true, "representatives": true, "negotiators": true, "deputy": true, "head": true, "chief": true}

// actorBefore finds the party of the verb at v, walking back over the
// words in subjSkip and over dates; "its"/"their" refer to the nearest
// party before them. It returns the actor and its first token.
func (d *doc) actorBefore(v, a int) (string, int) {
	for j, steps := v-1, 0; j >= a && steps < 8; j, steps = j-1, steps+1 {
		if m, ok := d.mentionAt(j); ok {
			if m.actor != "" {
				return m.actor, m.t0
			}
			return "", -1
		}
		if d.dateAt[j] >= 0 {
			continue
		}
		w := d.toks[j].low
		if w == "its" || w == "their" || w == "it" || w == "they" {
			for k := j - 1; k >= a; k-- {
				if m, ok := d.mentionAt(k); ok && m.actor != "" {
					return m.actor, j
				}
			}
			if d.lastActor != "" {
				return d.lastActor, j
			}
			return "", -1
		}
		// a person's name between party and verb: "Azerbaijani President
		// Ilham Aliyev has demanded"
		if !subjSkip[w] && !(d.toks[j].cap && d.toks[j].kind == 'w' && j > a) {
			return "", -1
		}
	}
	return "", -1
}

// actorAfter finds a party at i: "the Veltrian army", "Russia", or a person
// "of"/"from"/"at" an organisation ("Olesya Vartanyan of the International
// Crisis Group"). It returns the actor and the index after it.
func (d *doc) actorAfter(i, b int) (string, int) {
	for i < b && (d.toks[i].low == "the" || d.toks[i].low == "its" || d.toks[i].low == "a") {
		i++
	}
	if m, ok := d.mentionAt(i); ok && m.t0 == i {
		if m.actor == "" {
			return "", i
		}
		j := m.t1
		// "Olesya Vartanyan of the International Crisis Group": the
		// organisation speaks through its analyst
		if k := j; k+1 < b && (d.toks[k].low == "of" || d.toks[k].low == "from" || d.toks[k].low == "at") {
			k++
			for k < b && d.toks[k].low == "the" {
				k++
			}
			if o, ok := d.mentionAt(k); ok && o.t0 == k && o.actor != "" {
				return o.actor, o.t1
			}
		}
		for j < b && (d.toks[j].low == "forces" || d.toks[j].low == "troops" || d.toks[j].low == "army" || d.toks[j].low == "side" || d.toks[j].low == "authorities" || d.toks[j].low == "government") {
			j++
		}
		return m.actor, j
	}
	// a person named before the organisation
	j := i
	for j < b && j-i < 4 && d.toks[j].kind == 'w' && d.toks[j].cap && d.mentAt[j] < 0 {
		j++
	}
	if j == i || j >= b {
		return "", i
	}
	if j < b && d.toks[j].low == "," {
		j++
	}
	for j < b && (d.toks[j].low == "a" || d.toks[j].low == "an" || subjSkip[d.toks[j].low] || d.toks[j].low == "analyst" || d.toks[j].low == "expert" || d.toks[j].low == "director" || d.toks[j].low == "head" || d.toks[j].low == "researcher") {
		j++
	}
	if j >= b {
		return "", i
	}
	switch d.toks[j].low {
	case "of", "from", "at", "for", "with":
		j++
		for j < b && d.toks[j].low == "the" {
			j++
		}
		if m, ok := d.mentionAt(j); ok && m.t0 == j && m.actor != "" {
			return m.actor, m.t1
		}
	}
	return "", i
}

// attribution finds who asserts what in a sentence.
func (d *doc) attribution(a, b int) []assertion {
	var out []assertion
	t := d.toks
	s0, s1 := t[a].s, t[b-1].e
	for v := a; v < b; v++ {
		if t[v].is(lxSignal) && t[v].low == "according" && v+1 < b && t[v+1].low == "to" {
			if act, end := d.actorAfter(v+2, b); act != "" {
				out = append(out, assertion{actor: act, s: s0, e: s1, v0: v, v1: v + 2, a0: v + 2, a1: end})
			} else {
				e := v + 2
				for e < b && !isClauseEnd(t[e].low) {
					e++
				}
				d.unknownActor(v+2, e)
			}
			continue
		}
		if !t[v].is(lxSpeech) || d.mentAt[v] >= 0 {
			continue
		}
		content := 0 // words after the verb that are not a date or the speaker
		for j := v + 1; j < b; j++ {
			if t[j].kind == 'w' && d.dateAt[j] < 0 {
				content++
			}
		}
		if act, a0 := d.actorBefore(v, a); act != "" {
			as := assertion{actor: act, v0: v, v1: v + 1, a0: a0, a1: v}
			j := v + 1
			for j < b && d.dateAt[j] >= 0 {
				j++
			}
			if content >= 3 && j < b && t[j].low != "," {
				as.s, as.e = t[v].e, s1
			} else {
				// "..., the ministry said": the speaker follows the clause
				// it asserts after a comma or a closing quote
				k := a0 - 1
				for k >= a && subjSkip[t[k].low] {
					k--
				}
				if k < a || !(t[k].low == "," || isCloser(t[k].low)) {
					continue
				}
				as.s, as.e, as.inverted = s0, t[v].s, true
			}
			out = append(out, as)
			continue
		}
		if act, end := d.actorAfter(v+1, b); act != "" {
			out = append(out, assertion{actor: act, s: s0, e: t[v].s, v0: v, v1: v + 1, a0: v + 1, a1: end, inverted: true})
			continue
		}
		// "Russia, which deployed peacekeepers, ... said Tuesday ...": the
		// sentence opens with its subject.
		i := a
		if t[i].low == "the" {
			i++
		}
		if m, ok := d.mentionAt(i); ok && m.t0 == i && m.actor != "" && m.t1 < v && content >= 3 && !d.dateline(m) {
			out = append(out, assertion{actor: m.actor, s: t[v].e, e: s1, v0: v, v1: v + 1, a0: i, a1: m.t1})
		} else {
			d.unknownSpeaker(v, a)
		}
	}
	return out
}

// people: a plural demonym ("Armenians") or one after a count is a
// population, whose movements are figures, not changes of control.
func (d *doc) people(m ment, a int) bool {
	if m.nkind != "demonym" {
		return false
	}
	last := d.toks[m.t1-1].low
	if strings.HasSuffix(last, "s") && !forceNouns[last] {
		return true
	}
	for j := m.t0 - 1; j >= a && j >= m.t0-2; j-- {
		if d.dateAt[j] < 0 && (d.toks[j].isNum || d.toks[j].is(lxNumWord)) {
			return true
		}
	}
	return false
}

// unknownSpeaker notes the unknown organisation right before a verb:
// "The European Union welcomes", "the Red Cross said".
func (d *doc) unknownSpeaker(v, a int) {
	j := v
	for j > a && (d.toks[j-1].low == "has" || d.toks[j-1].low == "have" || d.toks[j-1].low == "had" || d.toks[j-1].low == "also") {
		j--
	}
	i := j
	for i > a && j-i < 8 && (d.toks[i-1].cap || d.toks[i-1].low == "of" || d.toks[i-1].low == "for") && d.mentAt[i-1] < 0 && d.toks[i-1].kind == 'w' {
		i--
	}
	if i < j {
		d.unknownActor(i, j)
	}
}

// dateline: "STEPANAKERT/BAKU (Agency) -" opens a story; the place in
// capitals is where it was filed, not who speaks.
func (d *doc) dateline(m ment) bool {
	w := d.text[d.toks[m.t0].s:d.toks[m.t1-1].e]
	if strings.ToUpper(w) != w || len(w) < 4 {
		return false
	}
	if m.t1 < len(d.toks) {
		switch d.toks[m.t1].low {
		case "/", "(", ",", "-", "—", "–":
			return true
		}
	}
	return false
}
