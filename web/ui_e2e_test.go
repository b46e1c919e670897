package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"truce/internal/testledger"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"truce/internal/shared"
	"truce/monitor"
	"truce/store"
	"truce/web"
)

// uiServer is a real server over a real SQLite ledger loaded with the
// Karabakh fixture, with an editor token "tok-editor".
func uiServer(t *testing.T, load func(*testing.T, *monitor.Monitor)) (*httptest.Server, *monitor.Monitor) {
	t.Helper()
	ctx := context.Background()
	m := testledger.Open(t)
	load(t, m)
	if err := m.Store.PutToken(ctx, store.Token{Hash: web.HashToken("tok-editor"), Name: "ed", Role: "editor", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(m, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv, m
}

// browser starts headless Chromium; tests skip without it (fail under CI).
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := os.Getenv("TRUCE_CHROMIUM")
	if exe == "" {
		for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(n); err == nil {
				exe = p
				break
			}
		}
	}
	if exe == "" {
		shared.Require(t, "chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// The first run starts the browser; it lives as long as bctx.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	ctx, cancel3 := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(cancel3)
	return ctx
}

func artifacts(t *testing.T) string {
	d := os.Getenv("TRUCE_ARTIFACTS")
	if d == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

func shot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	if errs := eval[[]string](t, ctx, `window.truceErrors || []`); len(errs) > 0 {
		t.Errorf("%s: script errors: %q", name, errs)
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitText polls a selector's text until it contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string) string {
	t.Helper()
	var got string
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var err error
		got, err = chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||''`, sel)))
		if err == nil && strings.Contains(got, want) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: text %q, want it to contain %q", sel, got, want)
	return ""
}

// open navigates and waits until the page says it is ready, failing with
// what the page shows when it reports an error.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(url))
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		switch eval[string](t, ctx, `document.body ? document.body.dataset.ready || '' : ''`) {
		case "1":
			return
		case "error":
			t.Fatalf("%s: page error: %s", url, eval[string](t, ctx, `document.querySelector('main').innerText`))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: not ready after 15 s: %s", url, eval[string](t, ctx, `document.querySelector('main').innerText.slice(0, 500)`))
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval runs a script in the page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestBrowser(t *testing.T) {
	ctx := browser(t)
	srv, _ := uiServer(t, loadKarabakh)
	dir := artifacts(t)

	t.Run("map", func(t *testing.T) {
		// A browser that has started, on a page of another origin, so the
		// first load below is the page's own.
		run(t, ctx, chromedp.Navigate("about:blank"))
		open(t, ctx, srv.URL+"/?at=2020-11-19")
		waitText(t, ctx, `tr[data-place="aghdam-district"] td.controller`, "Armenia")
		waitText(t, ctx, `tr[data-place="aghdam-district"] th`, "Ağdam rayonu") // every name shown
		waitText(t, ctx, `#attribution`, "geoBoundaries")
		shot(t, ctx, dir, "1-map-2020-11-19")
		// The first load: what crossed the wire and when the map was usable.
		load := eval[map[string]float64](t, ctx, `(async () => {
			await truceMap.st.base;
			const nav = performance.getEntriesByType('navigation')[0];
			let bytes = nav.transferSize;
			for (const r of performance.getEntriesByType('resource')) bytes += r.transferSize;
			return {bytes, ready: window.truceReadyAt};
		})()`)
		t.Logf("first load of the map: %.0f KB transferred, ready in %.0f ms, marks %s", load["bytes"]/1024, load["ready"], eval[string](t, ctx, `JSON.stringify([performance.getEntriesByType("navigation")[0].responseEnd, truceMap.st.timings])`))
		if load["bytes"] > 1<<20 {
			t.Errorf("first load transferred %.0f KB, want under 1 MB", load["bytes"]/1024)
		}
		// Two days on with the keyboard, on the slider itself.
		run(t, ctx, chromedp.Focus(chromedp.CSS(`#at-range`)), chromedp.KeyEvent(kb.ArrowRight+kb.ArrowRight))
		waitText(t, ctx, `#places-date`, "2020-11-21")
		waitText(t, ctx, `tr[data-place="aghdam-district"] td.controller`, "Azerbaijan")
		url, _ := chromedp.Run(ctx, chromedp.Location())
		if !strings.Contains(url, "at=2020-11-21") {
			t.Errorf("date not in the URL: %s", url)
		}
		// The place's history: both control claims, with the quote.
		run(t, ctx, chromedp.Click(chromedp.CSS(`tr[data-place="aghdam-district"] button`)))
		waitText(t, ctx, `#detail`, "Aghdam on Nov. 20")
		waitText(t, ctx, `#detail`, "karabakh-2020-s2")
		waitText(t, ctx, `#detail`, "Armenia controls (capture)")
		shot(t, ctx, dir, "2-map-2020-11-21")
		// The keyboard reaches the next change: Kalbajar on 25 November.
		run(t, ctx, chromedp.Focus(chromedp.CSS(`#next-change`)), chromedp.KeyEvent("\r"))
		waitText(t, ctx, `#places-date`, "2020-11-25")
		waitText(t, ctx, `tr[data-place="kalbajar-district"] td.controller`, "Azerbaijan")
		// As recorded by 2020-11-15 nothing was known of Aghdam: the case
		// records each claim when its source appeared, here on 1 December.
		open(t, ctx, srv.URL+"/?at=2020-11-21&known_at=2020-11-15")
		waitText(t, ctx, `tr[data-place="aghdam-district"] td.controller`, "—")
		waitText(t, ctx, `tr[data-place="shusha"] td.controller`, "Azerbaijan") // told on 8 November
		// A disputed place shows both sides.
		open(t, ctx, srv.URL+"/?at=2020-11-10&place=shusha")
		waitText(t, ctx, `tr[data-place="shusha"] td.controller`, "disputed")
		waitText(t, ctx, `#detail .sides`, "Nagorno-Karabakh de facto authorities")
		shot(t, ctx, dir, "3-map-disputed")
	})

	t.Run("agreement", func(t *testing.T) {
		open(t, ctx, srv.URL+"/agreements/karabakh-2020?at=2020-12-02")
		row := `li[data-provision="karabakh-2020/6a"]`
		waitText(t, ctx, row+` .badge`, "met on time")
		waitText(t, ctx, row, "2020-11-25")
		waitText(t, ctx, row, "amended")
		waitText(t, ctx, `#mandates`, "2025-11-10") // first term's expiry
		shot(t, ctx, dir, "4-agreement-2020-12-02")
	})

	t.Run("figures", func(t *testing.T) {
		open(t, ctx, srv.URL+"/figures")
		waitText(t, ctx, `#chart-returned`, "more than 26,000")
		waitText(t, ctx, `#chart-displaced`, "up to 90,000")
		// Disagreeing figures side by side, with who says what.
		waitText(t, ctx, `#chart-returned .sides`, "about 30,000")
		waitText(t, ctx, `#chart-returned .sides`, "more than 26,000")
		waitText(t, ctx, `#chart-returned .sides`, "Nagorno-Karabakh de facto authorities")
		shot(t, ctx, dir, "5-figures")
	})

	t.Run("source", func(t *testing.T) {
		open(t, ctx, srv.URL+"/sources/"+reportSource)
		n := eval[int](t, ctx, `document.querySelectorAll('#src-text mark.span').length`)
		if n < 6 {
			t.Fatalf("%d spans highlighted, want every claimed span (>= 6)", n)
		}
		run(t, ctx, chromedp.Click(chromedp.CSS(`#src-text mark.span`)))
		waitText(t, ctx, `#claim-detail`, "controls")
		shot(t, ctx, dir, "6-source")
		// A claim links back to its span: the last claim's link selects it.
		run(t, ctx, chromedp.Click(chromedp.CSS(`#claim-list li:last-child a`)))
		waitText(t, ctx, `#claim-detail`, "span ")
		hash := eval[string](t, ctx, `location.hash`)
		sel := eval[string](t, ctx, `(document.querySelector('mark.sel') || {dataset: {}}).dataset.starts || ''`)
		if !strings.HasPrefix(hash, "#span-") || !strings.Contains(sel, strings.TrimPrefix(hash, "#span-")) {
			t.Errorf("claim link went to %q, selected mark starts %q", hash, sel)
		}
	})

	t.Run("review", func(t *testing.T) {
		open(t, ctx, srv.URL+"/review")
		run(t, ctx,
			chromedp.SendKeys(chromedp.CSS(`#token`), "tok-editor"), chromedp.Click(chromedp.CSS(`#token-form button`)))
		waitText(t, ctx, `#token-state`, "token set")
		// Candidates drawn from the report, proposed through the API as an
		// analyst or extractor would; then reviewed in the browser.
		text, _ := os.ReadFile(shared.Path(t, "reports", "afp-karabakh-after-lachin.txt"))
		i := strings.Index(string(text), "Lachin was ceded")
		cand := func(place, actor, from string) string {
			body := fmt.Sprintf(`{"claims":[{"kind":"control","valid":{"from":%q},"credibility":3,
				"attributions":[{"source":%q,"start":%d,"end":%d}],"control":{"place":%q,"actor":%q,"mode":"handover"}}]}`, from, reportSource, i, i+16, place, actor)
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/claims", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer tok-editor")
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != 201 {
				t.Fatalf("proposing a candidate: %v %v", err, resp.Status)
			}
			defer resp.Body.Close()
			var out struct{ IDs []string }
			json.NewDecoder(resp.Body).Decode(&out)
			return fmt.Sprintf(`#queue li[data-claim=%q]`, out.IDs[0])
		}
		accept, edit, reject := cand("lachin-corridor", "azerbaijan", "2020-12-01"), cand("hadrut", "armenia", "2020-10-01"), cand("hadrut", "russia", "2020-10-02")
		contra := cand("aghdam-district", "armenia", "2020-11-22")
		same := cand("lachin-district", "azerbaijan", "2020-12-01") // the record already has this handover
		id := func(sel string) string { return strings.Split(sel, `"`)[1] }
		open(t, ctx, srv.URL+"/review")
		waitText(t, ctx, accept, "Azerbaijan controls Lachin corridor")
		waitText(t, ctx, fmt.Sprintf(`#rv-text mark[data-starts~="%d-%d"]`, i, i+16), "Lachin") // the text beside, its span marked
		// A candidate that disagrees with the record says with what, and who says it.
		waitText(t, ctx, contra+` .contradicts`, "Azerbaijan controls Aghdam")
		shot(t, ctx, dir, "7-review")
		run(t, ctx, chromedp.Click(chromedp.CSS(accept+` button.accept`)))
		waitText(t, ctx, `#queue-state`, id(accept)+" accepted")
		run(t, ctx, chromedp.Click(chromedp.CSS(reject+` button.reject`)))
		waitText(t, ctx, `#queue-state`, id(reject)+" rejected")
		// The same fact again: a further source of the accepted claim, not a second fact.
		run(t, ctx, chromedp.Click(chromedp.CSS(same+` button.corroborate`)))
		waitText(t, ctx, `#queue-state`, id(same)+" recorded as a further source of")
		// Edit: another actor and start, saved as a new accepted claim.

		run(t, ctx, chromedp.Click(chromedp.CSS(edit+` button.edit`)))
		eval[bool](t, ctx, fmt.Sprintf(`(() => { const li = document.querySelector(%q);
			li.querySelector('.f-actor').value = 'azerbaijan'; li.querySelector('.f-from').value = '2020-10-09'; return true; })()`, edit))
		shot(t, ctx, dir, "7b-review-edit")
		run(t, ctx, chromedp.Click(chromedp.CSS(edit+` button.save-edit`)))
		waitText(t, ctx, `#queue-state`, id(edit)+" edited")
		open(t, ctx, srv.URL+"/?at=2020-12-02")
		waitText(t, ctx, `tr[data-place="lachin-corridor"] td.controller`, "Azerbaijan")
		waitText(t, ctx, `tr[data-place="hadrut"] td.controller`, "Azerbaijan")
		waitText(t, ctx, `tr[data-place="hadrut"]`, "2020-10-09")
		shot(t, ctx, dir, "8-map-after-review")
	})

	t.Run("ingest", func(t *testing.T) {
		text, err := os.ReadFile(shared.Path(t, "reports", "afp-karabakh-after-lachin.txt"))
		if err != nil {
			t.Fatal(err)
		}
		open(t, ctx, srv.URL+"/review")
		// Fill the form as a user would; the text goes in by script, as a
		// paste does, rather than key by key.
		js := fmt.Sprintf(`(() => { const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input')); };
			set('in-title', 'AFP after Lachin (ingested)'); set('in-publisher', 'AFP'); set('in-published', '2020-12-01'); set('in-text', %s); return true; })()`,
			jsString(string(text)+"\n\nFiled again by the browser test.\n")) // not the stored text: the extractor reads it afresh
		eval[bool](t, ctx, js)
		shot(t, ctx, dir, "8a-ingest-form")
		run(t, ctx, chromedp.Click(chromedp.CSS(`#ingest-form button[type=submit]`)))
		waitText(t, ctx, `#ingest-state`, "ingested as")
		src := eval[string](t, ctx, `document.getElementById('ingest-state').textContent.replace(/^ingested as ([^:]+):.*$/, '$1')`)
		sel := fmt.Sprintf(`#queue li[data-kind="control"][data-source=%q]`, src)
		waitText(t, ctx, sel, "controls")
		id := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.claim`, sel))
		var c struct {
			Claim struct {
				Valid   struct{ From string }
				Control struct{ Place, Actor string }
			}
		}
		_, body := get(t, srv.URL+"/api/v1/claims/"+id, "Authorization", "Bearer tok-editor")
		b, _ := json.Marshal(body)
		json.Unmarshal(b, &c)
		shot(t, ctx, dir, "8b-ingest-candidates")
		run(t, ctx, chromedp.Click(chromedp.CSS(sel+` button.accept`)))
		waitText(t, ctx, `#queue-state`, id+" accepted")
		at := c.Claim.Valid.From
		if len(at) != 10 {
			at = "2020-12-02"
		}
		open(t, ctx, srv.URL+"/?at="+at+"&place="+c.Claim.Control.Place)
		label := eval[string](t, ctx, fmt.Sprintf(`truceMap.st.actors.get(%q).label`, c.Claim.Control.Actor))
		waitText(t, ctx, fmt.Sprintf(`#detail`), id)
		waitText(t, ctx, fmt.Sprintf(`tr[data-place=%q] td.controller`, c.Claim.Control.Place), label)
		shot(t, ctx, dir, "8c-map-after-ingest")
	})

	t.Run("narrow", func(t *testing.T) {
		run(t, ctx, chromedp.EmulateViewport(390, 844))
		for _, p := range []string{"/?at=2020-11-21", "/agreements/karabakh-2020?at=2020-12-02", "/sources/" + reportSource} {
			open(t, ctx, srv.URL+p)
			w := eval[int](t, ctx, `document.documentElement.scrollWidth`)
			if w > 392 {
				t.Errorf("%s at 390 px is %d px wide: it scrolls sideways", p, w)
			}
			shot(t, ctx, dir, "9-narrow"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(p))
		}
		run(t, ctx, chromedp.EmulateViewport(1280, 900))
	})
	t.Logf("screenshots in %s", dir)
}
