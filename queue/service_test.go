package queue_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// cpAll returns every attribute of q (GetQueueAttributes with All) or fails
// the test.
func cpAll(e *env, q *queue.Queue) map[queue.AttributeName]string {
	e.t.Helper()
	out, err := q.GetQueueAttributes(e.ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{queue.AttributeAll}})
	if err != nil {
		e.t.Fatalf("GetQueueAttributes(All): %v", err)
	}
	return out.Attributes
}

// cpCounts returns the visible, in-flight and delayed counts of q, as
// "visible/notVisible/delayed".
func cpCounts(e *env, q *queue.Queue) string {
	e.t.Helper()
	a := cpAll(e, q)
	return a[queue.AttributeApproximateNumberOfMessages] + "/" +
		a[queue.AttributeApproximateNumberOfMessagesNotVisible] + "/" +
		a[queue.AttributeApproximateNumberOfMessagesDelayed]
}

// cpNames returns the last path element of each URL: the queue names.
func cpNames(urls []string) []string {
	names := make([]string, len(urls))
	for i, u := range urls {
		names[i] = u[strings.LastIndexByte(u, '/')+1:]
	}
	return names
}

// cpListPages lists every page of in, returning the names of each page.
func cpListPages(e *env, in queue.ListQueuesInput) [][]string {
	e.t.Helper()
	var pages [][]string
	for range 10_000 {
		out, err := e.svc.ListQueues(e.ctx, in)
		if err != nil {
			e.t.Fatalf("ListQueues(%+v): %v", in, err)
		}
		pages = append(pages, cpNames(out.QueueUrls))
		if out.NextToken == "" {
			return pages
		}
		in.NextToken = out.NextToken
	}
	e.t.Fatalf("ListQueues never stopped paging")
	return nil
}

func TestCreateQueueNames(t *testing.T) {
	const (
		stdText  = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
		fifoText = "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
	)
	tests := []struct {
		name    string
		fifo    bool
		wantMsg string // empty: accepted
	}{
		{name: "a"},
		{name: strings.Repeat("a", 80)},
		{name: "Az09-_"},
		{name: "jobs_2026-01"},
		{name: strings.Repeat("a", 81), wantMsg: stdText},
		{name: "", wantMsg: stdText},
		{name: "a b", wantMsg: stdText},
		{name: "a.b", wantMsg: stdText},
		{name: "a/b", wantMsg: stdText},
		{name: "a:b", wantMsg: stdText},
		{name: "a*", wantMsg: stdText},
		{name: "caf\u00e9", wantMsg: stdText},
		{name: "a.fifo", wantMsg: stdText},
		{name: ".fifo", wantMsg: stdText},
		{name: "a.FIFO", wantMsg: stdText},
		{name: "a", fifo: true, wantMsg: fifoText},
		{name: "a.fifo", fifo: true},
		{name: strings.Repeat("a", 75) + ".fifo", fifo: true},
		{name: strings.Repeat("a", 76) + ".fifo", fifo: true, wantMsg: fifoText},
		{name: ".fifo", fifo: true, wantMsg: fifoText},
		{name: "a b.fifo", fifo: true, wantMsg: fifoText},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.20s/len%d/fifo=%v", tt.name, len(tt.name), tt.fifo), func(t *testing.T) {
			e := newEnv(t)
			var attrs queue.Attributes
			if tt.fifo {
				attrs.FifoQueue = new(true)
			}
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: tt.name, Attributes: attrs})
			if tt.wantMsg != "" {
				wantErr(t, err, queue.ErrInvalidParameterValue, tt.wantMsg)
				out, _ := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{})
				if len(out.QueueUrls) != 0 {
					t.Errorf("queues after rejected CreateQueue: got %v, want none", out.QueueUrls)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateQueue(%q): got %v, want nil", tt.name, err)
			}
			if got, want := q.Name(), tt.name; got != want {
				t.Errorf("Name(): got %q, want %q", got, want)
			}
			if got, want := q.URL(), "https://sqs.us-east-1.amazonaws.com/123456789012/"+tt.name; got != want {
				t.Errorf("URL(): got %q, want %q", got, want)
			}
		})
	}
}

func TestCreateQueueNamesAreCaseSensitive(t *testing.T) {
	e := newEnv(t)
	upper := e.create("Q", queue.Attributes{})
	lower := e.create("q", queue.Attributes{VisibilityTimeout: new(45 * time.Second)})
	if upper == lower {
		t.Fatalf("CreateQueue(Q) and CreateQueue(q): got the same queue, want two")
	}
	e.send(upper, "for Q")
	tests := []struct {
		q         *queue.Queue
		url       string
		vt        string
		available string
	}{
		{upper, "https://sqs.us-east-1.amazonaws.com/123456789012/Q", "30", "1"},
		{lower, "https://sqs.us-east-1.amazonaws.com/123456789012/q", "45", "0"},
	}
	for _, tt := range tests {
		if got := tt.q.URL(); got != tt.url {
			t.Errorf("URL(): got %v, want %v", got, tt.url)
		}
		if got := e.attr(tt.q, queue.AttributeVisibilityTimeout); got != tt.vt {
			t.Errorf("%s VisibilityTimeout: got %v, want %v", tt.q.Name(), got, tt.vt)
		}
		if got := e.attr(tt.q, queue.AttributeApproximateNumberOfMessages); got != tt.available {
			t.Errorf("%s ApproximateNumberOfMessages: got %v, want %v", tt.q.Name(), got, tt.available)
		}
		out, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: tt.q.Name()})
		if err != nil || out.QueueUrl != tt.url {
			t.Errorf("GetQueueUrl(%s): got %v, %v, want %v", tt.q.Name(), out.QueueUrl, err, tt.url)
		}
	}
}

func TestCreateQueueExisting(t *testing.T) {
	const exists = "A queue already exists with the same name and a different value for attribute "
	policy := `{"Version":"2012-10-17","Statement":[]}`
	tests := []struct {
		name     string
		existing queue.Attributes
		again    queue.Attributes
		wantAttr queue.AttributeName // empty: same queue returned
	}{
		{name: "no attributes both times"},
		{name: "defaults given explicitly", again: queue.Attributes{
			VisibilityTimeout: new(30 * time.Second), DelaySeconds: new(time.Duration(0)),
			MaximumMessageSize: new(1048576), MessageRetentionPeriod: new(4 * 24 * time.Hour),
			ReceiveMessageWaitTimeSeconds: new(time.Duration(0)), SqsManagedSseEnabled: new(true),
		}},
		{name: "same non-default values", existing: queue.Attributes{VisibilityTimeout: new(time.Minute), Policy: &policy},
			again: queue.Attributes{VisibilityTimeout: new(time.Minute), Policy: &policy}},
		{name: "subset of non-default values", existing: queue.Attributes{VisibilityTimeout: new(time.Minute), DelaySeconds: new(5 * time.Second)},
			again: queue.Attributes{DelaySeconds: new(5 * time.Second)}},
		{name: "same KMS key", existing: queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs")},
			again: queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs"), SqsManagedSseEnabled: new(false)}},
		{name: "DelaySeconds", again: queue.Attributes{DelaySeconds: new(5 * time.Second)}, wantAttr: queue.AttributeDelaySeconds},
		{name: "VisibilityTimeout", again: queue.Attributes{VisibilityTimeout: new(31 * time.Second)}, wantAttr: queue.AttributeVisibilityTimeout},
		{name: "MaximumMessageSize", again: queue.Attributes{MaximumMessageSize: new(2048)}, wantAttr: queue.AttributeMaximumMessageSize},
		{name: "MessageRetentionPeriod", again: queue.Attributes{MessageRetentionPeriod: new(24 * time.Hour)}, wantAttr: queue.AttributeMessageRetentionPeriod},
		{name: "ReceiveMessageWaitTimeSeconds", again: queue.Attributes{ReceiveMessageWaitTimeSeconds: new(10 * time.Second)}, wantAttr: queue.AttributeReceiveMessageWaitTimeSeconds},
		{name: "Policy", again: queue.Attributes{Policy: &policy}, wantAttr: queue.AttributePolicy},
		{name: "KmsMasterKeyId", again: queue.Attributes{KmsMasterKeyId: new("alias/aws/sqs")}, wantAttr: queue.AttributeKmsMasterKeyId},
		{name: "KmsDataKeyReusePeriodSeconds", again: queue.Attributes{KmsDataKeyReusePeriodSeconds: new(10 * time.Minute)}, wantAttr: queue.AttributeKmsDataKeyReusePeriodSeconds},
		{name: "SqsManagedSseEnabled", again: queue.Attributes{SqsManagedSseEnabled: new(false)}, wantAttr: queue.AttributeSqsManagedSseEnabled},
		{name: "one equal, one differing", existing: queue.Attributes{VisibilityTimeout: new(time.Minute)},
			again: queue.Attributes{VisibilityTimeout: new(time.Minute), DelaySeconds: new(time.Second)}, wantAttr: queue.AttributeDelaySeconds},
		{name: "non-default existing, default given", existing: queue.Attributes{VisibilityTimeout: new(time.Minute)},
			again: queue.Attributes{VisibilityTimeout: new(30 * time.Second)}, wantAttr: queue.AttributeVisibilityTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			first := e.create("jobs", tt.existing)
			e.send(first, "kept")
			before := cpAll(e, first)
			e.clock.Add(2 * time.Second) // would show in LastModifiedTimestamp

			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Attributes: tt.again})
			if tt.wantAttr != "" {
				wantErr(t, err, queue.ErrQueueNameExists, exists+string(tt.wantAttr))
			} else {
				if err != nil {
					t.Fatalf("CreateQueue again: got %v, want nil", err)
				}
				if q != first || q.URL() != first.URL() {
					t.Errorf("CreateQueue again: got %p %s, want %p %s", q, q.URL(), first, first.URL())
				}
			}
			if after := cpAll(e, first); !maps.Equal(after, before) {
				t.Errorf("attributes after CreateQueue again: got %v, want %v", after, before)
			}
			out, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{})
			if err != nil || len(out.QueueUrls) != 1 {
				t.Errorf("ListQueues: got %v, %v, want one queue", out.QueueUrls, err)
			}
		})
	}
}

func TestCreateQueueExistingIgnoresTags(t *testing.T) {
	e := newEnv(t)
	first, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []map[string]string{
		{"team": "b"},
		{"other": "x"},
		nil,
	}
	for _, tags := range tests {
		q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Tags: tags})
		if err != nil || q != first {
			t.Fatalf("CreateQueue(tags %v): got %p, %v, want %p, nil", tags, q, err, first)
		}
		out, err := q.ListQueueTags(e.ctx, queue.ListQueueTagsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"team": "a"}; !maps.Equal(out.Tags, want) {
			t.Errorf("tags after CreateQueue(tags %v): got %v, want %v", tags, out.Tags, want)
		}
	}
}

func TestCreateQueueDeletedRecently(t *testing.T) {
	const recently = "You must wait 60 seconds after deleting a queue before you can create another with the same name."
	tests := []struct {
		wait    time.Duration
		name    string
		wantErr bool
	}{
		{wait: 0, name: "jobs", wantErr: true},
		{wait: 59 * time.Second, name: "jobs", wantErr: true},
		{wait: 60*time.Second - time.Millisecond, name: "jobs", wantErr: true},
		{wait: 60 * time.Second, name: "jobs"},
		{wait: time.Hour, name: "jobs"},
		{wait: 0, name: "Jobs"},  // another name: case counts
		{wait: 0, name: "jobs2"}, // another name
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s after %v", tt.name, tt.wait), func(t *testing.T) {
			e := newEnv(t)
			old := e.create("jobs", queue.Attributes{VisibilityTimeout: new(time.Minute)})
			e.send(old, "old")
			if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: old.URL()}); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(tt.wait)
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: tt.name})
			if tt.wantErr {
				wantErr(t, err, queue.ErrQueueDeletedRecently, recently)
				var qe *queue.Error
				if errors.As(err, &qe); qe.HTTPStatus != 400 {
					t.Errorf("HTTPStatus: got %v, want %v", qe.HTTPStatus, 400)
				}
				if _, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: tt.name}); !errors.Is(err, queue.ErrQueueDoesNotExist) {
					t.Errorf("GetQueueUrl after rejected create: got %v, want %v", err, queue.ErrQueueDoesNotExist)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateQueue: got %v, want nil", err)
			}
			if q == old {
				t.Fatalf("CreateQueue returned the deleted queue")
			}
			// A new queue: default attributes, no messages.
			if got := e.attr(q, queue.AttributeVisibilityTimeout); got != "30" {
				t.Errorf("VisibilityTimeout: got %v, want %v", got, "30")
			}
			if got := cpCounts(e, q); got != "0/0/0" {
				t.Errorf("counts: got %v, want %v", got, "0/0/0")
			}
		})
	}
}

func TestDeletedQueueHandle(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	e.send(q, "one")
	msgs := e.receive(q, 1)
	if len(msgs) != 1 {
		t.Fatalf("received %d messages, want 1", len(msgs))
	}
	h := msgs[0].ReceiptHandle
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: q.URL()}); err != nil {
		t.Fatal(err)
	}
	// A queue of the same name, created later, must not revive the handle.
	e.clock.Add(time.Minute)
	fresh := e.create("jobs", queue.Attributes{})

	ops := []struct {
		name string
		call func() error
	}{
		{"SendMessage", func() error {
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "x"})
			return err
		}},
		{"SendMessageBatch", func() error {
			_, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: []queue.SendMessageBatchRequestEntry{{Id: "a", MessageBody: "x"}}})
			return err
		}},
		{"ReceiveMessage", func() error {
			_, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{})
			return err
		}},
		{"ReceiveMessage long poll", func() error {
			_, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
			return err
		}},
		{"DeleteMessage", func() error {
			_, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: h})
			return err
		}},
		{"DeleteMessageBatch", func() error {
			_, err := q.DeleteMessageBatch(e.ctx, queue.DeleteMessageBatchInput{Entries: []queue.DeleteMessageBatchRequestEntry{{Id: "a", ReceiptHandle: h}}})
			return err
		}},
		{"ChangeMessageVisibility", func() error {
			_, err := q.ChangeMessageVisibility(e.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: h, VisibilityTimeout: time.Minute})
			return err
		}},
		{"ChangeMessageVisibilityBatch", func() error {
			_, err := q.ChangeMessageVisibilityBatch(e.ctx, queue.ChangeMessageVisibilityBatchInput{
				Entries: []queue.ChangeMessageVisibilityBatchRequestEntry{{Id: "a", ReceiptHandle: h, VisibilityTimeout: time.Minute}}})
			return err
		}},
		{"GetQueueAttributes", func() error {
			_, err := q.GetQueueAttributes(e.ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{queue.AttributeAll}})
			return err
		}},
		{"SetQueueAttributes", func() error {
			_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{VisibilityTimeout: new(time.Minute)}})
			return err
		}},
		{"PurgeQueue", func() error {
			_, err := q.PurgeQueue(e.ctx, queue.PurgeQueueInput{})
			return err
		}},
		{"TagQueue", func() error {
			_, err := q.TagQueue(e.ctx, queue.TagQueueInput{Tags: map[string]string{"k": "v"}})
			return err
		}},
		{"UntagQueue", func() error {
			_, err := q.UntagQueue(e.ctx, queue.UntagQueueInput{TagKeys: []string{"k"}})
			return err
		}},
		{"ListQueueTags", func() error {
			_, err := q.ListQueueTags(e.ctx, queue.ListQueueTagsInput{})
			return err
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			wantErr(t, op.call(), queue.ErrQueueDoesNotExist, "The specified queue does not exist.")
		})
	}
	// None of the calls reached the new queue.
	if got := cpCounts(e, fresh); got != "0/0/0" {
		t.Errorf("new queue counts: got %v, want %v", got, "0/0/0")
	}
	if got := e.attr(fresh, queue.AttributeVisibilityTimeout); got != "30" {
		t.Errorf("new queue VisibilityTimeout: got %v, want %v", got, "30")
	}
	tags, err := fresh.ListQueueTags(e.ctx, queue.ListQueueTagsInput{})
	if err != nil || len(tags.Tags) != 0 {
		t.Errorf("new queue tags: got %v, %v, want none", tags.Tags, err)
	}
}

func TestDeleteQueue(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	other := e.create("other", queue.Attributes{})
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: "http://localhost:4566/123456789012/jobs"}); err != nil {
		t.Fatalf("DeleteQueue: got %v, want nil", err)
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"DeleteQueue again", func() error {
			_, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: q.URL()})
			return err
		}},
		{"GetQueueUrl", func() error {
			_, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: "jobs"})
			return err
		}},
		{"QueueFromURL", func() error {
			_, err := e.svc.QueueFromURL(q.URL())
			return err
		}},
		{"DeleteQueue missing", func() error {
			_, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/never"})
			return err
		}},
		{"DeleteQueue empty URL", func() error {
			_, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.call(), queue.ErrQueueDoesNotExist, "The specified queue does not exist.")
		})
	}
	out, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cpNames(out.QueueUrls), []string{"other"}; !slices.Equal(got, want) {
		t.Errorf("ListQueues after delete: got %v, want %v", got, want)
	}
	e.send(other, "still works")
	if got := e.attr(other, queue.AttributeApproximateNumberOfMessages); got != "1" {
		t.Errorf("other queue: got %v messages, want %v", got, "1")
	}
}

func TestGetQueueUrl(t *testing.T) {
	e := newEnv(t)
	e.create("jobs", queue.Attributes{})
	const url = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
	tests := []struct {
		name    string
		in      queue.GetQueueUrlInput
		wantURL string // empty: ErrQueueDoesNotExist
	}{
		{"by name", queue.GetQueueUrlInput{QueueName: "jobs"}, url},
		{"own account", queue.GetQueueUrlInput{QueueName: "jobs", QueueOwnerAWSAccountId: "123456789012"}, url},
		{"other account", queue.GetQueueUrlInput{QueueName: "jobs", QueueOwnerAWSAccountId: "210987654321"}, ""},
		{"missing queue", queue.GetQueueUrlInput{QueueName: "nope"}, ""},
		{"other case", queue.GetQueueUrlInput{QueueName: "Jobs"}, ""},
		{"prefix only", queue.GetQueueUrlInput{QueueName: "job"}, ""},
		{"empty name", queue.GetQueueUrlInput{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.GetQueueUrl(e.ctx, tt.in)
			if tt.wantURL == "" {
				wantErr(t, err, queue.ErrQueueDoesNotExist, "The specified queue does not exist.")
				var qe *queue.Error
				if errors.As(err, &qe); qe.LegacyCode() != "AWS.SimpleQueueService.NonExistentQueue" || qe.HTTPStatus != 400 {
					t.Errorf("error: got %s %d, want %s %d", qe.LegacyCode(), qe.HTTPStatus, "AWS.SimpleQueueService.NonExistentQueue", 400)
				}
				return
			}
			if err != nil || out.QueueUrl != tt.wantURL {
				t.Errorf("GetQueueUrl: got %v, %v, want %v, nil", out.QueueUrl, err, tt.wantURL)
			}
		})
	}
}

func TestQueueFromURL(t *testing.T) {
	e := newEnv(t)
	jobs := e.create("jobs", queue.Attributes{})
	tests := []struct {
		url  string
		want *queue.Queue // nil: ErrQueueDoesNotExist
	}{
		{"https://sqs.us-east-1.amazonaws.com/123456789012/jobs", jobs},
		{"http://localhost:4566/123456789012/jobs", jobs},
		{"https://queue.amazonaws.com/123456789012/jobs", jobs},
		{"http://sqs.us-east-1.localhost.localstack.cloud:4566/123456789012/jobs", jobs},
		{"https://sqs.us-east-1.amazonaws.com/210987654321/jobs", nil},
		{"http://localhost:4566/000000000000/jobs", nil},
		{"https://sqs.us-east-1.amazonaws.com/123456789012/Jobs", nil},
		{"https://sqs.us-east-1.amazonaws.com/123456789012/other", nil},
		{"https://sqs.us-east-1.amazonaws.com/123456789012/jobs/extra", nil},
		{"https://sqs.us-east-1.amazonaws.com/jobs", nil},
		{"https://sqs.us-east-1.amazonaws.com/123456789012/", nil},
		{"https://sqs.us-east-1.amazonaws.com/", nil},
		{"jobs", nil},
		{"", nil},
		{"://not a url", nil},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			q, err := e.svc.QueueFromURL(tt.url)
			if tt.want == nil {
				wantErr(t, err, queue.ErrQueueDoesNotExist, "The specified queue does not exist.")
				return
			}
			if err != nil || q != tt.want {
				t.Errorf("QueueFromURL: got %p, %v, want %p, nil", q, err, tt.want)
			}
		})
	}
}

func TestListQueuesPrefix(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"b", "a", "ab", "abc", "Ab", "a-b", "ba", "c"} {
		e.create(name, queue.Attributes{})
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"Ab", "a", "a-b", "ab", "abc", "b", "ba", "c"}},
		{"a", []string{"a", "a-b", "ab", "abc"}},
		{"ab", []string{"ab", "abc"}},
		{"abc", []string{"abc"}},
		{"A", []string{"Ab"}},
		{"b", []string{"b", "ba"}},
		{"abcd", nil},
		{"d", nil},
		{"0", nil},
	}
	for _, tt := range tests {
		t.Run("prefix "+tt.prefix, func(t *testing.T) {
			out, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{QueueNamePrefix: tt.prefix})
			if err != nil {
				t.Fatal(err)
			}
			if got := cpNames(out.QueueUrls); !slices.Equal(got, tt.want) {
				t.Errorf("names: got %v, want %v", got, tt.want)
			}
			if out.NextToken != "" {
				t.Errorf("NextToken: got %q, want none", out.NextToken)
			}
			for _, u := range out.QueueUrls {
				if !strings.HasPrefix(u, "https://sqs.us-east-1.amazonaws.com/123456789012/") {
					t.Errorf("URL %v: want the queue URL", u)
				}
			}
		})
	}
}

func TestListQueuesPaging(t *testing.T) {
	e := newEnv(t)
	var jobs []string
	for i := range 25 {
		jobs = append(jobs, fmt.Sprintf("job-%02d", i))
	}
	others := []string{"aaa", "zzz", "job", "jobs"}
	// Create out of order, so name order is not creation order.
	for i := len(jobs) - 1; i >= 0; i-- {
		e.create(jobs[i], queue.Attributes{})
	}
	for _, name := range others {
		e.create(name, queue.Attributes{})
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(jobs), others...)))

	tests := []struct {
		prefix    string
		max       int
		wantPages []int
		want      []string
	}{
		{"job-", 10, []int{10, 10, 5}, jobs},
		{"job-", 5, []int{5, 5, 5, 5, 5}, jobs},
		{"job-", 1, slices.Repeat([]int{1}, 25), jobs},
		{"job-", 25, []int{25}, jobs},
		{"job-", 1000, []int{25}, jobs},
		{"", 10, []int{10, 10, 9}, all},
		{"", 7, []int{7, 7, 7, 7, 1}, all},
		{"job-1", 3, []int{3, 3, 3, 1}, jobs[10:20]},
		{"nothing", 10, []int{0}, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q max %d", tt.prefix, tt.max), func(t *testing.T) {
			pages := cpListPages(e, queue.ListQueuesInput{QueueNamePrefix: tt.prefix, MaxResults: tt.max})
			var sizes []int
			var got []string
			for _, p := range pages {
				sizes = append(sizes, len(p))
				got = append(got, p...)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("names: got %v, want %v", got, tt.want)
			}
			if !slices.Equal(sizes, tt.wantPages) {
				t.Errorf("page sizes: got %v, want %v", sizes, tt.wantPages)
			}
		})
	}
}

func TestListQueuesPagingWhileChanging(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"q1", "q2", "q3", "q4", "q5", "q6"} {
		e.create(name, queue.Attributes{})
	}
	out, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{MaxResults: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cpNames(out.QueueUrls), []string{"q1", "q2"}; !slices.Equal(got, want) || out.NextToken == "" {
		t.Fatalf("page 1: got %v token %q, want %v and a token", got, out.NextToken, want)
	}
	// The last queue of the page goes, one before the token and one after
	// come: the next page continues after q2.
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: out.QueueUrls[1]}); err != nil {
		t.Fatal(err)
	}
	e.create("q0", queue.Attributes{})
	e.create("q25", queue.Attributes{})
	out, err = e.svc.ListQueues(e.ctx, queue.ListQueuesInput{MaxResults: 2, NextToken: out.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cpNames(out.QueueUrls), []string{"q25", "q3"}; !slices.Equal(got, want) || out.NextToken == "" {
		t.Fatalf("page 2: got %v token %q, want %v and a token", got, out.NextToken, want)
	}
}

func TestListQueuesDefaultLimit(t *testing.T) {
	e := newEnv(t)
	for i := range 1001 {
		e.create(fmt.Sprintf("q%04d", i), queue.Attributes{})
	}
	tests := []struct {
		max       int
		wantLen   int
		wantToken bool
		wantLast  string
	}{
		{max: 0, wantLen: 1000, wantToken: false, wantLast: "q0999"},
		{max: 1000, wantLen: 1000, wantToken: true, wantLast: "q0999"},
		{max: 999, wantLen: 999, wantToken: true, wantLast: "q0998"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("MaxResults %d", tt.max), func(t *testing.T) {
			out, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{MaxResults: tt.max})
			if err != nil {
				t.Fatal(err)
			}
			names := cpNames(out.QueueUrls)
			if len(names) != tt.wantLen {
				t.Fatalf("len: got %v, want %v", len(names), tt.wantLen)
			}
			if got := names[len(names)-1]; got != tt.wantLast {
				t.Errorf("last: got %v, want %v", got, tt.wantLast)
			}
			if got := out.NextToken != ""; got != tt.wantToken {
				t.Errorf("NextToken present: got %v, want %v", got, tt.wantToken)
			}
		})
	}
	pages := cpListPages(e, queue.ListQueuesInput{MaxResults: 1000})
	if len(pages) != 2 || len(pages[1]) != 1 || pages[1][0] != "q1000" {
		t.Errorf("second page of 1000: got %d pages, want [q1000] last", len(pages))
	}
}

func TestListQueuesInvalid(t *testing.T) {
	e := newEnv(t)
	e.create("a", queue.Attributes{})
	e.create("b", queue.Attributes{})
	first, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{MaxResults: 1})
	if err != nil || first.NextToken == "" {
		t.Fatalf("ListQueues(MaxResults 1): got %v, %v, want a NextToken", first, err)
	}
	const (
		maxText     = "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000."
		needMaxText = "MaxResults is a mandatory parameter when you provide a value for NextToken."
		tokenText   = "Invalid NextToken value."
	)
	tests := []struct {
		name string
		in   queue.ListQueuesInput
		msg  string
	}{
		{"MaxResults 1001", queue.ListQueuesInput{MaxResults: 1001}, maxText},
		{"MaxResults -1", queue.ListQueuesInput{MaxResults: -1}, maxText},
		{"NextToken without MaxResults", queue.ListQueuesInput{NextToken: first.NextToken}, needMaxText},
		{"garbage token", queue.ListQueuesInput{MaxResults: 10, NextToken: "garbage"}, tokenText},
		{"not base64", queue.ListQueuesInput{MaxResults: 10, NextToken: "!!!"}, tokenText},
		{"foreign token", queue.ListQueuesInput{MaxResults: 10, NextToken: base64.RawURLEncoding.EncodeToString([]byte("x:a"))}, tokenText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.ListQueues(e.ctx, tt.in)
			wantErr(t, err, queue.ErrInvalidParameterValue, tt.msg)
		})
	}
}

func TestAccountAndRegion(t *testing.T) {
	tests := []struct {
		name    string
		opts    []queue.Option
		wantURL string
		wantARN string
	}{
		{"defaults", nil,
			"https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "arn:aws:sqs:us-east-1:123456789012:jobs"},
		{"account", []queue.Option{queue.WithAccount("000000000000")},
			"https://sqs.us-east-1.amazonaws.com/000000000000/jobs", "arn:aws:sqs:us-east-1:000000000000:jobs"},
		{"region", []queue.Option{queue.WithRegion("eu-west-1")},
			"https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", "arn:aws:sqs:eu-west-1:123456789012:jobs"},
		{"both", []queue.Option{queue.WithAccount("111122223333"), queue.WithRegion("ap-southeast-2")},
			"https://sqs.ap-southeast-2.amazonaws.com/111122223333/jobs", "arn:aws:sqs:ap-southeast-2:111122223333:jobs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts...)
			q := e.create("jobs", queue.Attributes{})
			account := strings.Split(tt.wantARN, ":")[4]
			if got := q.URL(); got != tt.wantURL {
				t.Errorf("URL(): got %v, want %v", got, tt.wantURL)
			}
			if got := q.ARN(); got != tt.wantARN {
				t.Errorf("ARN(): got %v, want %v", got, tt.wantARN)
			}
			if got := e.attr(q, queue.AttributeQueueArn); got != tt.wantARN {
				t.Errorf("QueueArn: got %v, want %v", got, tt.wantARN)
			}
			out, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: "jobs", QueueOwnerAWSAccountId: account})
			if err != nil || out.QueueUrl != tt.wantURL {
				t.Errorf("GetQueueUrl: got %v, %v, want %v", out.QueueUrl, err, tt.wantURL)
			}
			list, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{})
			if err != nil || !slices.Equal(list.QueueUrls, []string{tt.wantURL}) {
				t.Errorf("ListQueues: got %v, %v, want [%v]", list.QueueUrls, err, tt.wantURL)
			}
			if got, err := e.svc.QueueFromURL(tt.wantURL); err != nil || got != q {
				t.Errorf("QueueFromURL(%v): got %v, want the queue", tt.wantURL, err)
			}
			other := "999999999999"
			if _, err := e.svc.QueueFromURL("https://sqs.us-east-1.amazonaws.com/" + other + "/jobs"); !errors.Is(err, queue.ErrQueueDoesNotExist) {
				t.Errorf("QueueFromURL(other account): got %v, want %v", err, queue.ErrQueueDoesNotExist)
			}
			if _, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: "jobs", QueueOwnerAWSAccountId: other}); !errors.Is(err, queue.ErrQueueDoesNotExist) {
				t.Errorf("GetQueueUrl(other account): got %v, want %v", err, queue.ErrQueueDoesNotExist)
			}
		})
	}
}

func TestClose(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	e.send(q, "one")
	h := e.receive(q, 1)[0].ReceiptHandle
	if err := e.svc.Close(); err != nil {
		t.Fatalf("Close: got %v, want nil", err)
	}
	if err := e.svc.Close(); err != nil {
		t.Fatalf("second Close: got %v, want nil", err)
	}
	ops := []struct {
		name string
		call func() error
	}{
		{"CreateQueue", func() error {
			_, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "new"})
			return err
		}},
		{"CreateQueue existing", func() error {
			_, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs"})
			return err
		}},
		{"GetQueueUrl", func() error {
			_, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: "jobs"})
			return err
		}},
		{"ListQueues", func() error {
			_, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{})
			return err
		}},
		{"QueueFromURL", func() error {
			_, err := e.svc.QueueFromURL(q.URL())
			return err
		}},
		{"DeleteQueue", func() error {
			_, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: q.URL()})
			return err
		}},
		{"SendMessage", func() error {
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "x"})
			return err
		}},
		{"SendMessageBatch", func() error {
			_, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: []queue.SendMessageBatchRequestEntry{{Id: "a", MessageBody: "x"}}})
			return err
		}},
		{"ReceiveMessage", func() error {
			_, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{})
			return err
		}},
		{"ReceiveMessage long poll", func() error {
			_, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
			return err
		}},
		{"DeleteMessage", func() error {
			_, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: h})
			return err
		}},
		{"DeleteMessageBatch", func() error {
			_, err := q.DeleteMessageBatch(e.ctx, queue.DeleteMessageBatchInput{Entries: []queue.DeleteMessageBatchRequestEntry{{Id: "a", ReceiptHandle: h}}})
			return err
		}},
		{"ChangeMessageVisibility", func() error {
			_, err := q.ChangeMessageVisibility(e.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: h})
			return err
		}},
		{"ChangeMessageVisibilityBatch", func() error {
			_, err := q.ChangeMessageVisibilityBatch(e.ctx, queue.ChangeMessageVisibilityBatchInput{
				Entries: []queue.ChangeMessageVisibilityBatchRequestEntry{{Id: "a", ReceiptHandle: h}}})
			return err
		}},
		{"GetQueueAttributes", func() error {
			_, err := q.GetQueueAttributes(e.ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{queue.AttributeAll}})
			return err
		}},
		{"SetQueueAttributes", func() error {
			_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{VisibilityTimeout: new(time.Minute)}})
			return err
		}},
		{"PurgeQueue", func() error {
			_, err := q.PurgeQueue(e.ctx, queue.PurgeQueueInput{})
			return err
		}},
		{"TagQueue", func() error {
			_, err := q.TagQueue(e.ctx, queue.TagQueueInput{Tags: map[string]string{"k": "v"}})
			return err
		}},
		{"UntagQueue", func() error {
			_, err := q.UntagQueue(e.ctx, queue.UntagQueueInput{TagKeys: []string{"k"}})
			return err
		}},
		{"ListQueueTags", func() error {
			_, err := q.ListQueueTags(e.ctx, queue.ListQueueTagsInput{})
			return err
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			err := op.call()
			wantErr(t, err, queue.ErrServiceUnavailable, "")
			var qe *queue.Error
			if errors.As(err, &qe); qe.HTTPStatus != 503 {
				t.Errorf("HTTPStatus: got %v, want %v", qe.HTTPStatus, 503)
			}
		})
	}
}

// A CreateQueue that fails on an existing name returns no queue with its
// error, as a Go call should.
func TestCreateQueueExistingReturnsNoQueueOnError(t *testing.T) {
	e := newEnv(t)
	e.create("jobs", queue.Attributes{VisibilityTimeout: new(time.Minute)})
	q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs", Attributes: queue.Attributes{VisibilityTimeout: new(2 * time.Minute)}})
	wantErr(t, err, queue.ErrQueueNameExists, "")
	if q != nil {
		t.Fatalf("CreateQueue returned queue %v with its error, want nil", q.URL())
	}
}
