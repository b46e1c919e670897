package readiness

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Statuses a place can have. Unknown is never a rule's to give: it is what a
// place gets when it has no evidence or no rule matches.
const (
	NotReady    = "not_ready"
	PartlyReady = "partly_ready"
	Ready       = "ready"
	Unknown     = "unknown"
)

//go:embed rules.json
var defaultRules []byte

// DefaultRules are the rules truce ships with (readiness/rules.json),
// parsed once; rules are never changed after parsing.
var DefaultRules = sync.OnceValue(func() *Rules {
	r, err := ParseRules(defaultRules, "rules.json")
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return r
})

// Rules decide a status from facts: tried in order, the first rule that
// matches sets the status, and every matching rule of that status gives a
// reason.
type Rules struct {
	Rules []Rule `json:"rules"`
}

// Rule is one written-down reason for a status.
type Rule struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	When   *Cond  `json:"when"`
	// Reason is a text with {fact.name} placeholders, filled from the facts.
	Reason string `json:"reason"`

	text []segment
}

// segment is a piece of a reason template: literal text, or a fact.
type segment struct {
	lit  string
	fact int // -1 for literal text
}

// Cond is a condition over facts: exactly one of All, Any, Not, or a
// comparison (Fact, Op, Value).
type Cond struct {
	All   []*Cond         `json:"all,omitempty"`
	Any   []*Cond         `json:"any,omitempty"`
	Not   *Cond           `json:"not,omitempty"`
	Fact  string          `json:"fact,omitempty"`
	Op    string          `json:"op,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`

	fact int
	num  float64
	strs []string
}

// Ops are the comparison operators. A comparison on a fact the claims do not
// establish is false, whatever the operator; "exists" and "missing" test that.
var Ops = []string{"=", "!=", "<", "<=", ">", ">=", "in", "not_in", "exists", "missing"}

var placeholder = regexp.MustCompile(`\{([a-z0-9_.]+)\}`)

// ParseRules reads and checks a rules file; name is used in messages.
func ParseRules(b []byte, name string) (*Rules, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Rules
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %v (want {\"rules\": [{\"id\", \"status\", \"when\", \"reason\"}, ...]})", name, jsonErr(b, err))
	}
	if len(r.Rules) == 0 {
		return nil, fmt.Errorf("%s: no rules", name)
	}
	ids := map[string]bool{}
	for i := range r.Rules {
		rl := &r.Rules[i]
		where := fmt.Sprintf("%s: rule %d", name, i+1)
		if rl.ID != "" {
			where += " (" + rl.ID + ")"
		}
		if rl.ID == "" {
			return nil, fmt.Errorf("%s: needs an id", where)
		}
		if ids[rl.ID] {
			return nil, fmt.Errorf("%s: id used twice", where)
		}
		ids[rl.ID] = true
		switch rl.Status {
		case NotReady, PartlyReady, Ready:
		default:
			return nil, fmt.Errorf("%s: status %q: want not_ready, partly_ready or ready (unknown is given only when nothing matches)", where, rl.Status)
		}
		if rl.When == nil {
			return nil, fmt.Errorf("%s: needs a \"when\" condition", where)
		}
		if err := rl.When.compile(); err != nil {
			return nil, fmt.Errorf("%s: when: %v", where, err)
		}
		if strings.TrimSpace(rl.Reason) == "" {
			return nil, fmt.Errorf("%s: needs a reason text", where)
		}
		last := 0
		for _, m := range placeholder.FindAllStringSubmatchIndex(rl.Reason, -1) {
			name := rl.Reason[m[2]:m[3]]
			fi, ok := factIndex[name]
			if !ok {
				return nil, fmt.Errorf("%s: reason names unknown fact {%s}; known facts: %s", where, name, factNames())
			}
			rl.text = append(rl.text, segment{lit: rl.Reason[last:m[0]], fact: -1}, segment{fact: fi})
			last = m[1]
		}
		rl.text = append(rl.text, segment{lit: rl.Reason[last:], fact: -1})
	}
	return &r, nil
}

func jsonErr(b []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err.Error()
	}
	line := 1 + bytes.Count(b[:min(int(off), len(b))], []byte("\n"))
	return fmt.Sprintf("line %d: %v", line, err)
}

func factNames() string {
	var n []string
	for _, d := range FactList {
		n = append(n, d.Name)
	}
	return strings.Join(n, ", ")
}

func (c *Cond) compile() error {
	n := 0
	if c.All != nil {
		n++
	}
	if c.Any != nil {
		n++
	}
	if c.Not != nil {
		n++
	}
	if c.Fact != "" || c.Op != "" {
		n++
	}
	if n != 1 {
		return fmt.Errorf("a condition is exactly one of {\"all\": [...]}, {\"any\": [...]}, {\"not\": {...}} or {\"fact\", \"op\", \"value\"}")
	}
	for _, l := range [][]*Cond{c.All, c.Any} {
		for _, s := range l {
			if s == nil {
				return fmt.Errorf("empty condition in a list")
			}
			if err := s.compile(); err != nil {
				return err
			}
		}
	}
	if c.Not != nil {
		return c.Not.compile()
	}
	if c.Fact == "" {
		return nil
	}
	i, ok := factIndex[c.Fact]
	if !ok {
		return fmt.Errorf("unknown fact %q; known facts: %s", c.Fact, factNames())
	}
	c.fact = i
	if !slices.Contains(Ops, c.Op) {
		return fmt.Errorf("fact %s: op %q: want one of %s", c.Fact, c.Op, strings.Join(Ops, " "))
	}
	typ := FactList[i].Type
	switch c.Op {
	case "exists", "missing":
		if len(c.Value) > 0 {
			return fmt.Errorf("fact %s: op %s takes no value", c.Fact, c.Op)
		}
	case "in", "not_in":
		if typ != "string" {
			return fmt.Errorf("fact %s is a number: op %s is for text facts", c.Fact, c.Op)
		}
		if err := json.Unmarshal(c.Value, &c.strs); err != nil || len(c.strs) == 0 {
			return fmt.Errorf("fact %s: op %s wants a list of texts as value", c.Fact, c.Op)
		}
	case "<", "<=", ">", ">=":
		if typ != "number" {
			return fmt.Errorf("fact %s is text: op %s is for numbers", c.Fact, c.Op)
		}
		fallthrough
	default:
		if typ == "number" {
			if err := json.Unmarshal(c.Value, &c.num); err != nil || math.IsNaN(c.num) {
				return fmt.Errorf("fact %s: value %s: want a number", c.Fact, orNone(c.Value))
			}
		} else {
			var s string
			if err := json.Unmarshal(c.Value, &s); err != nil {
				return fmt.Errorf("fact %s: value %s: want a text", c.Fact, orNone(c.Value))
			}
			c.strs = []string{s}
		}
	}
	if typ == "string" && strings.HasPrefix(c.Fact, "service.") {
		for _, s := range c.strs {
			if !slices.Contains(ServiceStatuses, s) {
				return fmt.Errorf("fact %s: value %q: want one of %s", c.Fact, s, strings.Join(ServiceStatuses, ", "))
			}
		}
	}
	return nil
}

func orNone(b json.RawMessage) string {
	if len(b) == 0 {
		return "(none)"
	}
	return string(b)
}

// eval tests the condition; used collects the facts it read.
func (c *Cond) eval(f *Facts, used *[]int) bool {
	switch {
	case c.All != nil:
		for _, s := range c.All {
			if !s.eval(f, used) {
				return false
			}
		}
		return true
	case c.Any != nil:
		ok := false
		for _, s := range c.Any {
			if s.eval(f, used) {
				ok = true // keep going: every fact that made it true is a reason
			}
		}
		return ok
	case c.Not != nil:
		return !c.Not.eval(f, used)
	}
	v := &f.vals[c.fact]
	if v.set() {
		*used = append(*used, c.fact)
	}
	switch c.Op {
	case "exists":
		return v.set()
	case "missing":
		return !v.set()
	}
	if !v.set() {
		return false
	}
	if FactList[c.fact].Type == "string" {
		in := slices.Contains(c.strs, v.str())
		if c.Op == "!=" || c.Op == "not_in" {
			return !in
		}
		return in
	}
	switch c.Op {
	case "=":
		return v.num == c.num
	case "!=":
		return v.num != c.num
	case "<":
		return v.num < c.num
	case "<=":
		return v.num <= c.num
	case ">":
		return v.num > c.num
	case ">=":
		return v.num >= c.num
	}
	return false
}

// Reason is why a place has its status: the rule, its text filled from the
// facts, the facts it read (see Facts) and the claims behind them.
type Reason struct {
	Rule   string   `json:"rule"`
	Text   string   `json:"text"`
	Claims []string `json:"claims"`

	facts []int
	of    *Facts
}

// Facts are the facts the rule read or its text names, by name.
func (r Reason) Facts() map[string]any {
	out := make(map[string]any, len(r.facts))
	for _, i := range r.facts {
		if v, _, ok := r.of.value(i); ok {
			out[FactList[i].Name] = v
		}
	}
	return out
}

// MarshalJSON writes the reason with its facts; they are made only when
// asked for, since a ledger-wide answer is mostly counted, not printed.
func (r Reason) MarshalJSON() ([]byte, error) {
	type plain Reason
	return json.Marshal(struct {
		plain
		Facts map[string]any `json:"facts"`
	}{plain(r), r.Facts()})
}

var (
	noEvidence = Reason{Rule: "no-evidence", Text: "no claim about hazards, services, displacement or casualties of this place at this date", Claims: []string{}}
	noRule     = Reason{Rule: "no-rule", Text: "the evidence matches no rule: not enough is known to say", Claims: []string{}}
)

// Decide applies the rules to a place's facts.
func (r *Rules) Decide(f *Facts) (string, []Reason) {
	if !f.vals[fEvidence].set() {
		return Unknown, []Reason{noEvidence}
	}
	status := ""
	var out []Reason
	var ubuf [16]int
	used := ubuf[:0]
	for i := range r.Rules {
		rl := &r.Rules[i]
		if status != "" && rl.Status != status {
			continue
		}
		used = used[:0]
		if !rl.When.eval(f, &used) {
			continue
		}
		status = rl.Status
		if out == nil {
			out = make([]Reason, 0, 4)
		}
		out = append(out, reason(rl, f, used))
	}
	if status == "" {
		return Unknown, []Reason{noRule}
	}
	return status, out
}

func reason(rl *Rule, f *Facts, used []int) Reason {
	rs := Reason{Rule: rl.ID, of: f}
	// Gather on the stack; keep exact-size copies.
	var fbuf [16]int
	var cbuf [64]string
	facts, claims := fbuf[:0], cbuf[:0]
	add := func(i int) {
		v := &f.vals[i]
		if !v.set() || slices.Contains(facts, i) {
			return
		}
		facts = append(facts, i)
		claims = f.appendClaims(claims, i)
	}
	for _, i := range used {
		add(i)
	}
	var b strings.Builder
	b.Grow(len(rl.Reason) + 24)
	for _, sg := range rl.text {
		if sg.fact < 0 {
			b.WriteString(sg.lit)
			continue
		}
		add(sg.fact)
		v := &f.vals[sg.fact]
		switch {
		case !v.set():
			b.WriteString("unknown")
		case FactList[sg.fact].Type == "string":
			b.WriteString(strings.ReplaceAll(v.str(), "_", " "))
		default:
			b.WriteString(num(v.num))
		}
	}
	rs.Text = b.String()
	slices.Sort(claims)
	rs.Claims = slices.Clone(slices.Compact(claims))
	if rs.Claims == nil {
		rs.Claims = []string{}
	}
	rs.facts = slices.Clone(facts)
	return rs
}
