package main

import (
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := `[09:00:00] created queue https://sqs.us-east-1.amazonaws.com/123456789012/orders
[09:00:00] sent message 825f88fa-254a-433d-aced-3b2029787aa4
[09:00:00] long poll received "order #1001: 2 coffees"
[09:00:00] another receive right away gets 0 messages: the first is in flight
[09:00:30] 30 s later it is redelivered: "order #1001: 2 coffees", receive count 2, same id: true
[09:00:30] deleted it: 0 visible, 0 in flight
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
