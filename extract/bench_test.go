package extract

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"truce/ledger"
)

// corpus builds about size bytes of reports at run time by varying our
// own test reports: places, numbers and weekdays rotate, so that no two
// reports are the same text.
func corpus(tb testing.TB, size int) []string {
	tb.Helper()
	var base []string
	for _, f := range []string{"veltria-handover.txt", "marevo-offensive.html", "karabakh-variants.txt"} {
		raw, err := os.ReadFile("testdata/" + f)
		if err != nil {
			tb.Fatal(err)
		}
		text, _, err := Text(f, raw)
		if err != nil {
			tb.Fatal(err)
		}
		base = append(base, text)
	}
	places := []string{"Dolna", "Sarik", "Pol", "Kravets", "Tarnak", "Marevo"}
	days := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	var out []string
	n := 0
	for i := 0; n < size; i++ {
		r := strings.NewReplacer(
			"Dolna", places[i%len(places)], "Sarik", places[(i+1)%len(places)], "Pol", places[(i+2)%len(places)],
			"Monday", days[i%7], "Tuesday", days[(i+3)%7],
			"14,500", fmt.Sprintf("%d,%03d", 10+i%90, i%1000), "3,200", fmt.Sprintf("%d,%03d", 1+i%9, (i*7)%1000),
			"850", fmt.Sprint(100+i%900))
		t := r.Replace(base[i%len(base)])
		out = append(out, t)
		n += len(t)
	}
	return out
}

func benchCorpus(b *testing.B, fn func(string)) {
	docs := corpus(b, 8<<20)
	total := 0
	for _, d := range docs {
		total += len(d)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for _, d := range docs {
			fn(d)
		}
	}
}

// BenchmarkExtract is the extraction throughput on one core (go test
// -bench Extract -cpu 1). Target: at least 5 MB/s.
func BenchmarkExtract(b *testing.B) {
	x := testExtractor(b)
	pub := ledger.MustDate("2023-03-14")
	claims := 0
	benchCorpus(b, func(d string) { claims += len(x.Extract(d, Options{Source: "s", Published: pub}).Claims) })
	if claims == 0 {
		b.Fatal("no claims")
	}
}

// BenchmarkBaselineTokenize is the floor under extraction: splitting the
// same corpus into tokens and sentences only.
func BenchmarkBaselineTokenize(b *testing.B) {
	benchCorpus(b, func(d string) { sentences(tokenize(d)) })
}

// BenchmarkBaselineFields is the cheapest possible pass: strings.Fields.
func BenchmarkBaselineFields(b *testing.B) {
	benchCorpus(b, func(d string) { _ = strings.Fields(d) })
}

// One large report in one call: bounded time and memory, no crash.
func TestLargeInputBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	docs := corpus(t, MaxBytes-64<<10)
	text := strings.Join(docs, "\n\n")
	if len(text) > MaxBytes {
		text = text[:MaxBytes]
	}
	res := testExtractor(t).Extract(text, Options{Source: "s", Published: ledger.MustDate("2023-03-14")})
	if len(res.Claims) < len(docs) {
		t.Errorf("%d claims from %d reports", len(res.Claims), len(docs))
	}
	for _, c := range res.Claims {
		a := c.Attributions[0]
		if a.End > len(text) || text[a.Start:a.End] != a.Quote {
			t.Fatalf("%s: span outside the text or not its quote", c.Rule)
		}
	}
	// no sentence ends at all: still linear
	flat := strings.Repeat("some 12 Veltrian soldiers killed near Dolna by 15 April and ", (4<<20)/60)
	start := time.Now()
	res = testExtractor(t).Extract(flat, Options{Source: "s", Published: ledger.MustDate("2023-03-14")})
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("4 MB without sentence ends took %v", el)
	}
	if len(res.Claims) == 0 {
		t.Error("no claims from the flat text")
	}
}
