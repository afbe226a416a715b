package awsapi

import (
	"bytes"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// xmlWriter builds an XML document by hand: the query protocols' shapes are
// fixed, flattened and ordered, and hand-writing them is simpler and faster
// than struct tags.
type xmlWriter struct {
	b bytes.Buffer
}

func newXMLWriter() *xmlWriter { return &xmlWriter{} }

func (x *xmlWriter) raw(s string) { x.b.WriteString(s) }

// open writes <tag>; tag may carry attributes.
func (x *xmlWriter) open(tag string) {
	x.b.WriteByte('<')
	x.b.WriteString(tag)
	x.b.WriteByte('>')
}

// close writes </name>.
func (x *xmlWriter) close(name string) {
	x.b.WriteString("</")
	x.b.WriteString(name)
	x.b.WriteByte('>')
}

// elem writes <name>text</name>, the text escaped.
func (x *xmlWriter) elem(name, text string) {
	x.open(name)
	x.text(text)
	x.close(name)
}

// elemOpt writes elem unless text is empty.
func (x *xmlWriter) elemOpt(name, text string) {
	if text != "" {
		x.elem(name, text)
	}
}

// text writes s escaped as AWS escapes it: quotes as &quot; and carriage
// returns as &#xD;, so a body survives an XML parser byte for byte.
// Characters XML cannot carry are written as U+FFFD; the native services
// reject them before a response is built.
func (x *xmlWriter) text(s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '<':
			x.b.WriteString("&lt;")
		case r == '>':
			x.b.WriteString("&gt;")
		case r == '&':
			x.b.WriteString("&amp;")
		case r == '"':
			x.b.WriteString("&quot;")
		case r == '\'':
			x.b.WriteString("&apos;")
		case r == '\r':
			x.b.WriteString("&#xD;")
		case r == '\n' || r == '\t':
			x.b.WriteRune(r)
		case r == utf8.RuneError && size == 1, r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			x.b.WriteString("\uFFFD")
		default:
			x.b.WriteString(s[i : i+size])
		}
		i += size
	}
}

// send writes the document with status.
func (x *xmlWriter) send(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(x.b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(x.b.Bytes())
}
