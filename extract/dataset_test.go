package extract

import (
	"context"
	"strings"
	"testing"
	"truce/internal/testledger"

	"truce/ledger"
)

// The AFP report against the embedded Karabakh 2020 gazetteer (not the
// test one): the same claims, with the dataset's ids.
func TestAFPWithDataset(t *testing.T) {
	ctx := context.Background()
	m := testledger.Karabakh(t)
	text := afp(t)
	rep, err := Ingest(ctx, m, []byte(text), Meta{Name: "afp", Published: ledger.MustDate("2020-12-01")})
	if err != nil {
		t.Fatal(err)
	}
	cs := rep.Claims
	// the report calls them districts, and the dataset tells districts from towns
	for _, h := range []struct{ place, date string }{{"lachin-district", "2020-12-01"}, {"kalbajar-district", "2020-11-25"}, {"aghdam-district", "2020-11-20"}} {
		c := one(t, find(cs, ledger.KindControl, h.place, "azerbaijan", ""), h.place)
		if c.Valid.From.String() != h.date || c.Control.Mode != "handover" {
			t.Errorf("%s: %+v from %s", h.place, *c.Control, c.Valid.From)
		}
	}
	ret := one(t, find(cs, ledger.KindFigure, "", "", "returned"), "returned")
	if ret.AssertedBy != "russia" || num(ret.Figure.Low) != 26000 {
		t.Errorf("returned: asserted by %q, low %v", ret.AssertedBy, num(ret.Figure.Low))
	}
	pk := one(t, find(cs, ledger.KindFigure, "", "", "peacekeepers"), "peacekeepers")
	if num(pk.Figure.High) != 2000 || pk.Figure.Qualifier != "nearly" || !strings.Contains(pk.Figure.Actor, "russia") {
		t.Errorf("peacekeepers: %+v", *pk.Figure)
	}
	one(t, find(cs, ledger.KindFigure, "", "", "mandate_years"), "mandate")
	icg := one(t, find(cs, ledger.KindStatement, "", "international-crisis-group", ""), "ICG")
	checkSpan(t, text, icg, "\"The Moscow-brokered", "International Crisis Group")
	if n := len(find(cs, ledger.KindStatement, "", "united-states", "")); n != 0 {
		t.Errorf("\"United States\" read as a speech verb")
	}
}
