package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
	"truce/internal/testledger"

	"truce/internal/shared"
	"truce/ledger"
	"truce/store"
	"truce/web"
)

// TestIngestAndReview posts the real wire report, finds the Lachin handover
// among the candidates with its resolved date and exact quote, accepts a
// candidate and sees the review queue shrink.
func TestIngestAndReview(t *testing.T) {
	report, err := os.ReadFile(shared.Path(t, "reports", "afp-karabakh-after-lachin.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m := testledger.Karabakh(t)
	for tok, role := range map[string]string{"a": "analyst", "e": "editor"} {
		m.Store.PutToken(ctx, store.Token{Hash: web.HashToken(tok), Name: role, Role: role, CreatedAt: time.Now()})
	}
	srv := httptest.NewServer(web.New(m, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	do := func(method, path, tok string, body any) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = strings.NewReader(string(b))
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	req := web.IngestRequest{Text: string(report), Published: "2020-12-01", Publisher: "AFP"}
	if code, _ := do("POST", "/api/v1/ingest", "", req); code != 401 {
		t.Fatalf("ingest without a token: %d", code)
	}
	code, out := do("POST", "/api/v1/ingest", "a", req)
	if code != 201 {
		t.Fatalf("ingest: %d %v", code, out)
	}
	var lachin map[string]any
	for _, c := range out["candidates"].([]any) {
		c := c.(map[string]any)
		if ctl, ok := c["control"].(map[string]any); ok && strings.HasPrefix(ctl["place"].(string), "lachin") {
			lachin = c
		}
	}
	if lachin == nil {
		t.Fatalf("no Lachin handover among %d candidates", len(out["candidates"].([]any)))
	}
	if from := lachin["valid"].(map[string]any)["from"]; from != "2020-12-01" {
		t.Errorf("Lachin handover dated %v, want 2020-12-01 (Tuesday)", from)
	}
	att := lachin["attributions"].([]any)[0].(map[string]any)
	start, end := int(att["start"].(float64)), int(att["end"].(float64))
	if !strings.Contains(string(report[start:end]), "Lachin") {
		t.Errorf("span %d-%d quotes %q", start, end, report[start:end])
	}
	// The same report again stores nothing new.
	if code, again := do("POST", "/api/v1/ingest", "a", req); code != 200 || again["existing"] != true || again["source"] != out["source"] {
		t.Errorf("second ingest: %d %v", code, again["existing"])
	}
	_, queue := do("GET", "/api/v1/review?source="+out["source"].(string), "", nil)
	before := int(queue["total"].(float64))
	if before == 0 {
		t.Fatal("empty review queue")
	}
	id := lachin["id"].(string)
	if code, _ := do("POST", "/api/v1/claims/"+id+"/review", "e", map[string]string{"decision": "accept"}); code != 200 {
		t.Fatalf("accept: %d", code)
	}
	_, queue = do("GET", "/api/v1/review?source="+out["source"].(string), "", nil)
	if got := int(queue["total"].(float64)); got != before-1 {
		t.Errorf("queue after accepting: %d, want %d", got, before-1)
	}
	if got := m.Index.StatusAt(id, time.Time{}); got != ledger.Accepted {
		t.Errorf("accepted claim has status %s", got)
	}
}
