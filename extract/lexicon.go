package extract

// Each word token gets, once, the set of word lists it belongs to, so that
// the rules test a bit instead of looking the word up in every list: one
// map lookup per token instead of a dozen keeps extraction fast.
const (
	lxSpeech uint32 = 1 << iota
	lxPosition
	lxControl // first word of a control verb
	lxNominal
	lxAgreement
	lxArea
	lxGeneric
	lxNumWord // "two", "thousands", "a" (a dozen)
	lxDate    // a word that may start a date expression
	lxResolution
	lxSignal // words rules look for directly: mandate, deadline, according, signed...
	lxViolence
	lxHand // words that make a sentence about a handover
)

var lexicon = func() map[string]uint32 {
	lx := map[string]uint32{}
	add := func(bit uint32, words ...string) {
		for _, w := range words {
			lx[w] |= bit
		}
	}
	for w := range speechVerbs {
		add(lxSpeech, w)
	}
	for w := range positionVerbs {
		add(lxPosition, w)
	}
	for _, v := range controlVerbs {
		add(lxControl, v.words[0])
	}
	for w := range nominals {
		add(lxNominal, w)
	}
	for w := range agreementNouns {
		add(lxAgreement, w)
	}
	for w := range areaNouns {
		add(lxArea, w)
	}
	for w := range genericDefacto {
		add(lxGeneric, w)
	}
	for w := range wordNums {
		add(lxNumWord, w)
	}
	for w := range vague {
		add(lxNumWord, w)
	}
	add(lxNumWord, "a", "tens")
	for w := range months {
		add(lxDate, w)
	}
	for w := range weekdays {
		add(lxDate, w)
	}
	add(lxDate, "yesterday", "today", "tonight", "last", "this", "next", "earlier", "later")
	add(lxResolution, "passed", "adopted", "approved")
	for w := range violenceVerbs {
		add(lxViolence, w)
	}
	add(lxViolence, "clashes", "fighting")
	for w := range handWords {
		add(lxHand, w)
	}
	add(lxSignal, "mandate", "deadline", "according", "signed", "sealed", "concluded", "reached", "struck", "brokered", "agreed")
	return lx
}()

// classify sets each word token's lexicon bits.
func classify(toks []tok) {
	for i := range toks {
		if toks[i].kind == 'w' {
			toks[i].lex = lexicon[toks[i].low]
		}
	}
}

func (t *tok) is(bit uint32) bool { return t.lex&bit != 0 }
