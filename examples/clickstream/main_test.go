package main

import (
	"strings"
	"testing"
)

func TestClickstream(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := `[09:00:02] stream clicks is ACTIVE with 2 shards
[09:00:06] split shardId-000000000000 at 85070591730234615865843651857942052863: the stream is UPDATING
[09:00:08] reader finished closed shardId-000000000000 (45 records); children shardId-000000000002, shardId-000000000003
[09:00:12] produced 122 clicks, read 122, every user's clicks in order: true
[09:00:12]   shardId-000000000000: 45 records
[09:00:12]   shardId-000000000001: 39 records
[09:00:12]   shardId-000000000002: 20 records
[09:00:12]   shardId-000000000003: 18 records
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
