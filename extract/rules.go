package extract

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"truce/ledger"
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

type verb struct {
	words []string
	class byte // 'h' hands over, 'g' gains, 'w' withdraws
}

// controlVerbs, longest first within each stem.
var controlVerbs = []verb{
	{[]string{"handed", "over"}, 'h'}, {[]string{"handed", "back"}, 'h'}, {[]string{"hand", "over"}, 'h'},
	{[]string{"hands", "over"}, 'h'}, {[]string{"handing", "over"}, 'h'}, {[]string{"handed"}, 'h'},
	{[]string{"ceded"}, 'h'}, {[]string{"cedes"}, 'h'}, {[]string{"cede"}, 'h'}, {[]string{"transferred"}, 'h'},
	{[]string{"returned"}, 'h'}, {[]string{"gave", "up"}, 'h'}, {[]string{"surrendered"}, 'h'},
	{[]string{"turned", "over"}, 'h'}, {[]string{"relinquished"}, 'h'},
	{[]string{"took", "control", "of"}, 'g'}, {[]string{"took", "control", "over"}, 'g'},
	{[]string{"regained", "control", "of"}, 'g'}, {[]string{"regained", "control", "over"}, 'g'},
	{[]string{"seized", "control", "over"}, 'g'}, {[]string{"gained", "control", "over"}, 'g'},
	{[]string{"taken", "control", "over"}, 'g'}, {[]string{"assumed", "control", "of"}, 'g'},
	{[]string{"retook", "control", "of"}, 'g'}, {[]string{"retaken", "control", "of"}, 'g'},
	{[]string{"full", "control", "of"}, 'g'}, {[]string{"retake"}, 'g'}, {[]string{"recapture"}, 'g'}, {[]string{"taken", "control", "of"}, 'g'},
	{[]string{"gained", "control", "of"}, 'g'}, {[]string{"seized", "control", "of"}, 'g'},
	{[]string{"took", "over"}, 'g'}, {[]string{"taken", "over"}, 'g'}, {[]string{"took", "back"}, 'g'},
	{[]string{"won", "back"}, 'g'}, {[]string{"moved", "into"}, 'g'}, {[]string{"took"}, 'g'}, {[]string{"taken"}, 'g'},
	{[]string{"retook"}, 'g'}, {[]string{"retaken"}, 'g'}, {[]string{"recaptured"}, 'g'}, {[]string{"captured"}, 'g'},
	{[]string{"seized"}, 'g'}, {[]string{"regained"}, 'g'}, {[]string{"reclaimed"}, 'g'}, {[]string{"reclaim"}, 'g'},
	{[]string{"entered"}, 'g'}, {[]string{"liberated"}, 'g'}, {[]string{"overran"}, 'g'}, {[]string{"occupied"}, 'g'},
	{[]string{"withdrew", "from"}, 'w'}, {[]string{"withdrawn", "from"}, 'w'}, {[]string{"pulled", "out", "of"}, 'w'},
	{[]string{"retreated", "from"}, 'w'}, {[]string{"left"}, 'w'}, {[]string{"abandoned"}, 'w'},
	{[]string{"withdrew", "its", "forces", "from"}, 'w'}, {[]string{"withdrew", "its", "troops", "from"}, 'w'},
	{[]string{"withdraw", "from"}, 'w'}, {[]string{"pull", "out", "of"}, 'w'}, {[]string{"leave"}, 'w'},
	{[]string{"vacate"}, 'w'}, {[]string{"vacated"}, 'w'},
	// who holds a place, not a change: "rebels still control Pol"
	{[]string{"controls"}, 's'}, {[]string{"control"}, 's'}, {[]string{"holds"}, 's'}, {[]string{"hold"}, 's'},
	{[]string{"in", "control", "of"}, 's'}, {[]string{"retained", "control", "of"}, 's'},
	{[]string{"retains", "control", "of"}, 's'}, {[]string{"kept", "control", "of"}, 's'},
	{[]string{"keeps", "control", "of"}, 's'}, {[]string{"remains", "in", "control", "of"}, 's'},
}

// verbIndex lists the control verbs by first word, longest first.
var verbIndex = func() map[string][]int {
	ix := map[string][]int{}
	for i, v := range controlVerbs {
		ix[v.words[0]] = append(ix[v.words[0]], i)
	}
	for _, l := range ix {
		slices.SortStableFunc(l, func(a, b int) int { return len(controlVerbs[b].words) - len(controlVerbs[a].words) })
	}
	return ix
}()

// nominals: "the takeover of X", "the handover of X", "the withdrawal from X".
var nominals = map[string]byte{"takeover": 'g', "capture": 'g', "recapture": 'g', "seizure": 'g',
	"liberation": 'g', "fall": 'g', "handover": 'h', "transfer": 'h', "return": 'h', "handing": 'h',
	"withdrawal": 'w', "pullout": 'w', "retreat": 'w'}

var stateSkip = map[string]bool{"is": true, "are": true, "was": true, "were": true, "now": true, "still": true,
	"remain": true, "remains": true, "remained": true, "firmly": true, "fully": true, "effectively": true}

var modal = map[string]bool{"will": true, "would": true, "to": true, "must": true, "should": true, "shall": true,
	"agreed": true, "expected": true, "due": true, "plans": true, "plan": true, "could": true, "may": true,
	"might": true, "can": true, "refused": true, "not": true, "never": true, "deadline": true, "if": true, "unless": true}

var beForms = map[string]bool{"was": true, "were": true, "been": true, "is": true, "are": true, "be": true, "being": true, "got": true}
var adverbs = map[string]bool{"officially": true, "formally": true, "finally": true, "also": true, "fully": true,
	"peacefully": true, "eventually": true, "then": true, "later": true, "subsequently": true, "reportedly": true, "completely": true}

// listGlue may stand between the places of a list: "the towns of A, B and C".
var listGlue = map[string]bool{",": true, "and": true, "the": true, "town": true, "towns": true, "city": true,
	"cities": true, "district": true, "districts": true, "region": true, "regions": true, "village": true,
	"villages": true, "settlement": true, "settlements": true, "of": true, "province": true, "both": true,
	"strategic": true, "key": true, "nearby": true, "neighbouring": true, "neighboring": true, "border": true,
	"northern": true, "southern": true, "eastern": true, "western": true, "central": true, "frontline": true,
	"area": true, "areas": true, "hilltop": true, "main": true, "regional": true, "capital": true}

var handWords = map[string]bool{"handed": true, "handover": true, "ceded": true, "transferred": true, "handing": true, "cede": true}

type item struct {
	m    ment
	date *dateRef
	s, e int // bytes of the claim's own span, for gapped items
}

// placeList reads places at i, each with the date that directly follows
// it ("Aghdam on Nov. 20"). It returns the items and the index after the
// last one.
func (d *doc) placeList(i, b int) ([]item, int) {
	var items []item
	end := i
	for i < b {
		if m, ok := d.mentionAt(i); ok && m.t0 == i {
			if m.place == "" {
				break
			}
			it := item{m: m}
			j := m.t1
			if j < b && !d.toks[j].cap && (placeNoun[d.toks[j].low] || areaNouns[d.toks[j].low] != "") {
				j++ // "the Pol district"
			}
			k := j
			if k < b && (d.toks[k].low == "on" || d.toks[k].low == "in") {
				k++
			}
			if r := d.dateRefAt(k); r != nil && r.t0 == k {
				it.date, j = r, r.t1
			}
			items = append(items, it)
			i, end = j, j
			continue
		}
		if listGlue[d.toks[i].low] {
			i++
			continue
		}
		break
	}
	// "entered Sarik and Pol on March 9": a date after the last place of a
	// list with no other dates is the whole list's.
	if n := len(items); n > 1 && items[n-1].date != nil {
		shared := true
		for _, it := range items[:n-1] {
			shared = shared && it.date == nil
		}
		if shared {
			for k := range items[:n-1] {
				items[k].date = items[n-1].date
			}
		}
	}
	return items, end
}

// complements reads what follows a control verb: particles, "to X", "by
// X", "from X", and a date.
type comps struct {
	to, by, from string
	date         *dateRef
	end          int
}

func (d *doc) complements(k, b int) comps {
	c := comps{end: k}
	for steps := 0; k < b && steps < 6; steps++ {
		w := d.toks[k].low
		switch w {
		case "over", "back", "officially", "formally", "peacefully":
			k++
			c.end = k
			continue
		case "to", "by", "from":
			if act, end := d.actorAfter(k+1, b); act != "" {
				switch w {
				case "to":
					c.to = act
				case "by":
					c.by = act
				default:
					c.from = act
				}
				k, c.end = end, end
				continue
			}
		case "on", "in":
			if r := d.dateRefAt(k + 1); r != nil && r.t0 == k+1 {
				c.date, k, c.end = r, r.t1, r.t1
				continue
			}
		}
		if r := d.dateRefAt(k); r != nil && r.t0 == k {
			c.date, k, c.end = r, r.t1, r.t1
			continue
		}
		break
	}
	return c
}

// gapped reads the rest of a list that shares the verb: ", B on Nov. 25
// and C on Nov. 20". Each item needs its own date: that is what the
// gapped clause says.
func (d *doc) gapped(k, b int) []item {
	var out []item
	for k < b {
		j := k
		// ", a day after the deadline, and B on ...": a short aside
		// between commas does not end the list
		if d.toks[j].low == "," {
			for e := j + 1; e < b && e <= j+8; e++ {
				if d.mentAt[e] >= 0 || d.dateAt[e] >= 0 {
					break
				}
				if d.toks[e].low == "," {
					if e+1 < b && d.toks[e+1].low == "and" {
						j = e
					}
					break
				}
			}
		}
		for j < b && (d.toks[j].low == "," || d.toks[j].low == "and" || d.toks[j].low == "while") {
			j++
		}
		if j == k {
			break
		}
		for j < b && d.mentAt[j] < 0 && listGlue[d.toks[j].low] {
			j++ // "and the town of C on ..."
		}
		m, ok := d.mentionAt(j)
		if !ok || m.t0 != j || m.place == "" {
			break
		}
		e := m.t1
		if e < b && !d.toks[e].cap && (placeNoun[d.toks[e].low] || areaNouns[d.toks[e].low] != "") {
			e++
		}
		if e < b && (d.toks[e].low == "on" || d.toks[e].low == "in") {
			e++
		}
		r := d.dateRefAt(e)
		if r == nil || r.t0 != e {
			break
		}
		out = append(out, item{m: m, date: r, s: d.toks[j].s, e: d.toks[r.t1-1].e})
		k = r.t1
	}
	return out
}

// seqAny matches the first of several word sequences at i.
func (d *doc) seqAny(i, b int, seqs [][]string) (int, bool) {
	for _, s := range seqs {
		if e, ok := d.seq(i, b, s...); ok {
			return e, true
		}
	}
	return i, false
}

// firstFreeDate is a date in the sentence that no list item took.
func (d *doc) firstFreeDate(a, b int, used []item) *dateRef {
	for i := a; i < b; i++ {
		r := d.dateRefAt(i)
		if r == nil || r.t0 != i {
			continue
		}
		taken := false
		for _, it := range used {
			if it.date == r {
				taken = true
			}
		}
		if !taken {
			return r
		}
		i = r.t1 - 1
	}
	return nil
}

func (d *doc) modalBefore(v, a int) bool {
	for j := v - 1; j >= a && j >= v-3; j-- {
		if modal[d.toks[j].low] {
			return true
		}
	}
	return false
}

// control finds control changes in tokens [a,b).
func (d *doc) control(a, b int) {
	t := d.toks
	handSentence := false
	for i := a; i < b; i++ {
		if handWords[t[i].low] {
			handSentence = true
		}
	}
	for v := a; v < b; v++ {
		if !t[v].is(lxControl|lxNominal) || d.mentAt[v] >= 0 {
			continue
		}
		if cls, ok := nominals[t[v].low]; ok {
			d.nominal(v, a, b, cls, handSentence)
			continue
		}
		var vb *verb
		ve := v
		for _, k := range verbIndex[t[v].low] {
			if e, ok := d.seq(v, b, controlVerbs[k].words...); ok {
				vb, ve = &controlVerbs[k], e
				break
			}
		}
		if vb == nil {
			continue
		}
		if v > a && t[v-1].hyph {
			continue // "Russian-brokered", "war-torn": an adjective
		}
		if d.modalBefore(v, a) {
			if vb.class != 'g' {
				d.deadline(v, ve, a, b)
			}
			v = ve - 1
			continue
		}
		// passive: "Lachin was ceded", "the town was captured by"
		j := v - 1
		for j >= a && adverbs[t[j].low] {
			j--
		}
		var head []item
		var subj string
		subjStart := t[v].s
		passive := j >= a && beForms[t[j].low]
		if passive {
			k := j - 1
			for k >= a {
				if m, ok := d.mentionAt(k); ok {
					if m.place == "" {
						break
					}
					head = append([]item{{m: m}}, head...)
					k = m.t0 - 1
					continue
				}
				if listGlue[t[k].low] {
					k--
					continue
				}
				break
			}
			if len(head) > 0 {
				subjStart = t[head[0].m.t0].s
			}
		} else {
			var s0 int
			at := v
			if vb.class == 's' {
				// "are now in control of", "still control"
				for at > a && stateSkip[t[at-1].low] {
					at--
				}
			}
			subj, s0 = d.actorBefore(at, a)
			if vb.class == 's' && subj == "" {
				v = ve - 1
				continue
			}
			if subj != "" {
				subjStart = t[s0].s
				// "2,500 ethnic Armenians left Shusha": people, not forces
				if m, ok := d.mentionAt(s0); ok && d.people(m, a) {
					v = ve - 1
					continue
				}
			}
		}
		k := ve
		if !passive {
			var objs []item
			objs, k = d.placeList(ve, b)
			if len(objs) == 0 {
				if vb.class == 'g' && subj != "" {
					d.gainer = subj // "saw Baku reclaim swathes of territory"
				}
				v = ve - 1
				continue
			}
			head = objs
		}
		if len(head) == 0 {
			v = ve - 1
			continue
		}
		c := d.complements(k, b)
		var receiver, giver string
		switch {
		case vb.class == 'h' && passive:
			receiver, giver = c.to, c.by
		case vb.class == 'h':
			receiver, giver = c.to, subj
		case vb.class == 'g' && passive:
			receiver, giver = c.by, c.from
		case vb.class == 'g':
			receiver, giver = subj, c.from
		case vb.class == 's':
			receiver = subj
		case vb.class == 'w':
			receiver, giver = c.to, subj
			// "withdrew from A, handing the positions to the UN mission"
			for j := c.end; receiver == "" && j < b; j++ {
				if t[j].low == "to" {
					receiver, _ = d.actorAfter(j+1, b)
				}
			}
		}
		mode := map[byte]string{'h': "handover", 'g': "capture", 'w': "withdrawal", 's': ""}[vb.class]
		if vb.class == 'g' && handSentence {
			mode = "handover"
		}
		// the clause's span: from its subject to the verb's last complement
		end := t[ve-1].e
		if c.end > ve {
			end = t[c.end-1].e
		}
		if head[len(head)-1].m.t1 > ve {
			end = max(end, t[k-1].e)
		}
		gap := d.gapped(max(c.end, k), b)
		for idx := range head {
			if head[idx].date == nil {
				head[idx].date = c.date
			}
			head[idx].s, head[idx].e = subjStart, end
		}
		all := append(head, gap...)
		if c.date == nil {
			if r := d.firstFreeDate(a, b, all); r != nil {
				for idx := range head {
					if head[idx].date == nil {
						head[idx].date = r
					}
				}
			}
		}
		rule := "control/" + map[bool]string{true: "passive", false: "active"}[passive] + "-" + mode
		conf := 0.8
		if vb.class == 's' {
			rule, conf = "control/holds", 0.6
		}
		d.emitControl(all, len(head), receiver, giver, mode, rule, conf)
		v = max(v, ve-1)
		if len(gap) > 0 {
			v = gap[len(gap)-1].date.t1 - 1
		}
	}
}

// nominal handles "the Azerbaijani takeover of Lachin", "the handover of
// X to Y", "the rebel withdrawal from Z".
func (d *doc) nominal(v, a, b int, cls byte, handSentence bool) {
	t := d.toks
	prep := "of"
	if cls == 'w' {
		prep = "from"
	}
	if v+1 >= b || t[v+1].low != prep {
		return
	}
	if v > a && (t[v-1].low == "to" || d.modalBefore(v, a) && cls != 'g') {
		return // "agreed to the return of": not a change that happened
	}
	objs, k := d.placeList(v+2, b)
	if len(objs) == 0 {
		return
	}
	var owner string
	start := t[v].s
	if m, ok := d.mentionAt(v - 1); ok && m.actor != "" {
		owner, start = m.actor, t[m.t0].s
	}
	c := d.complements(k, b)
	if c.date == nil {
		c.date = d.firstFreeDate(a, b, nil)
	}
	var receiver, giver string
	mode := "capture"
	switch cls {
	case 'g':
		receiver = owner
		if receiver == "" {
			receiver = c.by
		}
		if receiver == "" {
			receiver = c.to // "the fall of X to Y"
		}
		giver = c.from
		if handSentence {
			mode = "handover"
		}
	case 'h':
		receiver, giver, mode = c.to, c.by, "handover"
		if giver == "" {
			giver = owner
		}
	case 'w':
		receiver, giver, mode = c.to, owner, "withdrawal"
	}
	end := t[k-1].e
	if c.end > k {
		end = t[c.end-1].e
	}
	for i := range objs {
		if objs[i].date == nil {
			objs[i].date = c.date
		}
		objs[i].s, objs[i].e = start, end
	}
	d.emitControl(objs, len(objs), receiver, giver, mode, "control/nominal-"+mode, 0.7)
}

// emitControl writes one control claim per place. The first n items are
// the verb's own clause; the rest were gapped.
func (d *doc) emitControl(items []item, n int, receiver, giver, mode, rule string, conf float64) {
	inferred := false
	if receiver == "" && d.gainer != "" && d.gainer != giver {
		receiver, inferred = d.gainer, true
	}
	if receiver != "" && !inferred {
		d.gainer = receiver
	}
	for i, it := range items {
		if receiver == "" || receiver == giver {
			if mode == "withdrawal" && giver != "" {
				// who holds the place after is not said: an event, not control
				c := d.newClaim(ledger.KindEvent, it.s, it.e, "event/withdrawal", 0.6)
				c.Event = &ledger.Event{Type: "Strategic developments", SubType: "Non-violent transfer of territory",
					Actors: []string{giver}, Place: it.m.place}
				d.setDate(c, it.date)
				addNote(c, "the party taking over is not named")
			}
			continue
		}
		r, cf := rule, conf
		if i >= n {
			r, cf = rule+"/gapped-list", conf-0.05
		}
		c := d.newClaim(ledger.KindControl, it.s, it.e, r, cf)
		c.Control = &ledger.Control{Place: it.m.place, Actor: receiver, Mode: mode}
		if inferred {
			c.Confidence -= 0.2
			addNote(c, "receiving party not named in the sentence; taken from the report's context")
		}
		d.setDate(c, it.date)
	}
}

// deadline handles "X is to hand over Y by 15 November", "must withdraw
// from Z by ...": a deadline for the provision that expects that control,
// or, when no agreement provision matches, the obligated party's position.
func (d *doc) deadline(v, ve, a, b int) {
	t := d.toks
	var due *dateRef
	for i := ve; i < b; i++ {
		if (t[i].low == "by" || t[i].low == "until" || t[i].low == "before") && d.dateRefAt(i+1) != nil {
			due = d.dateRefAt(i + 1)
			break
		}
	}
	if due == nil {
		return
	}
	objs, _ := d.placeList(ve, b)
	if len(objs) == 0 {
		// "Lachin, which is to be handed over by": the place comes before
		for j := v - 1; j >= a && j >= v-6; j-- {
			if m, ok := d.mentionAt(j); ok {
				if m.place != "" && m.actor == "" {
					objs = []item{{m: m}}
				}
				break
			}
		}
	}
	if len(objs) == 0 {
		return
	}
	subj, s0 := d.actorBefore(v, a)
	start := t[v].s
	if subj != "" {
		start = t[s0].s
	} else {
		// "Armenia agreed to", "Armenia is to": the actor opens the clause
		for j := v - 1; j >= a && j >= v-4; j-- {
			if m, ok := d.mentionAt(j); ok && m.actor != "" {
				subj, start = m.actor, t[m.t0].s
				break
			}
		}
	}
	if subj == "" {
		// the sentence's first party: "Yerevan has asked for more time to
		// leave Lachin, which is to be handed over by 1 December"
		for j := a; j < v; j++ {
			if m, ok := d.mentionAt(j); ok && m.actor != "" {
				subj = m.actor
				break
			}
		}
	}
	start = min(start, t[objs[0].m.t0].s)
	end := due.e
	for _, it := range objs {
		if d.hasDeadline(it.m.place, due) {
			continue // "to leave Lachin, which is to be handed over by": one deadline
		}
		prov := d.provisionFor(it.m.place)
		if prov != "" && !due.Date.IsZero() {
			c := d.newClaim(ledger.KindDeadline, start, end, "deadline/by-date", 0.6)
			c.Deadline = &ledger.Deadline{Provision: prov, Due: due.Date}
			d.setDate(c, nil)
			addNote(c, due.Note)
			continue
		}
		if subj == "" {
			continue
		}
		c := d.newClaim(ledger.KindStatement, start, end, "statement/deadline", 0.5)
		c.Statement = &ledger.Statement{Actor: subj, Position: "due by " + d.text[due.s:due.e] + ": " + d.text[t[v].s:end], About: it.m.place}
		if prov == "" {
			addNote(c, "no agreement provision expects control of this place")
		}
		d.setDate(c, nil)
		addNote(c, due.Note)
	}
}

func (d *doc) hasDeadline(place string, due *dateRef) bool {
	for _, c := range d.out[d.sentOut:] {
		if c.Deadline != nil && c.Deadline.Due == due.Date && d.provisionFor(place) == c.Deadline.Provision ||
			c.Statement != nil && c.Statement.About == place && strings.HasPrefix(c.Statement.Position, "due by ") {
			return true
		}
	}
	return false
}

func (d *doc) provisionFor(place string) string {
	for _, ag := range d.x.agreements {
		for _, p := range ag.Provisions {
			if p.Expected.Kind == ledger.KindControl && p.Expected.Place == place {
				return p.ID
			}
		}
	}
	return ""
}

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
	var best *dateRef
	bd := 1 << 30
	for j := a; j < b; j++ {
		r := d.dateRefAt(j)
		if r == nil || r.t0 != j || d.endDate(r, a) {
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

// nearestDate is the date in the sentence nearest token i, if any.
func (d *doc) nearestDate(a, b, i int) *dateRef {
	var best *dateRef
	bd := 1 << 30
	for j := a; j < b; j++ {
		r := d.dateRefAt(j)
		if r == nil || r.t0 != j {
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
			addNote(c, r.Note)
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
				addNote(c, due.Note)
			}
			break
		}
		return
	}
}

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
