package extract

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tok is one token of the text with its byte span. Words and numbers keep
// a lower-case form for the lexicons; punctuation is one rune.
type tok struct {
	s, e  int
	low   string
	kind  byte // 'w' word, 'n' number, 'p' punctuation
	cap   bool // starts with an upper-case letter
	hyph  bool // joined to the next token by a hyphen ("five-year", "Nagorno-Karabakh")
	nl    int  // newlines between the previous token and this one
	num   float64
	isNum bool // a number that parsed (digits with thousands separators)
	lex   uint32
}

// tokenize splits text into tokens. It never allocates for ASCII words
// that are already lower case.
func tokenize(text string) []tok {
	toks := make([]tok, 0, len(text)/5+1)
	nl := 0
	i := 0
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				nl++
				i++
				continue
			case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
				i++
				continue
			case c >= '0' && c <= '9':
				j := i
				for j < len(text) {
					d := text[j]
					if d >= '0' && d <= '9' {
						j++
						continue
					}
					// a thousands separator or decimal point inside a number
					if (d == ',' || d == '.') && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9' && j > i {
						j++
						continue
					}
					break
				}
				t := tok{s: i, kind: 'n', nl: nl}
				digits := text[i:j]
				// suffixes: 25th, 1990s
				k := j
				for k < len(text) && isASCIILetter(text[k]) {
					k++
				}
				t.e = k
				t.low = strings.ToLower(text[i:k])
				if k == j {
					if v, ok := parseNumber(digits); ok {
						t.num, t.isNum = v, true
					}
				} else if suf := t.low[j-i:]; suf == "st" || suf == "nd" || suf == "rd" || suf == "th" {
					if v, ok := parseNumber(digits); ok {
						t.num, t.isNum = v, true
						t.kind = 'o' // ordinal
					}
				}
				if k+1 < len(text) && text[k] == '-' && isWordStart(text[k+1:]) {
					t.hyph = true // "18-month", "5-km"
					k++
				}
				toks = append(toks, t)
				nl = 0
				i = k
				continue
			case isASCIILetter(c):
				j := i + 1
				ascii := true
				for j < len(text) {
					d := text[j]
					if d < utf8.RuneSelf {
						if isASCIILetter(d) || d >= '0' && d <= '9' {
							j++
							continue
						}
						break
					}
					r, n := utf8.DecodeRuneInString(text[j:])
					if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !unicode.IsDigit(r) {
						break
					}
					ascii = false
					j += n
				}
				toks = appendWord(toks, text, i, j, ascii, nl)
				nl = 0
				i = j
				i = afterWord(&toks[len(toks)-1], text, i)
				continue
			}
			toks = append(toks, tok{s: i, e: i + 1, low: text[i : i+1], kind: 'p', nl: nl})
			nl = 0
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsSpace(r):
			if r == '\u2028' || r == '\u2029' {
				nl++
			}
			i += n
			continue
		case unicode.IsLetter(r):
			j := i + n
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r2) && !unicode.Is(unicode.Mn, r2) && !unicode.IsDigit(r2) {
					break
				}
				j += n2
			}
			toks = appendWord(toks, text, i, j, false, nl)
			nl = 0
			i = afterWord(&toks[len(toks)-1], text, j)
			continue
		}
		toks = append(toks, tok{s: i, e: i + n, low: text[i : i+n], kind: 'p', nl: nl})
		nl = 0
		i += n
	}
	return toks
}

func appendWord(toks []tok, text string, i, j int, ascii bool, nl int) []tok {
	w := text[i:j]
	t := tok{s: i, e: j, kind: 'w', nl: nl}
	if ascii {
		t.cap = w[0] >= 'A' && w[0] <= 'Z'
		t.low = asciiLower(w)
	} else {
		r, _ := utf8.DecodeRuneInString(w)
		t.cap = unicode.IsUpper(r)
		t.low = strings.ToLower(w)
	}
	return append(toks, t)
}

// afterWord skips a possessive "'s" and notes a hyphen joining the next word.
func afterWord(t *tok, text string, i int) int {
	if i < len(text) {
		switch {
		case text[i] == '-' && i+1 < len(text) && isWordStart(text[i+1:]):
			t.hyph = true
			return i + 1
		case strings.HasPrefix(text[i:], "\u2010") || strings.HasPrefix(text[i:], "\u2011"):
			// Unicode hyphen and non-breaking hyphen, as HTML pages write them
			if n := len("\u2010"); i+n < len(text) && isWordStart(text[i+n:]) {
				t.hyph = true
				return i + n
			}
		case text[i] == '\'' || strings.HasPrefix(text[i:], "’"):
			n := 1
			if text[i] != '\'' {
				n = len("’")
			}
			if i+n < len(text) && (text[i+n] == 's' || text[i+n] == 'S') && (i+n+1 == len(text) || !isASCIILetter(text[i+n+1])) {
				return i + n + 1
			}
		}
	}
	return i
}

func isWordStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func asciiLower(w string) string {
	for i := 0; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}

func parseNumber(s string) (float64, bool) {
	// "90,000" and "1,960" use commas for thousands; "1.5" a decimal point.
	// "1.234.567" (European) is read as thousands too.
	if strings.Count(s, ".") > 1 {
		s = strings.ReplaceAll(s, ".", "")
	}
	s = strings.ReplaceAll(s, ",", "")
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// abbreviations end in a period that does not end a sentence.
var abbrev = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "gen": true, "lt": true, "col": true,
	"maj": true, "capt": true, "sgt": true, "gov": true, "sen": true, "rep": true, "no": true,
	"vs": true, "etc": true, "inc": true, "co": true, "corp": true, "approx": true, "est": true,
}

// maxSentence bounds a sentence, in tokens; wire sentences run to about 60.
const maxSentence = 256

// sentences splits tokens into sentences: at ". ! ?" before a capital, a
// quote or a line break (not after an abbreviation or an initial), and at
// blank lines. A single newline is a wrapped line, not a boundary.
func sentences(toks []tok) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(toks); i++ {
		// A run of text without sentence ends (a table, a list of numbers)
		// is cut into pieces: the rules look within a sentence, so this
		// keeps extraction linear in the length of any input.
		if i-start >= maxSentence || i > start && toks[i].nl >= 2 {
			out = append(out, [2]int{start, i})
			start = i
		}
		t := toks[i]
		if t.kind != 'p' || (t.low != "." && t.low != "!" && t.low != "?") {
			continue
		}
		j := i + 1
		for j < len(toks) && toks[j].kind == 'p' && toks[j].nl == 0 && isCloser(toks[j].low) {
			j++
		}
		if j < len(toks) {
			n := toks[j]
			if n.nl == 0 && !(n.cap || n.kind == 'p' && isOpener(n.low) || n.kind == 'n') {
				continue
			}
			if t.low == "." && i > 0 && toks[i-1].kind == 'w' && toks[i-1].e == t.s {
				p := toks[i-1].low
				if abbrev[p] || len(p) == 1 {
					// "Nov. 25" and "U.S." do not end a sentence; "Nov.\n\n" does.
					if n.nl < 2 {
						continue
					}
				}
			}
		}
		out = append(out, [2]int{start, j})
		start = j
		i = j - 1
	}
	if start < len(toks) {
		out = append(out, [2]int{start, len(toks)})
	}
	return out
}

func isCloser(s string) bool {
	return s == "\"" || s == "”" || s == "’" || s == "'" || s == ")" || s == "»"
}

func isOpener(s string) bool {
	return s == "\"" || s == "“" || s == "‘" || s == "'" || s == "(" || s == "«"
}
