package queue_test

import (
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/sluicehq/sluice/queue"
)

func TestDefaultAttributes(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	ts := strconv.FormatInt(epoch.Unix(), 10)
	want := map[queue.AttributeName]string{
		queue.AttributeApproximateNumberOfMessages:           "0",
		queue.AttributeApproximateNumberOfMessagesDelayed:    "0",
		queue.AttributeApproximateNumberOfMessagesNotVisible: "0",
		queue.AttributeCreatedTimestamp:                      ts,
		queue.AttributeDelaySeconds:                          "0",
		queue.AttributeLastModifiedTimestamp:                 ts,
		queue.AttributeMaximumMessageSize:                    "1048576",
		queue.AttributeMessageRetentionPeriod:                "345600",
		queue.AttributeQueueArn:                              "arn:aws:sqs:us-east-1:123456789012:jobs",
		queue.AttributeReceiveMessageWaitTimeSeconds:         "0",
		queue.AttributeSqsManagedSseEnabled:                  "true",
		queue.AttributeVisibilityTimeout:                     "30",
	}
	got := cpAll(e, q)
	for name, w := range want {
		if g, ok := got[name]; !ok || g != w {
			t.Errorf("%s: got %q (present %v), want %q", name, g, ok, w)
		}
	}
	for name, g := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: got %q, want no such key", name, g)
		}
	}
	if _, ok := got[queue.AttributeFifoQueue]; ok {
		t.Errorf("FifoQueue: got present, want absent on a standard queue")
	}
}

func TestGetQueueAttributesNames(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	tests := []struct {
		name  string
		names []queue.AttributeName
		want  map[queue.AttributeName]string // nil with wantErr
		// wantErr is the unknown name AWS reports, if any.
		wantErr string
	}{
		{name: "none", names: nil, want: map[queue.AttributeName]string{}},
		{name: "empty list", names: []queue.AttributeName{}, want: map[queue.AttributeName]string{}},
		{name: "one", names: []queue.AttributeName{queue.AttributeVisibilityTimeout},
			want: map[queue.AttributeName]string{queue.AttributeVisibilityTimeout: "30"}},
		{name: "two, repeated", names: []queue.AttributeName{queue.AttributeDelaySeconds, queue.AttributeQueueArn, queue.AttributeDelaySeconds},
			want: map[queue.AttributeName]string{queue.AttributeDelaySeconds: "0", queue.AttributeQueueArn: "arn:aws:sqs:us-east-1:123456789012:jobs"}},
		{name: "unset ones are absent", names: []queue.AttributeName{
			queue.AttributePolicy, queue.AttributeRedrivePolicy, queue.AttributeRedriveAllowPolicy, queue.AttributeKmsMasterKeyId,
			queue.AttributeFifoQueue, queue.AttributeContentBasedDeduplication, queue.AttributeDeduplicationScope, queue.AttributeFifoThroughputLimit,
		}, want: map[queue.AttributeName]string{}},
		{name: "unknown", names: []queue.AttributeName{"Foo"}, wantErr: "Foo"},
		{name: "unknown after known", names: []queue.AttributeName{queue.AttributeVisibilityTimeout, "NoSuchThing"}, wantErr: "NoSuchThing"},
		{name: "wrong case", names: []queue.AttributeName{"visibilityTimeout"}, wantErr: "visibilityTimeout"},
		{name: "all in lower case", names: []queue.AttributeName{"all"}, wantErr: "all"},
		{name: "message system attribute", names: []queue.AttributeName{"SentTimestamp"}, wantErr: "SentTimestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := q.GetQueueAttributes(e.ctx, queue.GetQueueAttributesInput{AttributeNames: tt.names})
			if tt.wantErr != "" {
				wantErr(t, err, queue.ErrInvalidAttributeName, "Unknown Attribute "+tt.wantErr+".")
				return
			}
			if err != nil {
				t.Fatalf("GetQueueAttributes: got %v, want nil", err)
			}
			if !maps.Equal(out.Attributes, tt.want) {
				t.Errorf("attributes: got %v, want %v", out.Attributes, tt.want)
			}
		})
	}
}

// cpRange is one value of one attribute for TestAttributeRanges.
type cpRange struct {
	attr  queue.AttributeName
	set   queue.Attributes
	valid bool
	want  string // the value GetQueueAttributes shows when valid
}

func cpDurationRanges(attr queue.AttributeName, field func(*queue.Attributes) **time.Duration, lo, hi time.Duration, extra queue.Attributes) []cpRange {
	row := func(d time.Duration, valid bool) cpRange {
		a := extra
		*field(&a) = new(d)
		return cpRange{attr: attr, set: a, valid: valid, want: strconv.FormatInt(int64(d/time.Second), 10)}
	}
	return []cpRange{
		row(lo, true),
		row(hi, true),
		row((lo+hi)/2/time.Second*time.Second, true),
		row(lo-time.Second, false),
		row(hi+time.Second, false),
		row(lo+1500*time.Millisecond, false),
		row(hi-time.Nanosecond, false),
		row(-time.Hour, false),
	}
}

func TestAttributeRanges(t *testing.T) {
	kms := queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs")}
	var rows []cpRange
	rows = append(rows, cpDurationRanges(queue.AttributeVisibilityTimeout,
		func(a *queue.Attributes) **time.Duration { return &a.VisibilityTimeout }, 0, 43200*time.Second, queue.Attributes{})...)
	rows = append(rows, cpDurationRanges(queue.AttributeMessageRetentionPeriod,
		func(a *queue.Attributes) **time.Duration { return &a.MessageRetentionPeriod }, 60*time.Second, 1209600*time.Second, queue.Attributes{})...)
	rows = append(rows, cpDurationRanges(queue.AttributeDelaySeconds,
		func(a *queue.Attributes) **time.Duration { return &a.DelaySeconds }, 0, 900*time.Second, queue.Attributes{})...)
	rows = append(rows, cpDurationRanges(queue.AttributeReceiveMessageWaitTimeSeconds,
		func(a *queue.Attributes) **time.Duration { return &a.ReceiveMessageWaitTimeSeconds }, 0, 20*time.Second, queue.Attributes{})...)
	rows = append(rows, cpDurationRanges(queue.AttributeKmsDataKeyReusePeriodSeconds,
		func(a *queue.Attributes) **time.Duration { return &a.KmsDataKeyReusePeriodSeconds }, 60*time.Second, 86400*time.Second, kms)...)
	for _, n := range []struct {
		v     int
		valid bool
	}{{1024, true}, {1048576, true}, {262144, true}, {1023, false}, {1048577, false}, {0, false}, {-1, false}} {
		rows = append(rows, cpRange{attr: queue.AttributeMaximumMessageSize, set: queue.Attributes{MaximumMessageSize: new(n.v)},
			valid: n.valid, want: strconv.Itoa(n.v)})
	}

	for _, tt := range rows {
		t.Run(string(tt.attr)+"="+tt.want, func(t *testing.T) {
			msg := "Invalid value for the parameter " + string(tt.attr) + "."
			t.Run("CreateQueue", func(t *testing.T) {
				e := newEnv(t)
				q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Attributes: tt.set})
				if !tt.valid {
					wantErr(t, err, queue.ErrInvalidAttributeValue, msg)
					if _, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: "jobs"}); err == nil {
						t.Errorf("GetQueueUrl after rejected CreateQueue: got nil, want an error")
					}
					return
				}
				if err != nil {
					t.Fatalf("CreateQueue: got %v, want nil", err)
				}
				if got := e.attr(q, tt.attr); got != tt.want {
					t.Errorf("%s: got %v, want %v", tt.attr, got, tt.want)
				}
			})
			t.Run("SetQueueAttributes", func(t *testing.T) {
				e := newEnv(t)
				q := e.create("jobs", kms)
				before := cpAll(e, q)
				e.clock.Add(time.Hour)
				_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: tt.set})
				if !tt.valid {
					wantErr(t, err, queue.ErrInvalidAttributeValue, msg)
					if after := cpAll(e, q); !maps.Equal(after, before) {
						t.Errorf("attributes after rejected Set: got %v, want %v", after, before)
					}
					return
				}
				if err != nil {
					t.Fatalf("SetQueueAttributes: got %v, want nil", err)
				}
				if got := e.attr(q, tt.attr); got != tt.want {
					t.Errorf("%s: got %v, want %v", tt.attr, got, tt.want)
				}
			})
		})
	}
}

func TestRejectedSetChangesNothing(t *testing.T) {
	policy := `{"Version":"2012-10-17"}`
	tests := []struct {
		name     string
		set      queue.Attributes
		sentinel *queue.Error
	}{
		{"valid then invalid duration", queue.Attributes{VisibilityTimeout: new(time.Minute), DelaySeconds: new(901 * time.Second)}, queue.ErrInvalidAttributeValue},
		{"invalid size with valid policy", queue.Attributes{Policy: &policy, MaximumMessageSize: new(1023)}, queue.ErrInvalidAttributeValue},
		{"invalid policy with valid retention", queue.Attributes{MessageRetentionPeriod: new(time.Hour), Policy: new("{")}, queue.ErrInvalidAttributeValue},
		{"FIFO-only attribute with valid delay", queue.Attributes{DelaySeconds: new(time.Second), DeduplicationScope: new("queue")}, queue.ErrInvalidAttributeName},
		{"both SSE kinds", queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs"), SqsManagedSseEnabled: new(true)}, queue.ErrInvalidAttributeName},
		{"KMS key with bad reuse period", queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs"), KmsDataKeyReusePeriodSeconds: new(59 * time.Second)}, queue.ErrInvalidAttributeValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("jobs", queue.Attributes{})
			e.send(q, "m")
			before := cpAll(e, q)
			e.clock.Add(time.Minute)
			_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: tt.set})
			wantErr(t, err, tt.sentinel, "")
			if after := cpAll(e, q); !maps.Equal(after, before) {
				t.Errorf("attributes after rejected Set: got %v, want %v", after, before)
			}
		})
	}
}

func TestFifoOnlyAttributesOnStandardQueue(t *testing.T) {
	tests := []struct {
		name     string
		attrs    queue.Attributes
		onCreate bool // also rejected the same way by CreateQueue
		msg      string
	}{
		{"ContentBasedDeduplication true", queue.Attributes{ContentBasedDeduplication: new(true)}, true,
			"Unknown Attribute ContentBasedDeduplication."},
		{"ContentBasedDeduplication false", queue.Attributes{ContentBasedDeduplication: new(false)}, true,
			"Unknown Attribute ContentBasedDeduplication."},
		{"DeduplicationScope queue", queue.Attributes{DeduplicationScope: new("queue")}, true,
			"You can specify the DeduplicationScope only when FifoQueue is set to true."},
		{"DeduplicationScope messageGroup", queue.Attributes{DeduplicationScope: new("messageGroup")}, true,
			"You can specify the DeduplicationScope only when FifoQueue is set to true."},
		{"FifoThroughputLimit perQueue", queue.Attributes{FifoThroughputLimit: new("perQueue")}, true,
			"You can specify the FifoThroughputLimit only when FifoQueue is set to true."},
		{"FifoThroughputLimit perMessageGroupId", queue.Attributes{FifoThroughputLimit: new("perMessageGroupId")}, true,
			"You can specify the FifoThroughputLimit only when FifoQueue is set to true."},
		// CreateQueue with FifoQueue=true on a standard name is a name error
		// (TestCreateQueueNames); SetQueueAttributes knows no FifoQueue on a
		// standard queue.
		{"FifoQueue true", queue.Attributes{FifoQueue: new(true)}, false, "Unknown Attribute FifoQueue."},
		{"FifoQueue false", queue.Attributes{FifoQueue: new(false)}, true, "Unknown Attribute FifoQueue."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.onCreate {
				t.Run("CreateQueue", func(t *testing.T) {
					e := newEnv(t)
					_, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Attributes: tt.attrs})
					wantErr(t, err, queue.ErrInvalidAttributeName, tt.msg)
					if _, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: "jobs"}); err == nil {
						t.Errorf("GetQueueUrl after rejected CreateQueue: got nil, want an error")
					}
				})
			}
			t.Run("SetQueueAttributes", func(t *testing.T) {
				e := newEnv(t)
				q := e.create("jobs", queue.Attributes{})
				before := cpAll(e, q)
				e.clock.Add(time.Minute)
				_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: tt.attrs})
				wantErr(t, err, queue.ErrInvalidAttributeName, tt.msg)
				if after := cpAll(e, q); !maps.Equal(after, before) {
					t.Errorf("attributes after rejected Set: got %v, want %v", after, before)
				}
			})
		})
	}
}

func TestPolicyAttribute(t *testing.T) {
	const valid = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"}]
}`
	tests := []struct {
		name   string
		policy string
		valid  bool
	}{
		{"valid", valid, true},
		{"compact", `{"Version":"2012-10-17","Statement":[]}`, true},
		{"unterminated", `{"Version":"2012-10-17"`, false},
		{"not JSON", "allow everyone", false},
		{"trailing garbage", `{"Version":"2012-10-17"} x`, false},
		{"missing value", `{"Version":}`, false},
		{"a number, not an object", `42`, false},
		{"an array, not an object", `[]`, false},
		{"null", `null`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const msg = "Invalid value for the parameter Policy."
			t.Run("CreateQueue", func(t *testing.T) {
				e := newEnv(t)
				q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Attributes: queue.Attributes{Policy: new(tt.policy)}})
				if !tt.valid {
					wantErr(t, err, queue.ErrInvalidAttributeValue, msg)
					return
				}
				if err != nil {
					t.Fatalf("CreateQueue: got %v, want nil", err)
				}
				if got := e.attr(q, queue.AttributePolicy); got != tt.policy {
					t.Errorf("Policy: got %q, want %q", got, tt.policy)
				}
			})
			t.Run("SetQueueAttributes", func(t *testing.T) {
				e := newEnv(t)
				q := e.create("jobs", queue.Attributes{})
				_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{Policy: new(tt.policy)}})
				if !tt.valid {
					wantErr(t, err, queue.ErrInvalidAttributeValue, msg)
					if _, ok := cpAll(e, q)[queue.AttributePolicy]; ok {
						t.Errorf("Policy after rejected Set: got present, want absent")
					}
					return
				}
				if err != nil {
					t.Fatalf("SetQueueAttributes: got %v, want nil", err)
				}
				if got := cpAll(e, q)[queue.AttributePolicy]; got != tt.policy {
					t.Errorf("Policy: got %q, want %q", got, tt.policy)
				}
				// An empty policy removes it.
				if _, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{Policy: new("")}}); err != nil {
					t.Fatalf("SetQueueAttributes(Policy \"\"): %v", err)
				}
				if got, ok := cpAll(e, q)[queue.AttributePolicy]; ok {
					t.Errorf("Policy after clearing: got %q, want absent", got)
				}
			})
		})
	}
}

func TestServerSideEncryptionAttributes(t *testing.T) {
	const both = "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE."
	tests := []struct {
		name    string
		create  queue.Attributes
		set     *queue.Attributes
		wantErr bool
		want    map[queue.AttributeName]string // SSE attributes; absent ones must be absent
	}{
		{name: "default", want: map[queue.AttributeName]string{queue.AttributeSqsManagedSseEnabled: "true"}},
		{name: "KMS at create", create: queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs")},
			want: map[queue.AttributeName]string{
				queue.AttributeKmsMasterKeyId: "alias/aws/sqs", queue.AttributeKmsDataKeyReusePeriodSeconds: "300", queue.AttributeSqsManagedSseEnabled: "false"}},
		{name: "KMS with reuse period at create", create: queue.Attributes{KmsMasterKeyId: new("testKeyId"), KmsDataKeyReusePeriodSeconds: new(6000 * time.Second)},
			want: map[queue.AttributeName]string{
				queue.AttributeKmsMasterKeyId: "testKeyId", queue.AttributeKmsDataKeyReusePeriodSeconds: "6000", queue.AttributeSqsManagedSseEnabled: "false"}},
		{name: "KMS by Set", set: &queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs")},
			want: map[queue.AttributeName]string{
				queue.AttributeKmsMasterKeyId: "alias/aws/sqs", queue.AttributeKmsDataKeyReusePeriodSeconds: "300", queue.AttributeSqsManagedSseEnabled: "false"}},
		{name: "KMS and SSE-SQS off by Set", set: &queue.Attributes{KmsMasterKeyId: new("k"), SqsManagedSseEnabled: new(false)},
			want: map[queue.AttributeName]string{
				queue.AttributeKmsMasterKeyId: "k", queue.AttributeKmsDataKeyReusePeriodSeconds: "300", queue.AttributeSqsManagedSseEnabled: "false"}},
		{name: "SSE-SQS off at create", create: queue.Attributes{SqsManagedSseEnabled: new(false)},
			want: map[queue.AttributeName]string{queue.AttributeSqsManagedSseEnabled: "false"}},
		{name: "both at create", create: queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs"), SqsManagedSseEnabled: new(true)}, wantErr: true},
		{name: "both by Set", set: &queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs"), SqsManagedSseEnabled: new(true)}, wantErr: true,
			want: map[queue.AttributeName]string{queue.AttributeSqsManagedSseEnabled: "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Attributes: tt.create})
			if tt.set == nil && tt.wantErr {
				wantErr(t, err, queue.ErrInvalidAttributeName, both)
				return
			}
			if err != nil {
				t.Fatalf("CreateQueue: got %v, want nil", err)
			}
			if tt.set != nil {
				_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: *tt.set})
				if tt.wantErr {
					wantErr(t, err, queue.ErrInvalidAttributeName, both)
				} else if err != nil {
					t.Fatalf("SetQueueAttributes: got %v, want nil", err)
				}
			}
			all := cpAll(e, q)
			for _, name := range []queue.AttributeName{queue.AttributeKmsMasterKeyId, queue.AttributeKmsDataKeyReusePeriodSeconds, queue.AttributeSqsManagedSseEnabled} {
				got, ok := all[name]
				want, wantOK := tt.want[name]
				if ok != wantOK || got != want {
					t.Errorf("%s: got %q (present %v), want %q (present %v)", name, got, ok, want, wantOK)
				}
			}
		})
	}
}

func TestTimestamps(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	created := strconv.FormatInt(epoch.Unix(), 10)
	tests := []struct {
		name        string
		advance     time.Duration
		send        bool
		set         *queue.Attributes
		wantCreated string
		wantMod     string
	}{
		{"new queue", 0, false, nil, created, created},
		{"time passes", time.Hour, false, nil, created, created},
		{"send does not modify", time.Second, true, nil, created, created},
		{"set modifies, in whole seconds", 1500 * time.Millisecond, false, &queue.Attributes{VisibilityTimeout: new(time.Minute)},
			created, strconv.FormatInt(epoch.Add(time.Hour+2500*time.Millisecond).Unix(), 10)},
		{"rejected set does not modify", time.Minute, false, &queue.Attributes{VisibilityTimeout: new(-time.Second)},
			created, strconv.FormatInt(epoch.Add(time.Hour+2500*time.Millisecond).Unix(), 10)},
		{"set again", 10 * time.Second, false, &queue.Attributes{DelaySeconds: new(time.Second)},
			created, strconv.FormatInt(epoch.Add(time.Hour+72500*time.Millisecond).Unix(), 10)},
	}
	for _, tt := range tests {
		e.clock.Add(tt.advance)
		if tt.send {
			e.send(q, "m")
		}
		if tt.set != nil {
			q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: *tt.set})
		}
		all := cpAll(e, q)
		if got := all[queue.AttributeCreatedTimestamp]; got != tt.wantCreated {
			t.Errorf("%s: CreatedTimestamp: got %v, want %v", tt.name, got, tt.wantCreated)
		}
		if got := all[queue.AttributeLastModifiedTimestamp]; got != tt.wantMod {
			t.Errorf("%s: LastModifiedTimestamp: got %v, want %v", tt.name, got, tt.wantMod)
		}
		if n := len(all[queue.AttributeCreatedTimestamp]); n != 10 {
			t.Errorf("%s: CreatedTimestamp has %d digits, want 10 (epoch seconds)", tt.name, n)
		}
	}
}

func TestLoweringRetentionExpiresOldMessages(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{VisibilityTimeout: new(12 * time.Hour)})
	e.send(q, "old visible")
	e.send(q, "old in flight")
	if got := e.receive(q, 1); len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	e.clock.Add(10 * time.Minute)
	e.send(q, "new")
	e.clock.Add(30 * time.Second)

	steps := []struct {
		name      string
		do        func()
		wantCount string
	}{
		{"before", func() {}, "2/1/0"},
		{"retention 5 min expires the 10.5-min-old ones", func() {
			if _, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{MessageRetentionPeriod: new(5 * time.Minute)}}); err != nil {
				t.Fatal(err)
			}
		}, "1/0/0"},
		{"29 s later the new one is still there", func() { e.clock.Add(4*time.Minute + 29*time.Second) }, "1/0/0"},
		{"5 min after its send it is gone", func() { e.clock.Add(time.Second) }, "0/0/0"},
	}
	for _, s := range steps {
		s.do()
		if got := cpCounts(e, q); got != s.wantCount {
			t.Errorf("%s: visible/notVisible/delayed: got %v, want %v", s.name, got, s.wantCount)
		}
	}

	// The surviving message was the new one.
	e2 := newEnv(t)
	q2 := e2.create("jobs", queue.Attributes{})
	e2.send(q2, "old")
	e2.clock.Add(2 * time.Minute)
	e2.send(q2, "new")
	if _, err := q2.SetQueueAttributes(e2.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{MessageRetentionPeriod: new(time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	msgs := e2.receive(q2, 10)
	if len(msgs) != 1 || msgs[0].Body != "new" {
		t.Errorf("received after lowering retention: got %v, want [new]", msgs)
	}
}

func TestApproximateCounts(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	var handles []string
	steps := []struct {
		name string
		do   func()
		want string // visible/notVisible/delayed
	}{
		{"empty", func() {}, "0/0/0"},
		{"send 6", func() {
			for range 6 {
				e.send(q, "m")
			}
		}, "6/0/0"},
		{"receive 1", func() {
			for _, m := range e.receive(q, 1) {
				handles = append(handles, m.ReceiptHandle)
			}
		}, "5/1/0"},
		{"29 s later", func() { e.clock.Add(29 * time.Second) }, "5/1/0"},
		{"visibility timeout over", func() { e.clock.Add(time.Second) }, "6/0/0"},
		{"send delayed 10 s", func() {
			if _, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "d", DelaySeconds: new(10 * time.Second)}); err != nil {
				t.Fatal(err)
			}
		}, "6/0/1"},
		{"receive 10", func() {
			handles = handles[:0]
			for _, m := range e.receive(q, 10) {
				handles = append(handles, m.ReceiptHandle)
			}
		}, "0/6/1"},
		{"delay over", func() { e.clock.Add(10 * time.Second) }, "1/6/0"},
		{"delete 2 in flight", func() {
			for _, h := range handles[:2] {
				if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: h}); err != nil {
					t.Fatal(err)
				}
			}
		}, "1/4/0"},
		{"queue delay applies to new sends", func() {
			if _, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{DelaySeconds: new(5 * time.Second)}}); err != nil {
				t.Fatal(err)
			}
			e.send(q, "queue-delayed")
		}, "1/4/1"},
		{"in-flight ones back after their timeout", func() { e.clock.Add(20 * time.Second) }, "6/0/0"},
	}
	for _, s := range steps {
		s.do()
		if got := cpCounts(e, q); got != s.want {
			t.Errorf("%s: visible/notVisible/delayed: got %v, want %v", s.name, got, s.want)
		}
	}
}
