package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"truce/internal/shared"
)

func TestImportExportCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	acled := shared.Path(t, "data", "acled", "acledR_acled_old_dummy_ARG_2022-06.csv")
	code, out, errs := runCmd(t, "import", "--empty", "--db", db, acled)
	if code != 0 || !strings.Contains(out, "imported acled: 326 rows, 326 claims (candidate)") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	// A refused file: exit 3, the line and column named, nothing written.
	bad := filepath.Join(dir, "bad.csv")
	raw, _ := os.ReadFile(acled)
	os.WriteFile(bad, bytes.Replace(raw, []byte("2022-06-30,2022,1"), []byte("2022-06-31,2022,1"), 1), 0o644)
	code, _, errs = runCmd(t, "import", "--db", db, "--format", "acled", bad)
	if code != 3 || !strings.Contains(errs, bad+`:2: column event_date: "2022-06-31": want a date`) {
		t.Errorf("bad file: exit %d, stderr %s", code, errs)
	}
	csvOut := filepath.Join(dir, "out.csv")
	if code, _, errs := runCmd(t, "export", "--db", db, "--format", "acled", "-o", csvOut); code != 0 || !strings.Contains(errs, "wrote 326 rows") {
		t.Errorf("export acled: exit %d, %s", code, errs)
	}
	code, out, errs = runCmd(t, "export", "--db", db, "--format", "geojson", "--at", "2022-06-15")
	if code != 0 || !strings.HasPrefix(out, `{"features":`) {
		t.Errorf("export geojson: exit %d, %.200s %s", code, out, errs)
	}
	// The exported file imports into an empty database.
	code, out, errs = runCmd(t, "import", "--empty", "--db", filepath.Join(dir, "u.db"), csvOut)
	if code != 0 || !strings.Contains(out, "326 claims") {
		t.Errorf("re-import: exit %d, %s %s", code, out, errs)
	}
	gpkg := filepath.Join(dir, "all.gpkg")
	if code, _, errs := runCmd(t, "export", "--db", db, "--format", "gpkg", "-o", gpkg); code != 0 {
		t.Fatalf("export gpkg: exit %d, %s", code, errs)
	}
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		shared.Require(t, "GDAL's ogrinfo")
	}
	if b, err := exec.Command(ogrinfo, "-ro", "-so", gpkg, "claims").CombinedOutput(); err != nil || !strings.Contains(string(b), "Feature Count: 326") {
		t.Errorf("ogrinfo: %v\n%s", err, b)
	}
}
