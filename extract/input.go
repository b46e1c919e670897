package extract

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"truce/ledger"
)

// MaxBytes bounds one report. A wire story is a few kilobytes and a long
// monitoring report a few hundred; anything above this is refused whole
// rather than read in part.
const MaxBytes = 8 << 20

// Page is what an HTML page says about itself.
type Page struct {
	Title     string
	Published string // as the page gives it (article:published_time ...)
	Publisher string
	URL       string
}

// ReadAll reads at most MaxBytes from r; more is an error naming name.
func ReadAll(name string, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("%s: %w: more than %d bytes; one report may be at most %d MB",
			name, ledger.ErrInvalid, MaxBytes, MaxBytes>>20)
	}
	return b, nil
}

// Text turns a file's bytes into the text that is stored and read:
// UTF-8, without a byte-order mark, with "\n" line ends; an HTML page
// becomes its article text. It refuses binary data, invalid UTF-8 and
// empty input, naming the file, line and byte.
func Text(name string, raw []byte) (string, Page, error) {
	if len(raw) > MaxBytes {
		return "", Page{}, fmt.Errorf("%s: %w: %d bytes; one report may be at most %d MB", name, ledger.ErrInvalid, len(raw), MaxBytes>>20)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(raw, []byte("\xff\xfe")) || bytes.HasPrefix(raw, []byte("\xfe\xff")) {
		return "", Page{}, fmt.Errorf("%s: %w: UTF-16 text (byte-order mark at byte 0): want UTF-8 (convert it with iconv -f UTF-16 -t UTF-8)",
			name, ledger.ErrInvalid)
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return "", Page{}, fmt.Errorf("%s: %w: binary data (NUL byte at line %d, byte %d): want a text or HTML report",
			name, ledger.ErrInvalid, 1+bytes.Count(raw[:i], []byte("\n")), i)
	}
	if !utf8.Valid(raw) {
		i := 0
		for i < len(raw) {
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return "", Page{}, fmt.Errorf("%s: %w: invalid UTF-8 at line %d, byte %d: want UTF-8 text (convert it with iconv first)",
			name, ledger.ErrInvalid, 1+bytes.Count(raw[:i], []byte("\n")), i)
	}
	ctrl := 0
	for _, c := range raw {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctrl++
		}
	}
	if ctrl > 0 && ctrl*100 > len(raw) {
		return "", Page{}, fmt.Errorf("%s: %w: binary data (%d control bytes): want a text or HTML report", name, ledger.ErrInvalid, ctrl)
	}
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	var page Page
	if isHTML(name, s) {
		var err error
		s, page, err = articleText(s)
		if err != nil {
			return "", Page{}, fmt.Errorf("%s: %w: HTML: %v", name, ledger.ErrInvalid, err)
		}
	}
	if strings.TrimSpace(s) == "" {
		return "", Page{}, fmt.Errorf("%s: %w: empty: no text to read", name, ledger.ErrInvalid)
	}
	return s, page, nil
}

func isHTML(name, s string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm", ".xhtml":
		return true
	case ".txt", ".text", ".md":
		return false
	}
	head := strings.ToLower(strings.TrimSpace(s[:min(len(s), 512)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") ||
		strings.Contains(head, "<body") || strings.Contains(head, "<head")
}

// skipTags never hold article text.
var skipTags = map[string]bool{"script": true, "style": true, "noscript": true, "nav": true, "footer": true,
	"aside": true, "form": true, "iframe": true, "svg": true, "button": true, "template": true, "select": true,
	"menu": true, "figure": true, "object": true, "embed": true, "canvas": true, "head": true, "dialog": true}

// boilerClass marks containers of menus, share bars and teasers.
var boilerClass = []string{"nav", "menu", "footer", "share", "social", "related", "comment", "cookie",
	"subscribe", "newsletter", "advert", "promo", "breadcrumb", "sidebar", "banner", "popup", "modal", "teaser", "signup"}

var blockTags = map[string]bool{"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "li": true, "blockquote": true, "section": true, "article": true, "br": true, "tr": true,
	"pre": true, "ul": true, "ol": true, "table": true, "main": true, "header": true, "dd": true, "dt": true}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func boiler(n *html.Node) bool {
	if skipTags[n.Data] {
		return true
	}
	if r := attr(n, "role"); r == "navigation" || r == "banner" || r == "contentinfo" || r == "complementary" {
		return true
	}
	if attr(n, "hidden") != "" || attr(n, "aria-hidden") == "true" {
		return true
	}
	cls := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	for _, w := range boilerClass {
		if strings.Contains(cls, w) {
			return true
		}
	}
	return false
}

// articleText is the text of a page's article: the <article> (or <main>,
// or the body) without scripts, menus, share bars and teasers, one
// paragraph per block.
func articleText(src string) (string, Page, error) {
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return "", Page{}, err
	}
	var page Page
	var article, main, body *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "title":
				if page.Title == "" && n.FirstChild != nil {
					page.Title = strings.TrimSpace(n.FirstChild.Data)
				}
			case "meta":
				k := attr(n, "property") + attr(n, "name") + attr(n, "itemprop")
				v := attr(n, "content")
				switch k {
				case "article:published_time", "datePublished", "date", "pubdate", "dc.date", "DC.date.issued":
					if page.Published == "" {
						page.Published = v
					}
				case "og:site_name":
					page.Publisher = v
				case "og:url":
					page.URL = v
				case "og:title":
					if v != "" {
						page.Title = v
					}
				}
			case "link":
				if attr(n, "rel") == "canonical" && page.URL == "" {
					page.URL = attr(n, "href")
				}
			case "article":
				if article == nil {
					article = n
				}
			case "main":
				if main == nil {
					main = n
				}
			case "body":
				body = n
			}
			if attr(n, "role") == "main" && main == nil {
				main = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	top := article
	if top == nil {
		top = main
	}
	if top == nil {
		top = body
	}
	if top == nil {
		top = root
	}
	var paras []string
	var cur strings.Builder
	flush := func() {
		if s := strings.Join(strings.Fields(cur.String()), " "); s != "" {
			paras = append(paras, s)
		}
		cur.Reset()
	}
	var text func(n *html.Node)
	text = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			if n != top && boiler(n) {
				return
			}
			if n.Data == "time" && page.Published == "" {
				page.Published = attr(n, "datetime")
			}
		}
		block := n.Type == html.ElementNode && blockTags[n.Data]
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			text(c)
		}
		if block {
			flush()
		}
	}
	text(top)
	flush()
	return strings.Join(paras, "\n\n"), page, nil
}
