package ledger

import (
	"fmt"
	"math"
	"slices"
)

// Validate checks what a claim says about itself: a known kind with its
// payload, a sane interval, grades in range. References to places, actors
// and source spans are checked by the store, inside the write transaction.
func (c *Claim) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("claim %s: %w: %s", c.ID, ErrInvalid, fmt.Sprintf(format, a...))
	}
	if !slices.Contains(Kinds, c.Kind) {
		return bad("unknown kind %q (want one of %v)", c.Kind, Kinds)
	}
	if n := c.payloads(); n != 1 {
		return bad("kind %s needs exactly its own payload, got %d payloads", c.Kind, n)
	}
	if err := c.Valid.Validate(); err != nil {
		return bad("%v", err)
	}
	switch c.Status {
	case Candidate, Accepted, Rejected:
	default:
		return bad("status %q: want candidate, accepted or rejected", c.Status)
	}
	if c.Credibility < 1 || c.Credibility > 6 {
		return bad("credibility %d: want 1-6", c.Credibility)
	}
	if len(c.Attributions) == 0 {
		return bad("no source: every claim needs at least one attribution")
	}
	for _, a := range c.Attributions {
		if a.Start < 0 || a.End < a.Start {
			return bad("span [%d,%d) of source %s is inverted", a.Start, a.End, a.Source)
		}
	}
	if c.RecordedBy == "" {
		return bad("recorded_by is empty")
	}
	switch c.Kind {
	case KindControl:
		p := c.Control
		if p.Place == "" || p.Actor == "" {
			return bad("control needs place and actor")
		}
		switch p.Mode {
		case "capture", "handover", "withdrawal", "agreement", "":
		default:
			return bad("control mode %q: want capture, handover, withdrawal or agreement", p.Mode)
		}
	case KindPresence:
		if c.Presence.Place == "" || c.Presence.Actor == "" {
			return bad("presence needs place and actor")
		}
	case KindFigure:
		f := c.Figure
		if f.Metric == "" {
			return bad("figure needs a metric")
		}
		if f.Low == nil && f.Best == nil && f.High == nil {
			return bad("figure %s has no value", f.Metric)
		}
		for _, v := range []*float64{f.Low, f.Best, f.High} {
			if v != nil && (*v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0)) {
				return bad("figure %s value %v: want a finite number >= 0", f.Metric, *v)
			}
		}
		if f.Low != nil && f.High != nil && *f.Low > *f.High {
			return bad("figure %s: low %v above high %v", f.Metric, *f.Low, *f.High)
		}
		switch f.Qualifier {
		case "exact", "about", "more_than", "less_than", "up_to", "nearly", "at_least", "":
		default:
			return bad("figure qualifier %q: want exact, about, more_than, less_than, up_to, nearly or at_least", f.Qualifier)
		}
	case KindEvent:
		if c.Event.Type == "" {
			return bad("event needs a type")
		}
	case KindStatement:
		if c.Statement.Actor == "" || c.Statement.Position == "" {
			return bad("statement needs actor and position")
		}
	case KindDeadline:
		if c.Deadline.Provision == "" || c.Deadline.Due.IsZero() {
			return bad("deadline needs provision and due date")
		}
	case KindEvidence:
		if c.Evidence.Provision == "" {
			return bad("provision_evidence needs a provision")
		}
		switch c.Evidence.Outcome {
		case "met", "in_progress", "in_force", "breached", "not_met":
		default:
			return bad("provision_evidence outcome %q: want met, in_progress, in_force, breached or not_met", c.Evidence.Outcome)
		}
	case KindHazard:
		h := c.Hazard
		if h.Place == "" || h.Area == "" {
			return bad("hazard needs place and area id")
		}
		if h.Status != "suspected" && h.Status != "confirmed" {
			return bad("hazard status %q: want suspected or confirmed", h.Status)
		}
		if h.AreaM2 < 0 || math.IsNaN(h.AreaM2) || math.IsInf(h.AreaM2, 0) {
			return bad("hazard area %s: area_m2 %v: want a finite number >= 0", h.Area, h.AreaM2)
		}
		if h.Devices < 0 {
			return bad("hazard area %s: devices %d: want >= 0", h.Area, h.Devices)
		}
	case KindRelease:
		r := c.Release
		if r.Place == "" || r.Area == "" {
			return bad("land_release needs place and area id")
		}
		switch r.Method {
		case "cancelled", "reduced", "cleared":
		default:
			return bad("land_release method %q: want cancelled, reduced or cleared", r.Method)
		}
		if r.AreaM2 <= 0 || math.IsNaN(r.AreaM2) || math.IsInf(r.AreaM2, 0) {
			return bad("land_release of area %s: area_m2 %v: want a finite number > 0", r.Area, r.AreaM2)
		}
		if r.Devices < 0 {
			return bad("land_release of area %s: devices_destroyed %d: want >= 0", r.Area, r.Devices)
		}
	case KindService:
		s := c.Service
		if s.Place == "" || s.Sector == "" {
			return bad("service needs place and sector")
		}
		switch s.Status {
		case "destroyed", "damaged", "under_repair", "functional":
		default:
			return bad("service status %q: want destroyed, damaged, under_repair or functional", s.Status)
		}
	case KindRetraction:
		if c.Supersedes == "" {
			return bad("retraction must name the claim it retracts in supersedes")
		}
	}
	return nil
}

func (c *Claim) payloads() int {
	n := 0
	for _, p := range []bool{c.Control != nil, c.Presence != nil, c.Figure != nil, c.Event != nil,
		c.Statement != nil, c.Deadline != nil, c.Evidence != nil, c.Hazard != nil, c.Release != nil, c.Service != nil} {
		if p {
			n++
		}
	}
	if c.Kind == KindRetraction {
		n++ // a retraction carries no payload
	}
	return n
}

// Place is the place a claim is about, if any.
func (c *Claim) Place() string {
	switch {
	case c.Control != nil:
		return c.Control.Place
	case c.Presence != nil:
		return c.Presence.Place
	case c.Figure != nil:
		return c.Figure.Place
	case c.Event != nil:
		return c.Event.Place
	case c.Hazard != nil:
		return c.Hazard.Place
	case c.Release != nil:
		return c.Release.Place
	case c.Service != nil:
		return c.Service.Place
	case c.Statement != nil:
		return c.Statement.About
	}
	return ""
}

// Actors are the actors a claim names, asserting party included.
func (c *Claim) Actors() []string {
	var a []string
	switch {
	case c.Control != nil:
		a = append(a, c.Control.Actor)
	case c.Presence != nil:
		a = append(a, c.Presence.Actor)
	case c.Figure != nil && c.Figure.Actor != "":
		a = append(a, c.Figure.Actor)
	case c.Event != nil:
		a = append(a, c.Event.Actors...)
	case c.Statement != nil:
		a = append(a, c.Statement.Actor)
	}
	if c.AssertedBy != "" && !slices.Contains(a, c.AssertedBy) {
		a = append(a, c.AssertedBy)
	}
	return a
}

// Metric is the figure metric, if the claim is a figure.
func (c *Claim) Metric() string {
	if c.Figure != nil {
		return c.Figure.Metric
	}
	return ""
}

// Provision is the provision a deadline or evidence claim is about.
func (c *Claim) Provision() string {
	switch {
	case c.Deadline != nil:
		return c.Deadline.Provision
	case c.Evidence != nil:
		return c.Evidence.Provision
	}
	return ""
}
