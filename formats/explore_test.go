package formats

import (
	"context"
	"fmt"
	"testing"
)

func TestExplore(t *testing.T) {
	for _, f := range []struct{ fmt, path string }{
		{"", data(t, "acled", "acledR_acled_old_dummy_ARG_2022-06.csv")},
		{"", data(t, "acled", "acledR_acled_old_deletion_dummy_global_2022H1.csv")},
		{"", data(t, "ucdp", "uncertainUCDP_ucdpged_sample_GED23.csv")},
		{"", data(t, "ucdp", "hdx-scraper-ucdp_ged191_subset.csv")},
		{"", data(t, "hxl", "idmc_displacement_data_hxl.csv")},
		{"", data(t, "hxl", "hdx-scraper-ucdp_conflict_data_BGD.csv")},
		{"", data(t, "boundaries", "cgaz_AZE2.geojson")},
		{"", data(t, "boundaries", "geoBoundaries-ARM-ADM1_simplified.geojson")},
	} {
		m := newMonitor(t)
		res, err := Import(context.Background(), m, f.fmt, f.path, Options{})
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		fmt.Println(res.Format, res.Rows, len(res.Batch.Claims), len(res.Batch.Actors), len(res.Batch.Places), res.Summary)
	}
}
