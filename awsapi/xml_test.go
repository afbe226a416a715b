package awsapi

import (
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

// validXML reports whether every rune of s is an XML 1.0 Char.
func validXML(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return false
		}
	}
	return utf8.ValidString(s)
}

// FuzzXMLText checks that text written by the XML writer reads back
// unchanged, carriage returns and quotes included, and that text XML cannot
// carry still yields a document that parses.
func FuzzXMLText(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", `"q" & <x> 'y'`, "\x00\x01", "tab\there", "\uFFFE", "é漢字🙂", "\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x := newXMLWriter()
		x.elem("Body", s)
		var got struct {
			Body string `xml:"Body"`
		}
		doc := "<R>" + x.b.String() + "</R>"
		if err := xml.Unmarshal([]byte(doc), &got); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if validXML(s) && got.Body != s {
			t.Fatalf("wrote %q, read %q", s, got.Body)
		}
		if strings.Contains(x.b.String(), "\r") {
			t.Fatalf("raw carriage return in %q", x.b.String())
		}
	})
}
