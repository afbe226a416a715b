package firehose_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

func FuzzPrefix(f *testing.F) {
	for _, s := range []string{"", "p/", "!{timestamp:yyyy}/!{firehose:random-string}", "!{firehose:error-output-type}/",
		"!{partitionKeyFromQuery:k}/!{partitionKeyFromLambda:l}", "!{", "a!{b", "!{timestamp:'x'yyyy''}", "!{timestamp:[}", "}!{}"} {
		f.Add(s, int64(1795604645))
	}
	f.Fuzz(func(t *testing.T, prefix string, sec int64) {
		at := time.Unix(sec%(1<<35), 0).UTC()
		got, err := firehose.ParsePrefixForTest(prefix, at, "processing-failed", map[string]string{"k": "K", "l": "L"})
		if err != nil {
			return
		}
		again, _ := firehose.ParsePrefixForTest(prefix, at, "processing-failed", map[string]string{"k": "K", "l": "L"})
		if got != again {
			t.Fatalf("evaluation is not deterministic: %q then %q", got, again)
		}
		if !strings.Contains(prefix, "!{") && got != prefix {
			t.Fatalf("a prefix without expressions evaluated to %q, want itself %q", got, prefix)
		}
	})
}

func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{"yyyy/MM/dd/HH/", "yyyy-MM-dd-HH-mm-ss", "'year='yyyy", "''", "EEEE MMMM a h K k", "SSS n A D w Y Q q", "VV z O OOOO X XX XXX x Z ZZZZ ZZZZZ", "GGGG uuuu"} {
		f.Add(s, int64(1795604645))
	}
	f.Fuzz(func(t *testing.T, pattern string, sec int64) {
		at := time.Unix(sec%(1<<35), sec%1e9).UTC()
		_, _ = firehose.FormatTimestampForTest(pattern, at)
		// Quoted text is literal.
		if pattern != "" && !strings.Contains(pattern, "'") { // '' is a quote
			got, err := firehose.FormatTimestampForTest("'"+pattern+"'", at)
			if err != nil || got != pattern {
				t.Fatalf("quoted %q = %q, %v", pattern, got, err)
			}
		}
	})
}

func TestTimestampMatchesGo(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 7, 4, 5, 6, 789_000_000, tokyo)
	tests := map[string]string{
		"yyyy/MM/dd/HH/":      at.Format("2006/01/02/15/"),
		"yy-M-d H:m:s":        "26-3-7 4:5:6",
		"yyyy-MM-dd'T'HH:mm":  at.Format("2006-01-02T15:04"),
		"EEE, dd MMM yyyy":    at.Format("Mon, 02 Jan 2006"),
		"EEEE MMMM":           at.Format("Monday January"),
		"hh:mm a":             at.Format("03:04 PM"),
		"SSS":                 "789",
		"D":                   "66",
		"Q QQQ QQQQ":          "1 Q1 1st quarter",
		"xxx":                 "+09:00",
		"XX":                  "+0900",
		"VV":                  "Asia/Tokyo",
		"'It''s' yyyy":        "It's 2026",
		"''yyyy''":            "'2026'",
		"yyyy'/'MM'/'dd'/'HH": at.Format("2006/01/02/15"),
	}
	for pattern, want := range tests {
		got, err := firehose.FormatTimestampForTest(pattern, at)
		if err != nil || got != want {
			t.Errorf("format(%q) = %q, %v; want %q", pattern, got, err, want)
		}
	}
	for _, bad := range []string{"yyyy-bb", "'open", "[yyyy]", "yyyy#", "ddd", "HHH", "V"} {
		if _, err := firehose.FormatTimestampForTest(bad, at); err == nil {
			t.Errorf("format(%q) accepted, want an error", bad)
		}
	}
}
