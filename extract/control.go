package extract

import (
	"slices"
	"strings"

	"truce/ledger"
)

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
		if t[i].is(lxHand) {
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
			addNote(c, due.note(d.text))
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
		addNote(c, due.note(d.text))
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
