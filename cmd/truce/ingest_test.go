package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"truce/internal/shared"
	"truce/ledger"
	"truce/monitor"
)

func candidates(t *testing.T, db, source string) []*ledger.Claim {
	t.Helper()
	var page monitor.ClaimPage
	if err := json.Unmarshal([]byte(truce(t, 0, "claims", "--db", db, "--source", source, "--json")), &page); err != nil {
		t.Fatal(err)
	}
	return page.Claims
}

// A report through the commands an analyst types: ingest once, review,
// accept, reject, edit; a later report that contradicts an accepted
// claim is shown beside it.
func TestIngestAndReviewThroughTheCLI(t *testing.T) {
	report := shared.Path(t, "reports", "afp-karabakh-after-lachin.txt")
	raw, err := os.ReadFile(report)
	if err != nil {
		shared.Require(t, "the AFP report")
	}
	db := filepath.Join(t.TempDir(), "truce.db")
	out := truce(t, 0, "ingest", report, "--db", db, "--published", "2020-12-01", "--publisher", "AFP")
	if !strings.Contains(out, "3 control") || !strings.Contains(out, "Lachin was ceded on Tuesday") {
		t.Fatalf("ingest summary:\n%s", out)
	}
	src := "src-" + ledger.HashText(string(raw))[:16]
	if out := truce(t, 0, "ingest", report, "--db", db); !strings.Contains(out, "already stored as "+src) {
		t.Errorf("second ingest: %s", out)
	}
	cs := candidates(t, db, src)
	byPlace := map[string]*ledger.Claim{}
	var figures []string
	for _, c := range cs {
		if c.Status != ledger.Candidate {
			t.Errorf("%s is %s before review", c.ID, c.Status)
		}
		if c.Control != nil {
			byPlace[c.Control.Place] = c
		}
		if c.Figure != nil {
			figures = append(figures, c.ID)
		}
	}
	// the report calls them districts: the dataset's districts, not its towns
	lachin, kalbajar, aghdam := byPlace["lachin-district"], byPlace["kalbajar-district"], byPlace["aghdam-district"]
	if lachin == nil || kalbajar == nil || aghdam == nil {
		t.Fatalf("handovers missing: %v", byPlace)
	}
	list := truce(t, 0, "review", "--db", db)
	if !strings.Contains(list, "candidates to review") || !strings.Contains(list, lachin.ID) || !strings.Contains(list, "rule control/passive-handover") {
		t.Errorf("review list:\n%s", list)
	}
	// the embedded case already holds the handovers: the report agrees with them
	if !strings.Contains(list, "AGREES with accepted claim") {
		t.Errorf("review list does not point at the accepted claims the report corroborates:\n%s", list)
	}

	truce(t, 0, "review", "accept", lachin.ID, "--db", db, "--by", "ana")
	// the Kalbajar handover is already in the record: the report becomes a further source of it
	out = truce(t, 0, "review", "corroborate", kalbajar.ID, "--db", db, "--by", "ana")
	if !strings.Contains(out, "further source of") {
		t.Fatalf("corroborate: %s", out)
	}
	var kb struct {
		Total  int
		Claims []*ledger.Claim
	}
	if err := json.Unmarshal([]byte(truce(t, 0, "claims", "--db", db, "--place", "kalbajar-district", "--kind", "control", "--actor", "azerbaijan", "--status", "accepted", "--json")), &kb); err != nil {
		t.Fatal(err)
	}
	if kb.Total != 1 || len(kb.Claims[0].Attributions) < 2 || kb.Claims[0].Attributions[len(kb.Claims[0].Attributions)-1].Source != src {
		t.Errorf("the Kalbajar handover should be one claim with the report as a further source: %+v", kb)
	}
	truce(t, 0, "review", "reject", figures[0], "--db", db, "--by", "ana", "--note", "vague")
	out = truce(t, 0, "review", "edit", aghdam.ID, "--place", "Ağdam", "--db", db, "--by", "ana", "--note", "the town itself")
	if !strings.Contains(out, "edited as") {
		t.Fatalf("edit: %s", out)
	}
	// accepting twice is refused: an accepted claim is corrected by a new claim
	truceIn(t, "", 3, "review", "accept", lachin.ID, "--db", db)
	truceIn(t, "", 4, "review", "accept", "01NOSUCHCLAIM", "--db", db)

	after := map[string]*ledger.Claim{}
	var edited *ledger.Claim
	for _, c := range candidates(t, db, src) {
		after[c.ID] = c
		if c.Supersedes == aghdam.ID {
			edited = c
		}
	}
	if after[lachin.ID].Status != ledger.Accepted || after[kalbajar.ID].Status != ledger.Rejected || after[figures[0]].Status != ledger.Rejected {
		t.Errorf("statuses after review: lachin %s kalbajar %s figure %s", after[lachin.ID].Status, after[kalbajar.ID].Status, after[figures[0]].Status)
	}
	if after[aghdam.ID].Status != ledger.Rejected || edited == nil || edited.Status != ledger.Accepted ||
		edited.Control.Place != "aghdam" || edited.Attributions[0].Quote != aghdam.Attributions[0].Quote {
		t.Errorf("edit: original %s, new %+v", after[aghdam.ID].Status, edited)
	}

	// a later report says otherwise
	out, _ = truceIn(t, "Armenian forces retook the Lachin district on 5 December 2020, the ministry in Yerevan said.", 0,
		"ingest", "-", "--db", db, "--published", "2020-12-06")
	if !strings.Contains(out, "1 control") {
		t.Fatalf("stdin ingest: %s", out)
	}
	list = truce(t, 0, "review", "--db", db)
	if !strings.Contains(list, "CONTRADICTS "+lachin.ID) {
		t.Errorf("the contradicting candidate is not shown with the accepted claim %s:\n%s", lachin.ID, list)
	}
}

func TestIngestBadFilesThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "truce.db")
	empty := filepath.Join(dir, "empty.txt")
	bin := filepath.Join(dir, "photo.jpg")
	good := filepath.Join(dir, "good.txt")
	os.WriteFile(empty, nil, 0o644)
	os.WriteFile(bin, []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), 0o644)
	os.WriteFile(good, []byte("Azerbaijani troops entered Shusha on 8 November 2020.\n"), 0o644)
	out, errs := truceIn(t, "", 3, "ingest", empty, bin, good, filepath.Join(dir, "missing.txt"), "--db", db, "--published", "2020-11-10")
	for _, want := range []string{"empty.txt: invalid: empty", "photo.jpg: invalid: binary data", "missing.txt"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "good.txt: source") || !strings.Contains(out, "1 report read, 3 reports refused") {
		t.Errorf("stdout:\n%s", out)
	}
	truceIn(t, "", 2, "ingest", "--db", db)
	truceIn(t, "", 2, "ingest", good, "--db", db, "--published", "1 Dec")
	out = truce(t, 0, "review", "--unknown", "--db", db)
	if !strings.Contains(out, "0 names not in the gazetteer") {
		t.Errorf("unknown: %s", out)
	}
	truceIn(t, "Shelling was reported near the village of Qiyameddinli on Monday.", 0, "ingest", "-", "--db", db)
	if out := truce(t, 0, "review", "--unknown", "--db", db); !strings.Contains(out, "Qiyameddinli") {
		t.Errorf("unknown names: %s", out)
	}
}
