package extract

import (
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"truce/ledger"
)

func TestStressHang(t *testing.T) {
	if os.Getenv("STRESS") == "" {
		t.Skip()
	}
	vocab := strings.Fields("Lachin was ceded on Tuesday , Kalbajar Nov . 25 and Aghdam 20 Up to 90,000 people fled Karabakh — some 60 % of the \" says of International Crisis Group Veltrian troops entered Sarik Pol March 9 Lesk said by 15 April must hand over a renewable five - year mandate tens thousands hundreds of killed rebels separatists Armenian Russian soldiers peacekeepers last week earlier this month the town Dolna took control over withdrew from handing to 1,200 deadline expires ’s ' 2020 1990s its it they Kostria signed accord ceasefire took effect A 72 hour \n \n\n ; : ( ) “ ” Stepanakert Shusha captured by Azerbaijan 8 November 2020 according UNHCR")
	x := testExtractor(t)
	seed, _ := strconv.Atoi(os.Getenv("STRESS"))
	r := rand.New(rand.NewSource(int64(seed)))
	for n := 0; n < 200000; n++ {
		var b strings.Builder
		k := 1 + r.Intn(60)
		for i := 0; i < k; i++ {
			b.WriteString(vocab[r.Intn(len(vocab))])
			if r.Intn(4) > 0 {
				b.WriteByte(' ')
			}
		}
		text := b.String()
		done := make(chan bool)
		go func() {
			x.Extract(text, Options{Source: "s", Published: ledger.MustDate("2020-12-01")})
			x.Extract(text, Options{Source: "s"})
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("hang on %q", text)
		}
	}
}

func TestStressRandomBytes(t *testing.T) {
	if os.Getenv("STRESS") == "" {
		t.Skip()
	}
	seed, _ := strconv.Atoi(os.Getenv("STRESS"))
	r := rand.New(rand.NewSource(int64(seed)))
	x := testExtractor(t)
	alphabet := []rune("aAbBsS01239.,-'’\"“” \n\t%—Kəç$LNovTuesday")
	deadline := time.Now().Add(60 * time.Second)
	for n := 0; time.Now().Before(deadline); n++ {
		k := r.Intn(200)
		rs := make([]rune, k)
		for i := range rs {
			if r.Intn(10) == 0 {
				rs[i] = rune(r.Intn(0x3000))
			} else {
				rs[i] = alphabet[r.Intn(len(alphabet))]
			}
		}
		text := string(rs)
		done := make(chan bool)
		go func() {
			x.Extract(text, Options{Source: "s", Published: ledger.MustDate("2020-12-01")})
			x.Extract(text, Options{Source: "s"})
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("hang on %q", text)
		}
	}
}
