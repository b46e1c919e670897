package ledger

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Precision says how much of a date is known. A month-precision date never
// gets an invented day.
type Precision uint8

const (
	PrecNone Precision = iota // open end
	PrecYear
	PrecMonth
	PrecDay
)

func (p Precision) String() string {
	switch p {
	case PrecYear:
		return "year"
	case PrecMonth:
		return "month"
	case PrecDay:
		return "day"
	}
	return "none"
}

// Date is a calendar date known to some precision, optionally only as a
// bound ("before 2020-11", "after 2020-11-10"). The zero Date is an open end.
// Its text form is "2020", "2020-11", "2020-11-20", with a "<" (before) or
// ">" (after) prefix for bounds.
type Date struct {
	Y, M, D int
	Prec    Precision
	Mod     string // "", "before", "after"
}

// Day counts days since 1970-01-01; it is the unit every view compares in.
type Day int32

// NoDay marks an open end in day arithmetic.
const (
	MinDay Day = -1 << 30
	MaxDay Day = 1 << 30
)

func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }
func (d Day) String() string {
	switch d {
	case MinDay:
		return "-inf"
	case MaxDay:
		return "+inf"
	}
	y, m, dd := d.Time().Date()
	if y < 0 || y > 9999 {
		return d.Time().Format("2006-01-02")
	}
	// By hand: views write one per place, and Format was a tenth of the
	// time of a page of states.
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + dd/10), byte('0' + dd%10)}
	return string(b[:])
}

// MarshalText writes a day as YYYY-MM-DD, so that JSON shows dates, not counts.
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Day) UnmarshalText(b []byte) error {
	v, err := ParseDay(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseKnownAt reads a recorded-time horizon: RFC 3339, or a date meaning
// the end of that day (everything recorded on it counts). "" is now.
func ParseKnownAt(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := ParseDay(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want YYYY-MM-DD or RFC 3339", s)
	}
	return (d + 1).Time().Add(-time.Microsecond), nil
}

// ParseDay reads an exact YYYY-MM-DD date.
func ParseDay(s string) (Day, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DayOf(t), nil
}

// ParseDate reads "", "2020", "2020-11", "2020-11-20", optionally prefixed
// with "<" or "before " / ">" or "after ".
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	var d Date
	if s == "" {
		return d, nil
	}
	switch {
	case strings.HasPrefix(s, "<"):
		d.Mod, s = "before", strings.TrimSpace(s[1:])
	case strings.HasPrefix(s, ">"):
		d.Mod, s = "after", strings.TrimSpace(s[1:])
	case strings.HasPrefix(s, "before "):
		d.Mod, s = "before", strings.TrimSpace(s[7:])
	case strings.HasPrefix(s, "after "):
		d.Mod, s = "after", strings.TrimSpace(s[6:])
	}
	var layout string
	switch len(s) {
	case 4:
		layout, d.Prec = "2006", PrecYear
	case 7:
		layout, d.Prec = "2006-01", PrecMonth
	case 10:
		layout, d.Prec = "2006-01-02", PrecDay
	default:
		return Date{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	d.Y, d.M, d.D = t.Year(), int(t.Month()), t.Day()
	if d.Prec < PrecMonth {
		d.M = 0
	}
	if d.Prec < PrecDay {
		d.D = 0
	}
	return d, nil
}

// MustDate is ParseDate for literals in code and tests.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOfDay gives an exact date.
func DateOfDay(day Day) Date {
	t := day.Time()
	return Date{Y: t.Year(), M: int(t.Month()), D: t.Day(), Prec: PrecDay}
}

func (d Date) IsZero() bool { return d.Prec == PrecNone }

func (d Date) String() string {
	if d.Prec == PrecNone {
		return ""
	}
	return string(d.appendText(make([]byte, 0, 11)))
}

// appendText appends String's text by hand: claims' valid times are
// encoded twice per claim, and fmt was a fifth of encoding a claim.
func (d Date) appendText(b []byte) []byte {
	if d.Prec == PrecNone {
		return b
	}
	switch d.Mod {
	case "before":
		b = append(b, '<')
	case "after":
		b = append(b, '>')
	}
	if d.Y < 0 || d.Y > 9999 {
		b = fmt.Appendf(b, "%04d", d.Y)
	} else {
		b = append(b, byte('0'+d.Y/1000), byte('0'+d.Y/100%10), byte('0'+d.Y/10%10), byte('0'+d.Y%10))
	}
	if d.Prec == PrecYear {
		return b
	}
	b = append(b, '-')
	b = append2(b, d.M)
	if d.Prec == PrecMonth {
		return b
	}
	b = append(b, '-')
	return append2(b, d.D)
}

// append2 appends n as at least two digits, as %02d does.
func append2(b []byte, n int) []byte {
	if n < 0 || n > 99 {
		return fmt.Appendf(b, "%02d", n)
	}
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// First is the first day the date may denote; Last the last. For an open
// end they are MinDay and MaxDay. A "before" bound may be any day before its
// period, an "after" bound any day after it.
func (d Date) First() Day {
	switch {
	case d.Prec == PrecNone, d.Mod == "before":
		return MinDay
	case d.Mod == "after":
		return d.periodLast() + 1
	}
	return d.periodFirst()
}

func (d Date) Last() Day {
	switch {
	case d.Prec == PrecNone, d.Mod == "after":
		return MaxDay
	case d.Mod == "before":
		return d.periodFirst() - 1
	}
	return d.periodLast()
}

func (d Date) periodFirst() Day {
	m, dd := d.M, d.D
	if m == 0 {
		m = 1
	}
	if dd == 0 {
		dd = 1
	}
	return DayOf(time.Date(d.Y, time.Month(m), dd, 0, 0, 0, 0, time.UTC))
}

func (d Date) periodLast() Day {
	switch d.Prec {
	case PrecYear:
		return DayOf(time.Date(d.Y+1, 1, 1, 0, 0, 0, 0, time.UTC)) - 1
	case PrecMonth:
		return DayOf(time.Date(d.Y, time.Month(d.M)+1, 1, 0, 0, 0, 0, time.UTC)) - 1
	}
	return d.periodFirst()
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

var _ json.Marshaler = Interval{}

// Interval is a claim's valid time: From inclusive, To inclusive; either end
// may be open.
type Interval struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// MarshalJSON writes {"from":...,"to":...}, an open end left out, built by
// hand: it runs once per claim written. The bytes are what encoding/json
// makes of the two strings ('<' and '>' escaped as it escapes them); a
// test compares both.
func (iv Interval) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 48)
	b = append(b, '{')
	if !iv.From.IsZero() {
		b = append(b, `"from":`...)
		b = appendDateJSON(b, iv.From)
	}
	if !iv.To.IsZero() {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, `"to":`...)
		b = appendDateJSON(b, iv.To)
	}
	return append(b, '}'), nil
}

func appendDateJSON(b []byte, d Date) []byte {
	b = append(b, '"')
	switch d.Mod {
	case "before":
		b = append(b, `\u003c`...)
	case "after":
		b = append(b, `\u003e`...)
	}
	d.Mod = ""
	b = d.appendText(b)
	return append(b, '"')
}

// Validate refuses an interval whose end certainly precedes its start.
func (iv Interval) Validate() error {
	if iv.From.IsZero() || iv.To.IsZero() {
		return nil
	}
	if iv.To.Last() < iv.From.First() {
		return fmt.Errorf("valid time %s..%s: end before start", iv.From, iv.To)
	}
	return nil
}

// Covers reports whether day falls certainly (sure) or possibly (maybe)
// within the interval.
func (iv Interval) Covers(day Day) (sure, maybe bool) {
	maybe = iv.From.First() <= day && day <= iv.To.Last()
	sure = iv.From.Last() <= day && day <= iv.To.First()
	if iv.From.IsZero() {
		sure = day <= iv.To.First()
	}
	if iv.To.IsZero() {
		sure = iv.From.IsZero() || iv.From.Last() <= day
	}
	return sure, maybe
}
