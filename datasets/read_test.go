package datasets_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"truce/internal/testledger"

	"truce/datasets"
	"truce/internal/shared"
	"truce/ledger"
	"truce/store"
)

// caseFS is the shipped case as a writable in-memory copy, for breaking.
func caseFS(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	names, err := filepath.Glob("karabakh-2020/*.*json")
	if err != nil || len(names) < 5 {
		t.Fatalf("case files: %v %v", names, err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		fsys[n] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// Bad input names file, line and what was expected.
func TestReadRefusesBadInput(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 []string
	}{
		{"unknown place", "claims.json", `"control": {"place": "aghdam-district", "actor": "azerbaijan", "mode": "handover"}`,
			`"control": {"place": "agdam", "actor": "azerbaijan", "mode": "handover"}`,
			[]string{"karabakh-2020/claims.json:", "kb20-aghdam-handed-over", `place "agdam" is not in places.json`}},
		{"bad date", "claims.json", `"valid": {"from": "2020-11-20"}`, `"valid": {"from": "20-11-2020"}`,
			[]string{"karabakh-2020/claims.json:", "YYYY"}},
		{"misspelt field", "claims.json", `"credibility": 2}`, `"credibilty": 2}`,
			[]string{"karabakh-2020/claims.json:", `unknown field "credibilty"`}},
		{"syntax", "actors.json", `"label": "Turkey",`, `"label": "Turkey"`,
			[]string{"karabakh-2020/actors.json:", "invalid character"}},
		{"wrong type", "agreement.json", `"term_years": 5`, `"term_years": "five"`,
			[]string{"karabakh-2020/agreement.json:", "term_years"}},
		{"unknown source", "claims.json", `"source": "karabakh-2020-s4"`, `"source": "karabakh-2020-s9"`,
			[]string{"karabakh-2020/claims.json:", "kb20-deadline-kalbajar-extended", `source "karabakh-2020-s9" is not in sources.json`}},
		{"unknown provision", "claims.json", `"provision": "karabakh-2020/6a", "due": "2020-11-25"`, `"provision": "karabakh-2020/6", "due": "2020-11-25"`,
			[]string{"karabakh-2020/claims.json:", `provision "karabakh-2020/6" is not in agreement.json`}},
		{"no grade", "sources.json", `"reliability": "B"`, `"reliability": ""`,
			[]string{"karabakh-2020/sources.json:", "reliability", "A-F"}},
		{"unknown parent", "places.json", `{"id": "qubadli-district"`, `{"id": "gubadly-district"`,
			[]string{"karabakh-2020/places.json:", `parent "qubadli-district" is not a place`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := caseFS(t)
			f := fsys["karabakh-2020/"+tt.file]
			s := string(f.Data)
			if strings.Count(s, tt.old) < 1 {
				t.Fatalf("%s does not contain %q", tt.file, tt.old)
			}
			f.Data = []byte(strings.Replace(s, tt.old, tt.new, 1))
			_, err := datasets.Read(fsys, "karabakh-2020")
			if err == nil {
				t.Fatal("broken case read without error")
			}
			if !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// The line an error names is the line of the offending claim.
func TestReadNamesTheLine(t *testing.T) {
	fsys := caseFS(t)
	f := fsys["karabakh-2020/claims.json"]
	lines := strings.Split(string(f.Data), "\n")
	target := -1
	for i, l := range lines {
		if strings.Contains(l, `"id": "kb20-shusha-taken"`) {
			target = i
		}
	}
	if target < 0 {
		t.Fatal("kb20-shusha-taken not found")
	}
	lines[target+1] = strings.Replace(lines[target+1], `"place": "shusha"`, `"place": "shushi"`, 1)
	f.Data = []byte(strings.Join(lines, "\n"))
	_, err := datasets.Read(fsys, "karabakh-2020")
	want := "karabakh-2020/claims.json:" + strconv.Itoa(target+1) + ": claim kb20-shusha-taken"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want it to start with %q", err, want)
	}
}

// The wire report S2 is not shipped, but the dataset's spans point into
// it: once its text is ingested, every span lies inside it and covers the
// fact the claim records. This reads the report from ../shared at run time.
func TestSpansIntoTheWireReport(t *testing.T) {
	text, err := os.ReadFile(shared.Path(t, "reports", "afp-karabakh-after-lachin.txt"))
	if err != nil {
		shared.Require(t, "the AFP report in ../shared/reports")
	}
	b, err := datasets.Read(os.DirFS("."), "karabakh-2020")
	if err != nil {
		t.Fatal(err)
	}
	// A word or figure each claim's S2 spans must contain.
	mention := map[string]string{
		"kb20-aghdam-handed-over": "Aghdam on Nov. 20", "kb20-kalbajar-handed-over": "Kalbajar on Nov. 25",
		"kb20-lachin-handed-over": "Lachin", "kb20-returned-by-december": "26,000", "kb20-fled-during-fighting": "90,000",
		"kb20-fled-share": "60%", "kb20-peacekeepers-deployed": "2,000", "kb20-baku-demine-first": "landmines",
		"kb20-french-senate-resolution": "Senate", "kb20-baku-wants-turkey-in-mediation": "Turkey",
		"kb20-icg-ambiguity": "ambiguous", "kb20-fuzuli-district-held-before-war": "1990s",
		"kb20-nk-held-by-de-facto-authorities": "1990s", "kb20-qubadli-district-retaken": "four other districts",
	}
	s2 := "karabakh-2020-s2"
	var copies []*ledger.Claim
	n := 0
	for _, c := range b.Claims {
		var spans []string
		for _, a := range c.Attributions {
			if a.Source != s2 {
				continue
			}
			if a.Start >= a.End || a.End > len(text) {
				t.Errorf("claim %s: span [%d,%d) outside the %d-byte report", c.ID, a.Start, a.End, len(text))
				continue
			}
			spans = append(spans, string(text[a.Start:a.End]))
		}
		if len(spans) == 0 {
			continue
		}
		n++
		if w, ok := mention[c.ID]; ok && !strings.Contains(strings.Join(spans, " "), w) {
			t.Errorf("claim %s: its spans do not mention %q", c.ID, w)
		}
		// The same claim against the text as an ingest would store it.
		cp := *c
		cp.ID += "-ingested"
		cp.Attributions = nil
		for _, a := range c.Attributions {
			if a.Source == s2 {
				a.Source = "afp-ingested"
				a.Quote = string(text[a.Start:a.End])
				cp.Attributions = append(cp.Attributions, a)
			}
		}
		copies = append(copies, &cp)
	}
	if n < 20 {
		t.Errorf("only %d claims cite S2 with a span", n)
	}
	for id := range mention {
		found := false
		for _, c := range b.Claims {
			found = found || c.ID == id
		}
		if !found {
			t.Errorf("claim %s is not in the case", id)
		}
	}
	// The store checks spans and quotes when the source has its text.
	m := open(t)
	src := store.SourceText{Source: ledger.Source{ID: "afp-ingested", Kind: "news", Title: "AFP report", Reliability: "B"}, Text: string(text)}
	if err := m.Write(context.Background(), store.Batch{Sources: []store.SourceText{src}, Claims: copies}); err != nil {
		t.Fatalf("S2 claims with the report's text: %v", err)
	}
}

// A store that refuses the batch leaves the ledger empty: the case is
// written in one all-or-nothing write.
func TestLoadIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	m := testledger.Open(t)
	b, err := datasets.Read(os.DirFS("."), "karabakh-2020")
	if err != nil {
		t.Fatal(err)
	}
	bad := *b.Claims[len(b.Claims)-1]
	bad.ID = "extra"
	bad.Statement = &ledger.Statement{Actor: "nobody", Position: "x"}
	b.Claims = append(b.Claims, &bad)
	if err := m.Write(ctx, b); err == nil || !store.IsInvalid(err) {
		t.Fatalf("batch with an unknown actor: %v, want refused", err)
	}
	if n := m.Index.Len(); n != 0 || len(m.Places()) != 0 {
		t.Fatalf("after a refused load: %d claims and %d places, want none", n, len(m.Places()))
	}
}
