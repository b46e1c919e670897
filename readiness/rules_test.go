package readiness

import (
	"strings"
	"testing"
)

func TestFactTable(t *testing.T) {
	if len(FactList) != nFacts {
		t.Fatalf("%d facts documented, %d defined", len(FactList), nFacts)
	}
	DefaultRules() // panics if the embedded file is bad
}

func TestParseRulesRefusesBadRules(t *testing.T) {
	for _, tc := range []struct{ rules, want string }{
		{`{"rules": [`, "unexpected EOF"},
		{"{\n\"rules\": [}", "line 2"},
		{`{"rules": []}`, "no rules"},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"fact": "hazard.remaining_m2", "op": "=", "value": 0}, "reason": "x"}], "extra": 1}`, `unknown field "extra"`},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"fact": "hazards", "op": "=", "value": 0}, "reason": "x"}]}`, `rule 1 (a): when: unknown fact "hazards"; known facts: evidence, hazard.areas`},
		{`{"rules": [{"id": "a", "status": "unknown", "when": {"fact": "hazard.areas", "op": "exists"}, "reason": "x"}]}`, `status "unknown": want not_ready, partly_ready or ready`},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"fact": "hazard.areas", "op": "~", "value": 1}, "reason": "x"}]}`, `op "~"`},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"fact": "hazard.areas", "op": ">", "value": "many"}, "reason": "x"}]}`, `value "many": want a number`},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"fact": "service.water", "op": ">", "value": 1}, "reason": "x"}]}`, `is text: op > is for numbers`},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"fact": "service.water", "op": "=", "value": "wet"}, "reason": "x"}]}`, `value "wet": want one of destroyed`},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"fact": "service.water", "op": "exists"}, "reason": "{water}"}]}`, `unknown fact {water}`},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"all": [], "fact": "hazard.areas", "op": "exists"}, "reason": "x"}]}`, `exactly one of`},
		{`{"rules": [{"id": "a", "status": "ready", "when": {"fact": "hazard.areas", "op": "exists"}, "reason": "x"},
		             {"id": "a", "status": "ready", "when": {"fact": "hazard.areas", "op": "exists"}, "reason": "x"}]}`, `rule 2 (a): id used twice`},
	} {
		_, err := ParseRules([]byte(tc.rules), "my.json")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "my.json") {
			t.Errorf("%s\n got %v\nwant %q", tc.rules, err, tc.want)
		}
	}
}

// A place whose rules match nothing is unknown; a comparison on a missing
// fact is false, and "missing" tests for it.
func TestDecide(t *testing.T) {
	rules, err := ParseRules([]byte(`{"rules": [
		{"id": "no-survey", "status": "not_ready", "when": {"fact": "hazard.areas", "op": "missing"}, "reason": "no survey; water {service.water}"},
		{"id": "water", "status": "ready", "when": {"fact": "service.water", "op": "!=", "value": "destroyed"}, "reason": "water {service.water}"}]}`), "t")
	if err != nil {
		t.Fatal(err)
	}
	tab := newStrtab()
	f := derive("p", nil, tab, nil, 0)
	if st, rs := rules.Decide(f); st != Unknown || rs[0].Rule != "no-evidence" {
		t.Errorf("no evidence: %s %v", st, rs)
	}
	es := []entry{{id: tab.in("c1"), num: -1, kind: eService, key: tab.in("water"), word: tab.in("under_repair"), to: 1 << 30}}
	f = derive("p", es, tab, nil, 10)
	st, rs := rules.Decide(f)
	if st != NotReady || len(rs) != 1 || rs[0].Text != "no survey; water under repair" || rs[0].Claims[0] != "c1" {
		t.Errorf("got %s %+v", st, rs)
	}
}
