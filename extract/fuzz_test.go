package extract

import (
	"testing"
	"unicode/utf8"

	"truce/ledger"
)

// FuzzExtract: any text, with or without a publication date, yields valid
// candidates whose quotes are their spans, and never panics.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Lachin was ceded on Tuesday, Kalbajar on Nov. 25 and Aghdam on Nov. 20.",
		"Up to 90,000 people fled Karabakh — some 60% of the population.",
		"\"Quote,\" says A of the International Crisis Group.",
		"Veltrian troops entered Sarik and Pol on March 9, Lesk said.",
		"Nov.", "31 November 2020", "tens of", "a renewable five-year mandate", "by 15 April", "’s'-", "1,2,3.4.5",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	x := testExtractor(f)
	f.Fuzz(func(t *testing.T, text string, dated bool) {
		if !utf8.ValidString(text) {
			return
		}
		var pub ledger.Date
		if dated {
			pub = ledger.MustDate("2020-12-01")
		}
		res := x.Extract(text, Options{Source: "s", Published: pub})
		for _, c := range res.Claims {
			for _, a := range c.Attributions {
				if a.Start < 0 || a.End > len(text) || a.Start > a.End || text[a.Start:a.End] != a.Quote {
					t.Fatalf("%s: bad span [%d,%d)", c.Rule, a.Start, a.End)
				}
			}
			if err := c.Validate(); err != nil {
				t.Fatalf("%s: %v", c.Rule, err)
			}
		}
		for _, m := range res.Mentions {
			if m.End > len(text) || text[m.Start:m.End] != m.Name {
				t.Fatalf("mention %+v", m)
			}
		}
	})
}
