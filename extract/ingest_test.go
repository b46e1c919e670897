package extract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"truce/internal/testledger"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// testMonitor is a real SQLite ledger holding the test gazetteer.
func testMonitor(t *testing.T) *monitor.Monitor {
	t.Helper()
	ctx := context.Background()
	m := testledger.Open(t)
	r := loadRefs(t)
	if err := m.Write(ctx, store.Batch{Places: r.Places, Actors: r.Actors, Agreements: r.Agreements}); err != nil {
		t.Fatal(err)
	}
	return m
}

func counts(t *testing.T, m *monitor.Monitor) (sources, claims, mentions int) {
	t.Helper()
	ctx := context.Background()
	ss, err := m.Store.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := m.Store.Mentions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(ss), m.Index.Len(), len(ms)
}

func TestIngestOnce(t *testing.T) {
	ctx := context.Background()
	m := testMonitor(t)
	raw := []byte(afp(t))
	rep, err := Ingest(ctx, m, raw, Meta{Name: "afp.txt", Published: ledger.MustDate("2020-12-01"), Publisher: "AFP"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Existing || len(rep.Claims) < 10 {
		t.Fatalf("first ingest: existing %v, %d claims", rep.Existing, len(rep.Claims))
	}
	src, err := m.Store.Source(ctx, rep.Source.ID)
	if err != nil {
		t.Fatal(err)
	}
	if src.TextHash != ledger.HashText(string(raw)) || src.Published.String() != "2020-12-01" || src.Publisher != "AFP" {
		t.Errorf("source %+v", src)
	}
	text, err := m.Store.Text(ctx, src.ID)
	if err != nil || text != string(raw) {
		t.Fatalf("stored text differs (%v)", err)
	}
	page, err := m.Claims(ctx, ledger.Filter{Source: src.ID, Status: ledger.Candidate}, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != len(rep.Claims) {
		t.Errorf("%d candidates stored, %d extracted", page.Total, len(rep.Claims))
	}
	for _, c := range page.Claims {
		a := c.Attributions[0]
		if text[a.Start:a.End] != a.Quote || c.Rule == "" || c.ID == "" {
			t.Errorf("stored claim %s: span, rule or id missing", c.ID)
		}
	}
	s1, c1, _ := counts(t, m)

	// the same text again: nothing new
	rep2, err := Ingest(ctx, m, raw, Meta{Name: "again.txt", Published: ledger.MustDate("2020-12-01")})
	if err != nil {
		t.Fatal(err)
	}
	if !rep2.Existing || rep2.Source.ID != rep.Source.ID || len(rep2.Claims) != 0 {
		t.Errorf("second ingest: existing %v id %s claims %d", rep2.Existing, rep2.Source.ID, len(rep2.Claims))
	}
	s2, c2, _ := counts(t, m)
	if s1 != s2 || c1 != c2 {
		t.Errorf("second ingest wrote: sources %d->%d, claims %d->%d", s1, s2, c1, c2)
	}
}

func TestIngestMentionsAndHTML(t *testing.T) {
	ctx := context.Background()
	m := testMonitor(t)
	raw, err := os.ReadFile("testdata/veltria-handover.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Ingest(ctx, m, raw, Meta{Name: "veltria-handover.txt", Published: ledger.MustDate("2023-03-14")}); err != nil {
		t.Fatal(err)
	}
	ms, err := m.Store.Mentions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, mn := range ms {
		found = found || mn.Name == "Ostrovets" && mn.Kind == "place"
	}
	if !found {
		t.Errorf("mentions %v: want the unknown village Ostrovets", ms)
	}
	// HTML: the page's published time dates the report
	raw, err = os.ReadFile("testdata/marevo-offensive.html")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Ingest(ctx, m, raw, Meta{Name: "marevo-offensive.html"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Source.Published.String() != "2023-05-04" || rep.Source.Publisher != "Example Wire" || rep.Source.URL == "" {
		t.Errorf("source from page: %+v", rep.Source)
	}
	text, _ := m.Store.Text(ctx, rep.Source.ID)
	if strings.Contains(text, "<") || strings.Contains(text, "window.tracker") {
		t.Errorf("stored HTML, not article text")
	}
}

func TestIngestBadInput(t *testing.T) {
	ctx := context.Background()
	m := testMonitor(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	{
		// 50 MB of plausible text, written at run time
		f, err := os.Create(big)
		if err != nil {
			t.Fatal(err)
		}
		line := []byte("Veltrian troops entered Sarik on March 9 and more than 3,000 people fled Dolna.\n")
		for n := 0; n < 50<<20; n += len(line) {
			f.Write(line)
		}
		f.Close()
	}
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"empty.txt", nil, "empty"},
		{"blank.txt", []byte(" \n\n\t \n"), "empty"},
		{"empty.html", []byte("<html><body><nav>Menu</nav><script>x()</script></body></html>"), "empty"},
		{"image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary data (NUL byte at line 3, byte 8)"},
		{"latin1.txt", []byte("Veltrian troops\nentered Sarık caf\xe9 on Monday."), "invalid UTF-8 at line 2, byte 34"},
		{"controls.txt", bytes.Repeat([]byte("\x01\x02ab"), 100), "binary data"},
		{"utf16.txt", []byte("\xff\xfeL\x00a\x00"), "UTF-16 text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Ingest(ctx, m, tc.raw, Meta{Name: tc.name})
			if err == nil || !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), tc.want) || !store.IsInvalid(err) {
				t.Fatalf("error %v, want an invalid-input error naming %s and %q", err, tc.name, tc.want)
			}
		})
	}
	t.Run("50MB", func(t *testing.T) {
		f, err := os.Open(big)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, err = ReadAll(big, f)
		if err == nil || !strings.Contains(err.Error(), "at most 8 MB") || !store.IsInvalid(err) {
			t.Fatalf("ReadAll: %v, want the size limit", err)
		}
		raw, _ := os.ReadFile(big)
		if _, err := Ingest(ctx, m, raw, Meta{Name: big}); err == nil || !strings.Contains(err.Error(), "at most 8 MB") {
			t.Fatalf("Ingest: %v, want the size limit", err)
		}
	})
	if s, c, mn := counts(t, m); s != 0 || c != 0 || mn != 0 {
		t.Errorf("bad input wrote %d sources, %d claims, %d mentions", s, c, mn)
	}
}

// A claim naming a place the ledger does not hold is refused by the store
// and nothing of the report is written.
func TestIngestAllOrNothing(t *testing.T) {
	ctx := context.Background()
	m := testMonitor(t)
	x := New(m.Gazetteer(), m.Places(), m.Actors(), m.Agreements())
	res := x.Extract("Veltrian troops entered Sarik on 9 March 2023.", Options{Source: "src-x"})
	if len(res.Claims) != 1 {
		t.Fatalf("%d claims", len(res.Claims))
	}
	res.Claims[0].Control.Place = "atlantis"
	err := m.Write(ctx, store.Batch{Sources: []store.SourceText{{Source: ledger.Source{ID: "src-x", Kind: "news"}, Text: "Veltrian troops entered Sarik on 9 March 2023."}}, Claims: res.Claims})
	if err == nil {
		t.Fatal("unknown place accepted")
	}
	if s, c, _ := counts(t, m); s != 0 || c != 0 {
		t.Errorf("refused batch half-written: %d sources, %d claims", s, c)
	}
}
