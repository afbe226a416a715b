package queue_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/queue"
)

// cpTags returns n tags k00..k(n-1) with value v.
func cpTags(n int, v string) map[string]string {
	tags := make(map[string]string, n)
	for i := range n {
		tags[fmt.Sprintf("k%02d", i)] = v
	}
	return tags
}

// cpListTags returns the tags of q or fails the test.
func cpListTags(e *env, q *queue.Queue) map[string]string {
	e.t.Helper()
	out, err := q.ListQueueTags(e.ctx, queue.ListQueueTagsInput{})
	if err != nil {
		e.t.Fatalf("ListQueueTags: %v", err)
	}
	return out.Tags
}

const (
	cpTooMany  = "Too many tags added for queue jobs."
	cpKeyLen   = "Tag keys must be between 1 and 128 characters in length."
	cpValueLen = "Tag values must be between 0 and 256 characters in length."
)

// cpTagCases are tag sets judged on their own, by CreateQueue and TagQueue
// alike. msg "" with valid false means the text is not known from AWS.
var cpTagCases = []struct {
	name  string
	tags  map[string]string
	valid bool
	msg   string
}{
	{"one", map[string]string{"team": "a"}, true, ""},
	{"empty value", map[string]string{"team": ""}, true, ""},
	{"50 tags", cpTags(50, "v"), true, ""},
	{"51 tags", cpTags(51, "v"), false, cpTooMany},
	{"key of 128", map[string]string{strings.Repeat("k", 128): "v"}, true, ""},
	{"key of 129", map[string]string{strings.Repeat("k", 129): "v"}, false, cpKeyLen},
	{"key of 128 two-byte characters", map[string]string{strings.Repeat("\u00e9", 128): "v"}, true, ""},
	{"key of 129 two-byte characters", map[string]string{strings.Repeat("\u00e9", 129): "v"}, false, cpKeyLen},
	{"empty key", map[string]string{"": "v"}, false, cpKeyLen},
	{"value of 256", map[string]string{"k": strings.Repeat("v", 256)}, true, ""},
	{"value of 257", map[string]string{"k": strings.Repeat("v", 257)}, false, cpValueLen},
	{"value of 256 two-byte characters", map[string]string{"k": strings.Repeat("\u00e9", 256)}, true, ""},
	{"aws: prefix", map[string]string{"aws:team": "v"}, false, ""},
	{"AWS: prefix", map[string]string{"AWS:team": "v"}, false, ""},
	{"aws without colon", map[string]string{"awsteam": "v"}, true, ""},
	{"aws: elsewhere", map[string]string{"team:aws:x": "v"}, true, ""},
	{"one bad among good", map[string]string{"a": "1", "b": strings.Repeat("v", 257), "c": "3"}, false, cpValueLen},
}

func TestCreateQueueTags(t *testing.T) {
	for _, tt := range cpTagCases {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Tags: tt.tags})
			if !tt.valid {
				wantErr(t, err, queue.ErrInvalidParameterValue, tt.msg)
				if _, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: "jobs"}); err == nil {
					t.Errorf("GetQueueUrl after rejected CreateQueue: got nil, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateQueue: got %v, want nil", err)
			}
			if got := cpListTags(e, q); !maps.Equal(got, tt.tags) {
				t.Errorf("tags: got %v, want %v", got, tt.tags)
			}
		})
	}
}

func TestTagQueueValidation(t *testing.T) {
	initial := map[string]string{"keep": "me"}
	for _, tt := range cpTagCases {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Tags: initial})
			if err != nil {
				t.Fatal(err)
			}
			_, err = q.TagQueue(e.ctx, queue.TagQueueInput{Tags: tt.tags})
			want := maps.Clone(initial)
			maps.Copy(want, tt.tags)
			switch {
			case !tt.valid:
				wantErr(t, err, queue.ErrInvalidParameterValue, tt.msg)
				want = initial
			case len(want) > 50: // valid alone, too many with the initial tag
				wantErr(t, err, queue.ErrInvalidParameterValue, cpTooMany)
				want = initial
			case err != nil:
				t.Fatalf("TagQueue: got %v, want nil", err)
			}
			if got := cpListTags(e, q); !maps.Equal(got, want) {
				t.Errorf("tags: got %v, want %v", got, want)
			}
		})
	}
}

func TestTagQueueLimitAfterMerge(t *testing.T) {
	tests := []struct {
		name     string
		existing int
		add      map[string]string
		valid    bool
	}{
		{"45 + 5 new", 45, map[string]string{"n1": "", "n2": "", "n3": "", "n4": "", "n5": ""}, true},
		{"45 + 6 new", 45, map[string]string{"n1": "", "n2": "", "n3": "", "n4": "", "n5": "", "n6": ""}, false},
		{"50 + 1 new", 50, map[string]string{"n1": ""}, false},
		{"50 + 50 overwritten", 50, cpTags(50, "new"), true},
		{"50 + 1 overwritten", 50, map[string]string{"k07": "new"}, true},
		{"45 + 10 overwritten + 5 new", 45, func() map[string]string {
			m := cpTags(10, "new")
			for i := range 5 {
				m[fmt.Sprintf("n%d", i)] = "new"
			}
			return m
		}(), true},
		{"45 + 10 overwritten + 6 new", 45, func() map[string]string {
			m := cpTags(10, "new")
			for i := range 6 {
				m[fmt.Sprintf("n%d", i)] = "new"
			}
			return m
		}(), false},
		{"0 + 51 new", 0, cpTags(51, "v"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			initial := cpTags(tt.existing, "old")
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Tags: initial})
			if err != nil {
				t.Fatal(err)
			}
			_, err = q.TagQueue(e.ctx, queue.TagQueueInput{Tags: tt.add})
			want := maps.Clone(initial)
			if tt.valid {
				if err != nil {
					t.Fatalf("TagQueue: got %v, want nil", err)
				}
				maps.Copy(want, tt.add)
			} else {
				wantErr(t, err, queue.ErrInvalidParameterValue, cpTooMany)
			}
			if got := cpListTags(e, q); !maps.Equal(got, want) {
				t.Errorf("tags: got %d %v, want %d %v", len(got), got, len(want), want)
			}
		})
	}
}

func TestTagAndUntagQueue(t *testing.T) {
	e := newEnv(t)
	q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Tags: map[string]string{"team": "a", "env": "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		tag   map[string]string
		untag []string
		want  map[string]string
	}{
		{name: "created with tags", want: map[string]string{"team": "a", "env": "dev"}},
		{name: "overwrite one, add one", tag: map[string]string{"team": "b", "cost": "42"},
			want: map[string]string{"team": "b", "env": "dev", "cost": "42"}},
		{name: "same value again", tag: map[string]string{"team": "b"},
			want: map[string]string{"team": "b", "env": "dev", "cost": "42"}},
		{name: "keys are case-sensitive", tag: map[string]string{"Team": "C"},
			want: map[string]string{"team": "b", "Team": "C", "env": "dev", "cost": "42"}},
		{name: "untag missing key is a no-op", untag: []string{"nope"},
			want: map[string]string{"team": "b", "Team": "C", "env": "dev", "cost": "42"}},
		{name: "untag one present, one missing, one repeated", untag: []string{"team", "nope", "team"},
			want: map[string]string{"Team": "C", "env": "dev", "cost": "42"}},
		{name: "untag by exact case only", untag: []string{"ENV"},
			want: map[string]string{"Team": "C", "env": "dev", "cost": "42"}},
		{name: "untag the rest", untag: []string{"Team", "env", "cost"}, want: map[string]string{}},
		{name: "untag on no tags", untag: []string{"x"}, want: map[string]string{}},
		{name: "empty value", tag: map[string]string{"flag": ""}, want: map[string]string{"flag": ""}},
	}
	for _, s := range steps {
		if s.tag != nil {
			if _, err := q.TagQueue(e.ctx, queue.TagQueueInput{Tags: s.tag}); err != nil {
				t.Fatalf("%s: TagQueue: %v", s.name, err)
			}
		}
		if s.untag != nil {
			if _, err := q.UntagQueue(e.ctx, queue.UntagQueueInput{TagKeys: s.untag}); err != nil {
				t.Fatalf("%s: UntagQueue: %v", s.name, err)
			}
		}
		if got := cpListTags(e, q); !maps.Equal(got, s.want) {
			t.Errorf("%s: tags: got %v, want %v", s.name, got, s.want)
		}
	}
}

func TestTagsMissingParameter(t *testing.T) {
	e := newEnv(t)
	q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		msg  string
	}{
		{"TagQueue nil", func() error {
			_, err := q.TagQueue(e.ctx, queue.TagQueueInput{})
			return err
		}, "The request must contain the parameter Tags."},
		{"TagQueue empty", func() error {
			_, err := q.TagQueue(e.ctx, queue.TagQueueInput{Tags: map[string]string{}})
			return err
		}, "The request must contain the parameter Tags."},
		{"UntagQueue nil", func() error {
			_, err := q.UntagQueue(e.ctx, queue.UntagQueueInput{})
			return err
		}, "The request must contain the parameter TagKeys."},
		{"UntagQueue empty", func() error {
			_, err := q.UntagQueue(e.ctx, queue.UntagQueueInput{TagKeys: []string{}})
			return err
		}, "The request must contain the parameter TagKeys."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.call(), queue.ErrMissingParameter, tt.msg)
			if got, want := cpListTags(e, q), map[string]string{"team": "a"}; !maps.Equal(got, want) {
				t.Errorf("tags: got %v, want %v", got, want)
			}
		})
	}
}

func TestTagsAreCopied(t *testing.T) {
	e := newEnv(t)
	in := map[string]string{"team": "a"}
	q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Tags: in})
	if err != nil {
		t.Fatal(err)
	}
	in["team"] = "changed"
	in["sneaked"] = "in"
	if got, want := cpListTags(e, q), map[string]string{"team": "a"}; !maps.Equal(got, want) {
		t.Errorf("tags after the caller changed the CreateQueue map: got %v, want %v", got, want)
	}
	add := map[string]string{"env": "dev"}
	if _, err := q.TagQueue(e.ctx, queue.TagQueueInput{Tags: add}); err != nil {
		t.Fatal(err)
	}
	add["env"] = "changed"
	out := cpListTags(e, q)
	out["team"] = "changed"
	out["new"] = "x"
	if got, want := cpListTags(e, q), map[string]string{"team": "a", "env": "dev"}; !maps.Equal(got, want) {
		t.Errorf("tags after callers changed their maps: got %v, want %v", got, want)
	}
}
