// Package ledger holds truce's domain: places, actors, sources, claims,
// agreements, and the views derived from claims. It imports nothing of
// truce's own and knows nothing of SQL or HTTP.
package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// Domain errors; callers map them to exit codes and HTTP statuses.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
	ErrConflict = errors.New("conflict")
)

// Name is one of the names a place or actor is known by. No name is
// privileged in storage; the display name is chosen per view.
type Name struct {
	Name string `json:"name"`
	Lang string `json:"lang,omitempty"` // BCP 47: az, hy, ru, en
	// Kind: official, local, exonym, transliteration, historical, alias, metonym, demonym.
	Kind string `json:"kind,omitempty"`
}

// Point is a WGS84 position.
type Point struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

// Place is an entry of the gazetteer.
type Place struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"` // country, region, district, settlement, corridor, checkpoint, area
	Label  string `json:"label"`
	Names  []Name `json:"names"`
	Parent string `json:"parent,omitempty"`
	Point  *Point `json:"point,omitempty"`
	// Geometry is a GeoJSON Polygon or MultiPolygon, as raw JSON.
	Geometry    json.RawMessage `json:"geometry,omitempty"`
	Attribution string          `json:"attribution,omitempty"`
}

// Actor is a party: state, armed force, de facto authority, peacekeeping
// force, mediator, organisation, person.
type Actor struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Label       string `json:"label"`
	Names       []Name `json:"names"`
	Affiliation string `json:"affiliation,omitempty"` // actor id
}

// Source is a document claims are drawn from. Its text is stored once,
// addressed by its SHA-256.
type Source struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"` // agreement, statement, news, field_report, dataset
	Title       string    `json:"title"`
	Publisher   string    `json:"publisher,omitempty"`
	Author      string    `json:"author,omitempty"`
	URL         string    `json:"url,omitempty"`
	Published   Date      `json:"published"`
	Lang        string    `json:"lang,omitempty"`
	Reliability string    `json:"reliability"` // A-F
	TextHash    string    `json:"text_hash,omitempty"`
	TextLen     int       `json:"text_len"`
	Restricted  bool      `json:"restricted,omitempty"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// HashText is the address of a source text.
func HashText(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// Claim statuses. A review is appended, never written over the claim.
const (
	Candidate = "candidate"
	Accepted  = "accepted"
	Rejected  = "rejected"
)

// Claim kinds.
const (
	KindControl    = "control"
	KindPresence   = "presence"
	KindFigure     = "figure"
	KindEvent      = "event"
	KindStatement  = "statement"
	KindDeadline   = "deadline"
	KindEvidence   = "provision_evidence"
	KindHazard     = "hazard"
	KindRelease    = "land_release"
	KindService    = "service"
	KindRetraction = "retraction"
)

// Kinds lists every claim kind truce accepts.
var Kinds = []string{KindControl, KindPresence, KindFigure, KindEvent, KindStatement,
	KindDeadline, KindEvidence, KindHazard, KindRelease, KindService, KindRetraction}

// Attribution ties a claim to the span of a source that states it:
// byte offsets [Start, End) into the source text.
type Attribution struct {
	Source string `json:"source"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Quote  string `json:"quote,omitempty"`
	// Via is the corroborating claim an attribution came from, when it is
	// shown on the claim it corroborates.
	Via string `json:"via,omitempty"`
}

// Claim is a statement about the world, valid over some time, made by a
// party, reported in sources. Exactly one payload matches Kind.
type Claim struct {
	ID           string        `json:"id"`
	Kind         string        `json:"kind"`
	Valid        Interval      `json:"valid"`
	Attributions []Attribution `json:"attributions"`
	AssertedBy   string        `json:"asserted_by,omitempty"` // actor id
	RecordedAt   time.Time     `json:"recorded_at"`
	RecordedBy   string        `json:"recorded_by"`
	Status       string        `json:"status"`
	Credibility  int           `json:"credibility"` // 1-6
	Supersedes   string        `json:"supersedes,omitempty"`
	// Corroborates names the claim this one reports again: its attributions
	// count as further sources of that claim, not as a second fact.
	Corroborates string `json:"corroborates,omitempty"`
	Note         string `json:"note,omitempty"`
	// Rule says which extraction rule or import produced a machine draft.
	Rule       string  `json:"rule,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	Restricted bool    `json:"restricted,omitempty"`

	Control   *Control   `json:"control,omitempty"`
	Presence  *Presence  `json:"presence,omitempty"`
	Figure    *Figure    `json:"figure,omitempty"`
	Event     *Event     `json:"event,omitempty"`
	Statement *Statement `json:"statement,omitempty"`
	Deadline  *Deadline  `json:"deadline,omitempty"`
	Evidence  *Evidence  `json:"provision_evidence,omitempty"`
	Hazard    *Hazard    `json:"hazard,omitempty"`
	Release   *Release   `json:"land_release,omitempty"`
	Service   *Service   `json:"service,omitempty"`
}

// Control: an actor controls a place from a time.
type Control struct {
	Place string `json:"place"`
	Actor string `json:"actor"`
	Mode  string `json:"mode"` // capture, handover, withdrawal, agreement
}

// Presence: an actor is present at a place without controlling it.
type Presence struct {
	Place string `json:"place"`
	Actor string `json:"actor"`
	Role  string `json:"role"` // peacekeeping, monitoring, military
}

// Figure is a quantity as reported, with its range and qualifier.
type Figure struct {
	Metric    string   `json:"metric"` // displaced, returned, peacekeepers, fatalities, ...
	Place     string   `json:"place,omitempty"`
	Actor     string   `json:"actor,omitempty"`
	Low       *float64 `json:"low,omitempty"`
	Best      *float64 `json:"best,omitempty"`
	High      *float64 `json:"high,omitempty"`
	Qualifier string   `json:"qualifier"` // exact, about, more_than, less_than, up_to, nearly
	Unit      string   `json:"unit,omitempty"`
	// Round is an assessment round (DTM) where the figure comes from one.
	Round string `json:"round,omitempty"`
	// Origin marks a count of people displaced *from* Place, as against
	// people present in it.
	Origin bool `json:"origin,omitempty"`
}

// Event is an occurrence coded in ACLED's vocabulary.
type Event struct {
	Type    string   `json:"type"`
	SubType string   `json:"sub_type,omitempty"`
	Actors  []string `json:"actors,omitempty"`
	// Roles, when set, gives each actor's role in the source's coding,
	// parallel to Actors (ACLED: actor1, assoc_actor_1, actor2,
	// assoc_actor_2), so that an export writes each back in its column.
	// Without them the first actor is actor1 (side A), the second actor2.
	Roles      []string `json:"roles,omitempty"`
	Place      string   `json:"place,omitempty"`
	Point      *Point   `json:"point,omitempty"`
	GeoPrec    int      `json:"geo_precision,omitempty"`
	Location   string   `json:"location,omitempty"`
	Fatalities *Range   `json:"fatalities,omitempty"`
	ExternalID string   `json:"external_id,omitempty"` // event_id_cnty, GED id
	Notes      string   `json:"notes,omitempty"`
}

// Range is a low/best/high estimate.
type Range struct {
	Low  *float64 `json:"low,omitempty"`
	Best *float64 `json:"best,omitempty"`
	High *float64 `json:"high,omitempty"`
}

// Statement is a party's declared position.
type Statement struct {
	Actor    string `json:"actor"`
	Position string `json:"position"`
	About    string `json:"about,omitempty"` // the place it concerns, if any
}

// Deadline sets when a provision is due; a later deadline claim amends it.
type Deadline struct {
	Provision string `json:"provision"` // agreement/number, e.g. "karabakh-2020/6a"
	Due       Date   `json:"due"`
}

// Evidence says how far a provision is implemented.
type Evidence struct {
	Provision string `json:"provision"`
	Outcome   string `json:"outcome"` // met, in_progress, in_force, breached, not_met
}

// Hazard is a suspected or confirmed hazardous area (IMAS).
type Hazard struct {
	Place    string          `json:"place"`
	Area     string          `json:"area"`   // hazard area id
	Status   string          `json:"status"` // suspected, confirmed
	AreaM2   float64         `json:"area_m2"`
	Geometry json.RawMessage `json:"geometry,omitempty"`
	Devices  int             `json:"devices,omitempty"`
}

// Release is land released from a hazard area by survey or clearance.
type Release struct {
	Place   string  `json:"place"`
	Area    string  `json:"area"`
	Method  string  `json:"method"` // cancelled, reduced, cleared
	AreaM2  float64 `json:"area_m2"`
	Devices int     `json:"devices_destroyed,omitempty"`
}

// Service is the state of infrastructure or a service at a place.
type Service struct {
	Place  string `json:"place"`
	Sector string `json:"sector"` // housing, water, power, roads, health, schools
	Status string `json:"status"` // destroyed, damaged, under_repair, functional
}

// Agreement is a signed text made of provisions.
type Agreement struct {
	ID         string      `json:"id"`
	Title      string      `json:"title"`
	Parties    []string    `json:"parties"`
	Signed     Date        `json:"signed"`
	InForce    Date        `json:"in_force"`
	Source     string      `json:"source"`
	Provisions []Provision `json:"provisions"`
	Mandates   []Mandate   `json:"mandates,omitempty"`
}

// Provision is one numbered commitment of an agreement.
type Provision struct {
	ID            string   `json:"id"` // agreement id + "/" + number
	Number        string   `json:"number"`
	Summary       string   `json:"summary"`
	Category      string   `json:"category"`
	Obligated     []string `json:"obligated"`
	Beneficiaries []string `json:"beneficiaries,omitempty"`
	Expected      Outcome  `json:"expected"`
	Start         int      `json:"span_start,omitempty"`
	End           int      `json:"span_end,omitempty"`
}

// Outcome is the pattern of claims that satisfies a provision.
// Kind control: Place and Actor. Kind figure: Metric (and Place). Kind
// evidence: only provision_evidence claims decide.
type Outcome struct {
	Kind   string `json:"kind"`
	Place  string `json:"place,omitempty"`
	Actor  string `json:"actor,omitempty"`
	Metric string `json:"metric,omitempty"`
	Role   string `json:"role,omitempty"`
}

// Mandate is a term of presence with a renewal rule: it renews for
// RenewYears unless a party gives notice NoticeMonths before expiry.
type Mandate struct {
	ID           string `json:"id"`
	Provision    string `json:"provision"`
	Actor        string `json:"actor"`
	Start        Date   `json:"start"`
	TermYears    int    `json:"term_years"`
	RenewYears   int    `json:"renew_years"`
	NoticeMonths int    `json:"notice_months"`
	Personnel    int    `json:"personnel,omitempty"`
	Equipment    string `json:"equipment,omitempty"`
}
