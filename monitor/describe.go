package monitor

import (
	"fmt"
	"strings"

	"truce/ledger"
)

// Describe says in a few words what a claim states.
func Describe(m *Monitor, c *ledger.Claim) string {
	switch {
	case c.Control != nil:
		return fmt.Sprintf("%s controls %s (%s)", m.Label(c.Control.Actor), m.Label(c.Control.Place), c.Control.Mode)
	case c.Presence != nil:
		return fmt.Sprintf("%s present at %s (%s)", m.Label(c.Presence.Actor), m.Label(c.Presence.Place), c.Presence.Role)
	case c.Figure != nil:
		s := fmt.Sprintf("%s: %s", c.Figure.Metric, FigureText(c.Figure))
		if c.Figure.Place != "" {
			s += " in " + m.Label(c.Figure.Place)
		}
		return s
	case c.Event != nil:
		s := c.Event.Type
		if c.Event.SubType != "" {
			s += " / " + c.Event.SubType
		}
		if c.Event.Place != "" {
			s += " at " + m.Label(c.Event.Place)
		} else if c.Event.Location != "" {
			s += " at " + c.Event.Location
		}
		return s
	case c.Statement != nil:
		return fmt.Sprintf("%s: %s", m.Label(c.Statement.Actor), c.Statement.Position)
	case c.Deadline != nil:
		return fmt.Sprintf("provision %s due %s", c.Deadline.Provision, c.Deadline.Due)
	case c.Evidence != nil:
		return fmt.Sprintf("provision %s %s", c.Evidence.Provision, c.Evidence.Outcome)
	case c.Hazard != nil:
		return fmt.Sprintf("%s hazardous area %s in %s, %.0f m2", c.Hazard.Status, c.Hazard.Area, m.Label(c.Hazard.Place), c.Hazard.AreaM2)
	case c.Release != nil:
		return fmt.Sprintf("%s %.0f m2 of %s in %s", c.Release.Method, c.Release.AreaM2, c.Release.Area, m.Label(c.Release.Place))
	case c.Service != nil:
		return fmt.Sprintf("%s in %s: %s", c.Service.Sector, m.Label(c.Service.Place), c.Service.Status)
	case c.Kind == ledger.KindRetraction:
		return "retracts " + c.Supersedes
	}
	return c.Kind
}

// FigureText writes a figure as reported: "more than 26,000", "up to 90,000", "20,000-30,000".
func FigureText(f *ledger.Figure) string {
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return groupDigits(*p)
	}
	var v string
	switch {
	case f.Best != nil:
		v = num(f.Best)
	case f.Low != nil && f.High != nil:
		v = num(f.Low) + "-" + num(f.High)
	case f.Low != nil:
		v = num(f.Low)
	default:
		v = num(f.High)
	}
	if f.Best != nil && f.Low != nil && f.High != nil {
		v += " (" + num(f.Low) + "-" + num(f.High) + ")"
	}
	q := map[string]string{"more_than": "more than ", "less_than": "less than ", "up_to": "up to ", "nearly": "nearly ", "about": "about ", "at_least": "at least "}[f.Qualifier]
	s := q + v
	if f.Unit != "" && f.Unit != "people" {
		s += " " + f.Unit
	}
	return s
}

func groupDigits(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	if v != float64(int64(v)) {
		s = fmt.Sprintf("%g", v)
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
