package queue_test

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

// dlArnPrefix is the ARN of a queue of newEnv's Service, less the name.
const dlArnPrefix = "arn:aws:sqs:us-east-1:123456789012:"

func dlArn(name string) string { return dlArnPrefix + name }

func dlPolicy(arn string, maxReceiveCount int) *queue.RedrivePolicy {
	return &queue.RedrivePolicy{DeadLetterTargetArn: arn, MaxReceiveCount: maxReceiveCount}
}

// dlPolicyJSON is how AWS renders a redrive policy, written out here
// independently of the library.
func dlPolicyJSON(arn string, maxReceiveCount int) string {
	return fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, arn, maxReceiveCount)
}

// dlRedriveMsg is AWS's message for a rejected redrive policy.
func dlRedriveMsg(arn string, maxReceiveCount int, reason string) string {
	return "Value " + dlPolicyJSON(arn, maxReceiveCount) + " for parameter RedrivePolicy is invalid. Reason: " + reason
}

const dlSameType = "Dead-letter queue must be same type of queue as the source.." // sic

func dlFifoAttrs(a queue.Attributes) queue.Attributes {
	a.FifoQueue = new(true)
	a.ContentBasedDeduplication = new(true)
	return a
}

// dlSet runs SetQueueAttributes.
func (e *env) dlSet(q *queue.Queue, a queue.Attributes) error {
	_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: a})
	return err
}

// dlAttrs returns the named attributes, failing the test on error.
func (e *env) dlAttrs(q *queue.Queue, names ...queue.AttributeName) map[queue.AttributeName]string {
	e.t.Helper()
	out, err := q.GetQueueAttributes(e.ctx, queue.GetQueueAttributesInput{AttributeNames: names})
	if err != nil {
		e.t.Fatalf("GetQueueAttributes: %v", err)
	}
	return out.Attributes
}

// dlCounts returns a queue's visible, in-flight and delayed counts.
func (e *env) dlCounts(q *queue.Queue) [3]int {
	e.t.Helper()
	a := e.dlAttrs(q, queue.AttributeApproximateNumberOfMessages,
		queue.AttributeApproximateNumberOfMessagesNotVisible, queue.AttributeApproximateNumberOfMessagesDelayed)
	var out [3]int
	for i, n := range []queue.AttributeName{queue.AttributeApproximateNumberOfMessages,
		queue.AttributeApproximateNumberOfMessagesNotVisible, queue.AttributeApproximateNumberOfMessagesDelayed} {
		v, err := strconv.Atoi(a[n])
		if err != nil {
			e.t.Fatalf("%s = %q", n, a[n])
		}
		out[i] = v
	}
	return out
}

func (e *env) dlTotal(q *queue.Queue) int {
	e.t.Helper()
	c := e.dlCounts(q)
	return c[0] + c[1] + c[2]
}

// dlWantCounts fails the test unless q holds exactly visible, in-flight
// and delayed messages.
func (e *env) dlWantCounts(q *queue.Queue, want [3]int) {
	e.t.Helper()
	if got := e.dlCounts(q); got != want {
		e.t.Fatalf("%s: counts (visible, in flight, delayed) = %v, want %v", q.Name(), got, want)
	}
}

// dlReceive short-polls up to n messages with every attribute, with the
// given visibility timeout (nil: the queue's).
func (e *env) dlReceive(q *queue.Queue, n int, vis *time.Duration) []queue.Message {
	e.t.Helper()
	out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{
		MaxNumberOfMessages:         new(n),
		WaitTimeSeconds:             new(time.Duration(0)),
		VisibilityTimeout:           vis,
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeAll},
	})
	if err != nil {
		e.t.Fatalf("ReceiveMessage(%s): %v", q.Name(), err)
	}
	return out.Messages
}

func (e *env) dlDelete(q *queue.Queue, m queue.Message) {
	e.t.Helper()
	if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
		e.t.Fatalf("DeleteMessage(%s): %v", q.Name(), err)
	}
}

func dlBodies(ms []queue.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Body)
	}
	return out
}

// dlPair is a source queue (VisibilityTimeout 0 unless attrs say otherwise)
// whose redrive policy names dlq with maxReceiveCount n.
func (e *env) dlPair(fifo bool, n int, src, dlq queue.Attributes) (*queue.Queue, *queue.Queue) {
	e.t.Helper()
	srcName, dlqName := "src", "dlq"
	if fifo {
		srcName, dlqName = "src.fifo", "dlq.fifo"
		src, dlq = dlFifoAttrs(src), dlFifoAttrs(dlq)
	}
	d := e.create(dlqName, dlq)
	if src.VisibilityTimeout == nil {
		src.VisibilityTimeout = new(time.Duration(0))
	}
	src.RedrivePolicy = dlPolicy(d.ARN(), n)
	return e.create(srcName, src), d
}

// --- RedrivePolicy validation (checklist 37) ---

func TestRedrivePolicyValidation(t *testing.T) {
	const (
		dlqStd  = dlArnPrefix + "dlq"
		dlqFifo = dlArnPrefix + "dlq.fifo"
	)
	cases := []struct {
		name   string
		fifo   bool // the source's type
		policy queue.RedrivePolicy
		reason string // "" accepts
	}{
		{"max receive count 0", false, queue.RedrivePolicy{DeadLetterTargetArn: dlqStd},
			"Redrive policy does not contain mandatory attribute: maxReceiveCount."},
		{"max receive count 0 and dummy arn", false, queue.RedrivePolicy{DeadLetterTargetArn: "dummy"},
			"Redrive policy does not contain mandatory attribute: maxReceiveCount."},
		{"empty target", false, queue.RedrivePolicy{MaxReceiveCount: 5},
			"Redrive policy does not contain mandatory attribute: deadLetterTargetArn."},
		{"dummy arn", false, queue.RedrivePolicy{DeadLetterTargetArn: "dummy", MaxReceiveCount: 42},
			"Invalid value for deadLetterTargetArn."},
		{"sns arn", false, queue.RedrivePolicy{DeadLetterTargetArn: "arn:aws:sns:us-east-1:123456789012:dlq", MaxReceiveCount: 5},
			"Invalid value for deadLetterTargetArn."},
		{"max receive count 1001", false, queue.RedrivePolicy{DeadLetterTargetArn: dlqStd, MaxReceiveCount: 1001},
			"Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive."},
		{"max receive count -1", false, queue.RedrivePolicy{DeadLetterTargetArn: dlqStd, MaxReceiveCount: -1},
			"Invalid value for maxReceiveCount: -1, valid values are from 1 to 1000 both inclusive."},
		{"max receive count 1001 on a missing target", false, queue.RedrivePolicy{DeadLetterTargetArn: dlArn("nope"), MaxReceiveCount: 1001},
			"Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive."},
		{"missing target", false, queue.RedrivePolicy{DeadLetterTargetArn: dlArn("nope"), MaxReceiveCount: 5},
			"Dead letter target does not exist."},
		{"target in another region", false, queue.RedrivePolicy{DeadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:dlq", MaxReceiveCount: 5},
			"Dead letter target does not exist."},
		{"target in another account", false, queue.RedrivePolicy{DeadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:dlq", MaxReceiveCount: 5},
			"Dead letter target does not exist."},
		{"fifo source, standard dlq", true, queue.RedrivePolicy{DeadLetterTargetArn: dlqStd, MaxReceiveCount: 5}, dlSameType},
		{"standard source, fifo dlq", false, queue.RedrivePolicy{DeadLetterTargetArn: dlqFifo, MaxReceiveCount: 5}, dlSameType},
		{"max receive count 1", false, queue.RedrivePolicy{DeadLetterTargetArn: dlqStd, MaxReceiveCount: 1}, ""},
		{"max receive count 1000", false, queue.RedrivePolicy{DeadLetterTargetArn: dlqStd, MaxReceiveCount: 1000}, ""},
		{"fifo source, fifo dlq", true, queue.RedrivePolicy{DeadLetterTargetArn: dlqFifo, MaxReceiveCount: 1000}, ""},
	}
	for _, tc := range cases {
		srcName, initial := "src", dlqStd
		var base queue.Attributes
		if tc.fifo {
			srcName, initial, base = "src.fifo", dlqFifo, dlFifoAttrs(queue.Attributes{})
		}
		setup := func(t *testing.T) *env {
			e := newEnv(t)
			e.create("dlq", queue.Attributes{})
			e.create("dlq.fifo", dlFifoAttrs(queue.Attributes{}))
			return e
		}
		check := func(t *testing.T, e *env, err error) {
			t.Helper()
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			wantErr(t, err, queue.ErrInvalidParameterValue, dlRedriveMsg(tc.policy.DeadLetterTargetArn, tc.policy.MaxReceiveCount, tc.reason))
		}
		t.Run(tc.name+"/CreateQueue", func(t *testing.T) {
			e := setup(t)
			a := base
			a.RedrivePolicy = new(tc.policy)
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: srcName, Attributes: a})
			check(t, e, err)
			if tc.reason != "" {
				if _, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: srcName}); err == nil {
					t.Fatal("a rejected CreateQueue created the queue")
				}
				return
			}
			if got, want := e.attr(q, queue.AttributeRedrivePolicy), dlPolicyJSON(tc.policy.DeadLetterTargetArn, tc.policy.MaxReceiveCount); got != want {
				t.Fatalf("RedrivePolicy = %s, want %s", got, want)
			}
		})
		t.Run(tc.name+"/SetQueueAttributes", func(t *testing.T) {
			e := setup(t)
			a := base
			a.RedrivePolicy = dlPolicy(initial, 7)
			q := e.create(srcName, a)
			check(t, e, e.dlSet(q, queue.Attributes{RedrivePolicy: new(tc.policy)}))
			want := dlPolicyJSON(initial, 7) // a rejected request changes nothing
			if tc.reason == "" {
				want = dlPolicyJSON(tc.policy.DeadLetterTargetArn, tc.policy.MaxReceiveCount)
			}
			if got := e.attr(q, queue.AttributeRedrivePolicy); got != want {
				t.Fatalf("RedrivePolicy = %s, want %s", got, want)
			}
		})
	}
}

// A SetQueueAttributes rejected for its redrive policy changes none of the
// other attributes it carries, and one rejected for another attribute does
// not set its redrive policy.
func TestRedrivePolicyRejectedSetChangesNothing(t *testing.T) {
	e := newEnv(t)
	d := e.create("dlq", queue.Attributes{})
	q := e.create("src", queue.Attributes{RedrivePolicy: dlPolicy(d.ARN(), 3)})
	e.clock.Add(time.Hour)

	err := e.dlSet(q, queue.Attributes{VisibilityTimeout: new(99 * time.Second), RedrivePolicy: dlPolicy(d.ARN(), 1001)})
	wantErr(t, err, queue.ErrInvalidParameterValue, "")
	err = e.dlSet(q, queue.Attributes{VisibilityTimeout: new(99 * time.Second), RedrivePolicy: dlPolicy(dlArn("gone"), 4)})
	wantErr(t, err, queue.ErrInvalidParameterValue, dlRedriveMsg(dlArn("gone"), 4, "Dead letter target does not exist."))
	err = e.dlSet(q, queue.Attributes{VisibilityTimeout: new(13 * time.Hour), RedrivePolicy: dlPolicy(d.ARN(), 9)})
	wantErr(t, err, queue.ErrInvalidAttributeValue, "")

	got := e.dlAttrs(q, queue.AttributeVisibilityTimeout, queue.AttributeRedrivePolicy, queue.AttributeLastModifiedTimestamp)
	want := map[queue.AttributeName]string{
		queue.AttributeVisibilityTimeout:     "30",
		queue.AttributeRedrivePolicy:         dlPolicyJSON(d.ARN(), 3),
		queue.AttributeLastModifiedTimestamp: strconv.FormatInt(epoch.Unix(), 10),
	}
	if !maps.Equal(got, want) {
		t.Fatalf("after rejected sets: %v, want %v", got, want)
	}
}

// --- RedriveAllowPolicy ---

func TestRedriveAllowPolicyGatesSources(t *testing.T) {
	src, other := dlArn("src"), dlArn("other")
	cases := []struct {
		name    string
		allow   *queue.RedriveAllowPolicy
		allowed bool
	}{
		{"default", nil, true},
		{"allowAll", &queue.RedriveAllowPolicy{RedrivePermission: queue.RedrivePermissionAllowAll}, true},
		{"denyAll", &queue.RedriveAllowPolicy{RedrivePermission: queue.RedrivePermissionDenyAll}, false},
		{"byQueue with source", &queue.RedriveAllowPolicy{RedrivePermission: queue.RedrivePermissionByQueue, SourceQueueArns: []string{src}}, true},
		{"byQueue with source among others", &queue.RedriveAllowPolicy{RedrivePermission: queue.RedrivePermissionByQueue, SourceQueueArns: []string{other, src}}, true},
		{"byQueue without source", &queue.RedriveAllowPolicy{RedrivePermission: queue.RedrivePermissionByQueue, SourceQueueArns: []string{other}}, false},
	}
	for _, tc := range cases {
		dlqArn := dlArn("dlq")
		wantMsg := dlRedriveMsg(dlqArn, 4, "Queue "+src+" does not have permission to use "+dlqArn+" as a dead-letter queue.")
		check := func(t *testing.T, err error) {
			t.Helper()
			if tc.allowed {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			wantErr(t, err, queue.ErrInvalidParameterValue, wantMsg)
		}
		for _, when := range []string{"at creation", "set later"} {
			setup := func(t *testing.T) *env {
				e := newEnv(t)
				if when == "at creation" {
					e.create("dlq", queue.Attributes{RedriveAllowPolicy: tc.allow})
					return e
				}
				d := e.create("dlq", queue.Attributes{})
				if tc.allow != nil {
					if err := e.dlSet(d, queue.Attributes{RedriveAllowPolicy: tc.allow}); err != nil {
						t.Fatal(err)
					}
				}
				return e
			}
			t.Run(tc.name+"/"+when+"/CreateQueue", func(t *testing.T) {
				e := setup(t)
				_, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "src",
					Attributes: queue.Attributes{RedrivePolicy: dlPolicy(dlqArn, 4)}})
				check(t, err)
			})
			t.Run(tc.name+"/"+when+"/SetQueueAttributes", func(t *testing.T) {
				e := setup(t)
				q := e.create("src", queue.Attributes{})
				check(t, e.dlSet(q, queue.Attributes{RedrivePolicy: dlPolicy(dlqArn, 4)}))
				if _, ok := e.dlAttrs(q, queue.AttributeAll)[queue.AttributeRedrivePolicy]; ok != tc.allowed {
					t.Fatalf("RedrivePolicy present = %v, want %v", ok, tc.allowed)
				}
			})
		}
	}
}

func TestRedriveAllowPolicyValidation(t *testing.T) {
	arns := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = dlArn(fmt.Sprintf("q%02d", i))
		}
		return out
	}
	quoted := func(a []string) string {
		q := make([]string, len(a))
		for i, s := range a {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ",") + "]"
	}
	const prefix = " for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. "
	const unsupported = "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format."
	cases := []struct {
		name     string
		policy   queue.RedriveAllowPolicy
		sentinel *queue.Error // nil accepts
		msg      string
		render   string // GetQueueAttributes when accepted
	}{
		{"allowAll", queue.RedriveAllowPolicy{RedrivePermission: "allowAll"}, nil, "", `{"redrivePermission":"allowAll"}`},
		{"denyAll", queue.RedriveAllowPolicy{RedrivePermission: "denyAll"}, nil, "", `{"redrivePermission":"denyAll"}`},
		{"byQueue 1", queue.RedriveAllowPolicy{RedrivePermission: "byQueue", SourceQueueArns: arns(1)}, nil, "",
			`{"redrivePermission":"byQueue","sourceQueueArns":` + quoted(arns(1)) + `}`},
		{"byQueue 10", queue.RedriveAllowPolicy{RedrivePermission: "byQueue", SourceQueueArns: arns(10)}, nil, "",
			`{"redrivePermission":"byQueue","sourceQueueArns":` + quoted(arns(10)) + `}`},
		{"byQueue without sources", queue.RedriveAllowPolicy{RedrivePermission: "byQueue"}, queue.ErrInvalidParameterValue,
			`Value {"redrivePermission":"byQueue"}` + prefix +
				"When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.", ""},
		{"byQueue empty sources", queue.RedriveAllowPolicy{RedrivePermission: "byQueue", SourceQueueArns: []string{}}, queue.ErrInvalidParameterValue,
			`Value {"redrivePermission":"byQueue"}` + prefix +
				"When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.", ""},
		{"byQueue 11", queue.RedriveAllowPolicy{RedrivePermission: "byQueue", SourceQueueArns: arns(11)}, queue.ErrInvalidParameterValue,
			`Value {"redrivePermission":"byQueue","sourceQueueArns":` + quoted(arns(11)) + `}` + prefix +
				"The maximum number of source queue ARNs you can specify is 10.", ""},
		{"allowAll with sources", queue.RedriveAllowPolicy{RedrivePermission: "allowAll", SourceQueueArns: arns(1)}, queue.ErrInvalidParameterValue,
			`Value {"redrivePermission":"allowAll","sourceQueueArns":` + quoted(arns(1)) + `}` + prefix +
				"To specify one or more source queue ARNs, you must set redrivePermission to byQueue.", ""},
		{"denyAll with sources", queue.RedriveAllowPolicy{RedrivePermission: "denyAll", SourceQueueArns: arns(2)}, queue.ErrInvalidParameterValue,
			`Value {"redrivePermission":"denyAll","sourceQueueArns":` + quoted(arns(2)) + `}` + prefix +
				"To specify one or more source queue ARNs, you must set redrivePermission to byQueue.", ""},
		{"unknown permission", queue.RedriveAllowPolicy{RedrivePermission: "allowSome"}, queue.ErrInvalidAttributeValue, unsupported, ""},
		{"wrong case", queue.RedriveAllowPolicy{RedrivePermission: "ByQueue", SourceQueueArns: arns(1)}, queue.ErrInvalidAttributeValue, unsupported, ""},
		{"no permission, sources", queue.RedriveAllowPolicy{SourceQueueArns: arns(1)}, queue.ErrInvalidAttributeValue, unsupported, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/CreateQueue", func(t *testing.T) {
			e := newEnv(t)
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "dlq",
				Attributes: queue.Attributes{RedriveAllowPolicy: new(tc.policy)}})
			if tc.sentinel != nil {
				wantErr(t, err, tc.sentinel, tc.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := e.attr(q, queue.AttributeRedriveAllowPolicy); got != tc.render {
				t.Fatalf("RedriveAllowPolicy = %s, want %s", got, tc.render)
			}
		})
		t.Run(tc.name+"/SetQueueAttributes", func(t *testing.T) {
			e := newEnv(t)
			q := e.create("dlq", queue.Attributes{RedriveAllowPolicy: &queue.RedriveAllowPolicy{RedrivePermission: "denyAll"}})
			err := e.dlSet(q, queue.Attributes{RedriveAllowPolicy: new(tc.policy)})
			want := tc.render
			if tc.sentinel != nil {
				wantErr(t, err, tc.sentinel, tc.msg)
				want = `{"redrivePermission":"denyAll"}`
			} else if err != nil {
				t.Fatal(err)
			}
			if got := e.attr(q, queue.AttributeRedriveAllowPolicy); got != want {
				t.Fatalf("RedriveAllowPolicy = %s, want %s", got, want)
			}
		})
	}
}

// The zero RedriveAllowPolicy removes the policy, which allows all again.
func TestRedriveAllowPolicyRemove(t *testing.T) {
	e := newEnv(t)
	d := e.create("dlq", queue.Attributes{RedriveAllowPolicy: &queue.RedriveAllowPolicy{
		RedrivePermission: queue.RedrivePermissionByQueue, SourceQueueArns: []string{dlArn("someone-else")}}})
	q := e.create("src", queue.Attributes{})
	wantErr(t, e.dlSet(q, queue.Attributes{RedrivePolicy: dlPolicy(d.ARN(), 2)}), queue.ErrInvalidParameterValue, "")

	if err := e.dlSet(d, queue.Attributes{RedriveAllowPolicy: &queue.RedriveAllowPolicy{}}); err != nil {
		t.Fatal(err)
	}
	if v, ok := e.dlAttrs(d, queue.AttributeAll)[queue.AttributeRedriveAllowPolicy]; ok {
		t.Fatalf("RedriveAllowPolicy = %q after removal, want absent", v)
	}
	if err := e.dlSet(q, queue.Attributes{RedrivePolicy: dlPolicy(d.ARN(), 2)}); err != nil {
		t.Fatalf("source rejected after the allow policy was removed: %v", err)
	}
}

// --- rendering and idempotence ---

func TestRedrivePolicyRendering(t *testing.T) {
	e := newEnv(t)
	d := e.create("dlq", queue.Attributes{RedriveAllowPolicy: &queue.RedriveAllowPolicy{
		RedrivePermission: queue.RedrivePermissionByQueue, SourceQueueArns: []string{dlArn("src"), dlArn("b")}}})
	q := e.create("src", queue.Attributes{RedrivePolicy: dlPolicy(d.ARN(), 5), VisibilityTimeout: new(time.Duration(0))})

	want := `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":5}`
	if got := e.attr(q, queue.AttributeRedrivePolicy); got != want {
		t.Fatalf("RedrivePolicy = %s, want %s", got, want)
	}
	if got := e.dlAttrs(q, queue.AttributeAll)[queue.AttributeRedrivePolicy]; got != want {
		t.Fatalf("All: RedrivePolicy = %s, want %s", got, want)
	}
	wantAllow := `{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:123456789012:src","arn:aws:sqs:us-east-1:123456789012:b"]}`
	if got := e.dlAttrs(d, queue.AttributeAll)[queue.AttributeRedriveAllowPolicy]; got != wantAllow {
		t.Fatalf("RedriveAllowPolicy = %s, want %s", got, wantAllow)
	}
	for _, n := range []queue.AttributeName{queue.AttributeRedrivePolicy, queue.AttributeRedriveAllowPolicy} {
		if v, ok := e.dlAttrs(e.create("plain", queue.Attributes{}), queue.AttributeAll)[n]; ok {
			t.Fatalf("a queue without policies shows %s = %q", n, v)
		}
	}

	// The zero RedrivePolicy removes it: the key is gone and messages are no
	// longer moved.
	if err := e.dlSet(q, queue.Attributes{RedrivePolicy: &queue.RedrivePolicy{}}); err != nil {
		t.Fatal(err)
	}
	if v, ok := e.dlAttrs(q, queue.AttributeAll)[queue.AttributeRedrivePolicy]; ok {
		t.Fatalf("RedrivePolicy = %q after removal, want absent", v)
	}
	if v, ok := e.dlAttrs(q, queue.AttributeRedrivePolicy)[queue.AttributeRedrivePolicy]; ok {
		t.Fatalf("RedrivePolicy = %q after removal, want absent", v)
	}
	e.send(q, "stays")
	for i := range 7 {
		if got := e.receive(q, 1); len(got) != 1 {
			t.Fatalf("receive %d without a redrive policy returned %d messages", i+1, len(got))
		}
	}
	if n := e.dlTotal(d); n != 0 {
		t.Fatalf("dlq holds %d messages after the policy was removed", n)
	}
	// Removing it again is fine.
	if err := e.dlSet(q, queue.Attributes{RedrivePolicy: &queue.RedrivePolicy{}}); err != nil {
		t.Fatal(err)
	}
}

func TestRedrivePolicyCreateQueueIdempotence(t *testing.T) {
	e := newEnv(t)
	d := e.create("dlq", queue.Attributes{})
	d2 := e.create("dlq2", queue.Attributes{})
	q := e.create("src", queue.Attributes{RedrivePolicy: dlPolicy(d.ARN(), 5)})

	cases := []struct {
		name   string
		policy *queue.RedrivePolicy
		same   bool
	}{
		{"same policy", dlPolicy(d.ARN(), 5), true},
		{"unspecified", nil, true},
		{"different maxReceiveCount", dlPolicy(d.ARN(), 6), false},
		{"different target", dlPolicy(d2.ARN(), 5), false},
		{"removal", &queue.RedrivePolicy{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "src", Attributes: queue.Attributes{RedrivePolicy: tc.policy}})
			if tc.same {
				if err != nil || got != q {
					t.Fatalf("CreateQueue = %p, %v; want the existing queue %p", got, err, q)
				}
				return
			}
			wantErr(t, err, queue.ErrQueueNameExists, "A queue already exists with the same name and a different value for attribute RedrivePolicy")
		})
	}
	// A queue without a policy matches the zero policy, and not a real one.
	p := e.create("plain", queue.Attributes{})
	if got, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "plain",
		Attributes: queue.Attributes{RedrivePolicy: &queue.RedrivePolicy{}}}); err != nil || got != p {
		t.Fatalf("CreateQueue(plain, zero policy) = %v, %v", got, err)
	}
	_, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "plain",
		Attributes: queue.Attributes{RedrivePolicy: dlPolicy(d.ARN(), 5)}})
	wantErr(t, err, queue.ErrQueueNameExists, "A queue already exists with the same name and a different value for attribute RedrivePolicy")

	// Same for the allow policy.
	a := &queue.RedriveAllowPolicy{RedrivePermission: queue.RedrivePermissionByQueue, SourceQueueArns: []string{q.ARN()}}
	dq := e.create("guarded", queue.Attributes{RedriveAllowPolicy: a})
	if got, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "guarded",
		Attributes: queue.Attributes{RedriveAllowPolicy: a}}); err != nil || got != dq {
		t.Fatalf("CreateQueue(guarded, same allow policy) = %v, %v", got, err)
	}
	_, err = e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "guarded",
		Attributes: queue.Attributes{RedriveAllowPolicy: &queue.RedriveAllowPolicy{RedrivePermission: queue.RedrivePermissionDenyAll}}})
	wantErr(t, err, queue.ErrQueueNameExists, "A queue already exists with the same name and a different value for attribute RedriveAllowPolicy")
}

// --- the move (checklist 36) ---

func TestDeadLetterMove(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
	sent := e.send(q, "poison")

	got := e.receive(q, 10)
	if len(got) != 1 || got[0].MessageId != sent.MessageId {
		t.Fatalf("first receive = %v", got)
	}
	// Not moved before the next receive, however long that takes.
	e.clock.Add(time.Hour)
	e.dlWantCounts(q, [3]int{1, 0, 0})
	e.dlWantCounts(d, [3]int{0, 0, 0})
	if got := e.dlReceive(d, 10, nil); len(got) != 0 {
		t.Fatalf("dlq served %v before the move", dlBodies(got))
	}

	if got := e.receive(q, 10); len(got) != 0 {
		t.Fatalf("second receive = %v, want nothing", dlBodies(got))
	}
	e.dlWantCounts(q, [3]int{0, 0, 0})
	e.dlWantCounts(d, [3]int{1, 0, 0})
	if got := e.receive(q, 10); len(got) != 0 {
		t.Fatalf("third receive = %v, want nothing", dlBodies(got))
	}
	got = e.dlReceive(d, 10, nil)
	if len(got) != 1 || got[0].MessageId != sent.MessageId || got[0].Body != "poison" {
		t.Fatalf("dlq receive = %+v", got)
	}
}

// A message in flight whose visibility lapses stays in the source until a
// receive finds it.
func TestDeadLetterMoveNotOnVisibilityLapse(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(false, 1, queue.Attributes{VisibilityTimeout: new(30 * time.Second)}, queue.Attributes{})
	e.send(q, "m")
	if len(e.receive(q, 1)) != 1 {
		t.Fatal("no message")
	}
	e.dlWantCounts(q, [3]int{0, 1, 0})
	e.clock.Add(time.Hour)
	e.dlWantCounts(q, [3]int{1, 0, 0})
	e.dlWantCounts(d, [3]int{0, 0, 0})
	// Sending or reading attributes does not move it either.
	e.send(q, "other")
	e.dlWantCounts(q, [3]int{2, 0, 0})
	e.dlWantCounts(d, [3]int{0, 0, 0})
	if got := dlBodies(e.receive(q, 10)); !slices.Equal(got, []string{"other"}) {
		t.Fatalf("receive = %v, want [other]", got)
	}
	e.dlWantCounts(d, [3]int{1, 0, 0})
}

func TestDeadLetterCopy(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
	attrs := map[string]queue.MessageAttributeValue{
		"s": {DataType: "String", StringValue: "hello"},
		"n": {DataType: "Number.int", StringValue: "42"},
		"b": {DataType: "Binary", BinaryValue: []byte{0, 1, 2}},
	}
	sent, err := q.SendMessage(e.ctx, queue.SendMessageInput{
		MessageBody:       "payload",
		MessageAttributes: attrs,
		MessageSystemAttributes: map[string]queue.MessageAttributeValue{
			"AWSTraceHeader": {DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	sentAt := strconv.FormatInt(epoch.UnixMilli(), 10)

	e.clock.Add(90 * time.Second)
	first := e.dlReceive(q, 1, nil)
	if len(first) != 1 {
		t.Fatal("no message")
	}
	e.clock.Add(90 * time.Second)
	if got := e.receive(q, 1); len(got) != 0 {
		t.Fatalf("second receive = %v", dlBodies(got))
	}
	e.clock.Add(90 * time.Second)
	got := e.dlReceive(d, 10, nil)
	if len(got) != 1 {
		t.Fatalf("dlq receive = %d messages, want 1", len(got))
	}
	m := got[0]
	if m.MessageId != sent.MessageId || m.Body != "payload" || m.MD5OfBody != sent.MD5OfMessageBody ||
		m.MD5OfMessageAttributes != sent.MD5OfMessageAttributes || m.MD5OfMessageAttributes != first[0].MD5OfMessageAttributes {
		t.Fatalf("dlq message = %+v\nsent %+v", m, sent)
	}
	if len(m.MessageAttributes) != len(attrs) {
		t.Fatalf("attributes = %v", m.MessageAttributes)
	}
	for k, v := range attrs {
		g := m.MessageAttributes[k]
		if g.DataType != v.DataType || g.StringValue != v.StringValue || string(g.BinaryValue) != string(v.BinaryValue) {
			t.Fatalf("attribute %s = %+v, want %+v", k, g, v)
		}
	}
	wantSys := map[queue.MessageSystemAttributeName]string{
		queue.SystemAttributeSentTimestamp:            sentAt,
		queue.SystemAttributeApproximateReceiveCount:  "2",
		queue.SystemAttributeDeadLetterQueueSourceArn: q.ARN(),
		queue.SystemAttributeAWSTraceHeader:           "Root=1-5759e988-bd862e3fe1be46a994272793",
		queue.SystemAttributeSenderId:                 "123456789012",
	}
	for k, v := range wantSys {
		if m.Attributes[k] != v {
			t.Errorf("%s = %q, want %q", k, m.Attributes[k], v)
		}
	}
	// The source never showed a DeadLetterQueueSourceArn.
	if v, ok := first[0].Attributes[queue.SystemAttributeDeadLetterQueueSourceArn]; ok {
		t.Errorf("source receive shows DeadLetterQueueSourceArn %q", v)
	}
	// The copy is the DLQ's: its handle deletes it there.
	e.dlDelete(d, m)
	e.dlWantCounts(d, [3]int{0, 0, 0})
}

// A message is returned exactly maxReceiveCount times, then moved by the
// next receive; the DLQ continues its receive count.
func TestDeadLetterMaxReceiveCount(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			e := newEnv(t)
			q, d := e.dlPair(false, n, queue.Attributes{}, queue.Attributes{})
			sent := e.send(q, "m")
			for i := range n {
				got := e.dlReceive(q, 10, nil)
				if len(got) != 1 || got[0].MessageId != sent.MessageId {
					t.Fatalf("receive %d = %v, want the message", i+1, dlBodies(got))
				}
				if c := got[0].Attributes[queue.SystemAttributeApproximateReceiveCount]; c != strconv.Itoa(i+1) {
					t.Fatalf("receive %d: ApproximateReceiveCount = %s", i+1, c)
				}
				e.dlWantCounts(d, [3]int{0, 0, 0})
			}
			if got := e.receive(q, 10); len(got) != 0 {
				t.Fatalf("receive %d returned %v", n+1, dlBodies(got))
			}
			got := e.dlReceive(d, 1, nil)
			if len(got) != 1 || got[0].Attributes[queue.SystemAttributeApproximateReceiveCount] != strconv.Itoa(n+1) {
				t.Fatalf("dlq receive = %+v, want the message with ApproximateReceiveCount %d", got, n+1)
			}
		})
	}
}

// A receive that dead-letters one message still returns the others.
func TestDeadLetterReceiveReturnsOthers(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
	e.send(q, "old")
	if len(e.receive(q, 1)) != 1 {
		t.Fatal("no message")
	}
	e.send(q, "new1")
	e.send(q, "new2")
	got := dlBodies(e.receive(q, 10))
	slices.Sort(got)
	if !slices.Equal(got, []string{"new1", "new2"}) {
		t.Fatalf("receive = %v, want [new1 new2]", got)
	}
	if got := dlBodies(e.receive(d, 10)); !slices.Equal(got, []string{"old"}) {
		t.Fatalf("dlq = %v, want [old]", got)
	}
}

// Messages of a fair queue's tenants move with their MessageGroupId and are
// served in the DLQ like any others.
func TestDeadLetterFairQueueTenants(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
	for _, g := range []string{"t1", "t1", "t2"} {
		if _, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: g, MessageGroupId: g}); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.receive(q, 10); len(got) != 3 {
		t.Fatalf("receive = %v", dlBodies(got))
	}
	if got := e.receive(q, 10); len(got) != 0 {
		t.Fatalf("receive = %v, want all dead-lettered", dlBodies(got))
	}
	e.dlWantCounts(q, [3]int{0, 0, 0})
	got := e.dlReceive(d, 10, nil)
	if len(got) != 3 {
		t.Fatalf("dlq = %v", dlBodies(got))
	}
	for _, m := range got {
		if m.Attributes[queue.SystemAttributeMessageGroupId] != m.Body {
			t.Fatalf("dlq message %q has MessageGroupId %q", m.Body, m.Attributes[queue.SystemAttributeMessageGroupId])
		}
		e.dlDelete(d, m)
	}
	e.dlWantCounts(d, [3]int{0, 0, 0})
}

// A long poll on the source that meets only a message bound for the DLQ
// moves it and keeps waiting: for the end of its wait, or a new message.
func TestDeadLetterLongPollKeepsWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
		e.send(q, "poison")
		if len(e.receive(q, 1)) != 1 {
			t.Fatal("no message")
		}
		poll := func() chan []string {
			done := make(chan []string, 1)
			go func() {
				out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
				if err != nil {
					done <- []string{"error: " + err.Error()}
					return
				}
				done <- dlBodies(out.Messages)
			}()
			return done
		}

		done := poll()
		synctest.Wait()
		select {
		case got := <-done:
			t.Fatalf("long poll returned %v at once", got)
		default:
		}
		e.dlWantCounts(d, [3]int{1, 0, 0})
		synctest.Wait()
		e.clock.Add(19 * time.Second)
		synctest.Wait()
		select {
		case got := <-done:
			t.Fatalf("long poll returned %v after 19 s", got)
		default:
		}
		e.clock.Add(time.Second)
		synctest.Wait()
		select {
		case got := <-done:
			if len(got) != 0 {
				t.Fatalf("long poll = %v, want nothing", got)
			}
		default:
			t.Fatal("long poll still waiting after 20 s")
		}

		// Again, and this time a message arrives during the wait.
		if len(e.receive(q, 1)) != 0 {
			t.Fatal("source not empty")
		}
		e.send(q, "second")
		if len(e.receive(q, 1)) != 1 {
			t.Fatal("no message")
		}
		done = poll()
		synctest.Wait()
		e.dlWantCounts(d, [3]int{2, 0, 0})
		e.clock.Add(5 * time.Second)
		e.send(q, "fresh")
		synctest.Wait()
		select {
		case got := <-done:
			if !slices.Equal(got, []string{"fresh"}) {
				t.Fatalf("long poll = %v, want [fresh]", got)
			}
		default:
			t.Fatal("long poll did not wake for a new message")
		}
	})
}

// A long poll on the DLQ wakes when a receive on the source moves a message
// in.
func TestDeadLetterLongPollOnDLQWakes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
		sent := e.send(q, "poison")
		done := make(chan queue.ReceiveMessageOutput, 1)
		go func() {
			out, _ := d.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
			done <- out
		}()
		synctest.Wait()
		if len(e.receive(q, 1)) != 1 {
			t.Fatal("no message")
		}
		synctest.Wait()
		select {
		case out := <-done:
			t.Fatalf("dlq long poll returned %v before the move", out.Messages)
		default:
		}
		if len(e.receive(q, 1)) != 0 {
			t.Fatal("second receive returned the message")
		}
		synctest.Wait()
		select {
		case out := <-done:
			if len(out.Messages) != 1 || out.Messages[0].MessageId != sent.MessageId {
				t.Fatalf("dlq long poll = %+v", out.Messages)
			}
		default:
			t.Fatal("dlq long poll still waiting after the move")
		}
	})
}

// --- FIFO dead-letter queues ---

// dlSeq parses a SequenceNumber.
func dlSeq(t *testing.T, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("SequenceNumber %q is not a number", s)
	}
	return n
}

func (e *env) dlSendGroup(q *queue.Queue, group, body string) queue.SendMessageOutput {
	e.t.Helper()
	out, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: body, MessageGroupId: group,
		MessageDeduplicationId: "dedup-" + body})
	if err != nil {
		e.t.Fatalf("SendMessage(%q): %v", body, err)
	}
	return out
}

func TestDeadLetterFifo(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(true, 1, queue.Attributes{}, queue.Attributes{})
	s1 := e.dlSendGroup(q, "g", "m1")
	e.dlSendGroup(q, "g", "m2")

	got := e.dlReceive(q, 1, nil)
	if len(got) != 1 || got[0].Body != "m1" {
		t.Fatalf("first receive = %v", dlBodies(got))
	}
	if got[0].Attributes[queue.SystemAttributeMessageDeduplicationId] != "dedup-m1" {
		t.Fatalf("source MessageDeduplicationId = %q", got[0].Attributes[queue.SystemAttributeMessageDeduplicationId])
	}
	e.clock.Add(time.Second)

	// The head goes to the DLQ; m2 is next in its group.
	got = e.dlReceive(q, 1, nil)
	if len(got) == 0 {
		got = e.dlReceive(q, 1, nil)
	}
	if len(got) != 1 || got[0].Body != "m2" {
		t.Fatalf("after the head was dead-lettered, receive = %v, want [m2]", dlBodies(got))
	}
	got = e.dlReceive(d, 10, nil)
	if len(got) != 1 {
		t.Fatalf("dlq = %v, want [m1]", dlBodies(got))
	}
	m := got[0]
	a := m.Attributes
	if m.Body != "m1" || m.MessageId != s1.MessageId || a[queue.SystemAttributeMessageGroupId] != "g" ||
		a[queue.SystemAttributeMessageDeduplicationId] != s1.MessageId ||
		a[queue.SystemAttributeDeadLetterQueueSourceArn] != q.ARN() || a[queue.SystemAttributeApproximateReceiveCount] != "2" ||
		a[queue.SystemAttributeSentTimestamp] != strconv.FormatInt(epoch.UnixMilli(), 10) {
		t.Fatalf("dlq message = %+v, sent %+v", m, s1)
	}
	if dlSeq(t, a[queue.SystemAttributeSequenceNumber]).Cmp(dlSeq(t, s1.SequenceNumber)) <= 0 {
		t.Fatalf("dlq SequenceNumber %s, not a new one after the source's %s", a[queue.SystemAttributeSequenceNumber], s1.SequenceNumber)
	}
}

// With a visibility timeout, the group stays blocked while its head is in
// flight, and opens once the head is dead-lettered.
func TestDeadLetterFifoGroupUnblocks(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(true, 1, queue.Attributes{VisibilityTimeout: new(30 * time.Second)}, queue.Attributes{})
	e.dlSendGroup(q, "g", "m1")
	e.dlSendGroup(q, "g", "m2")
	if got := dlBodies(e.receive(q, 10)); !slices.Equal(got, []string{"m1", "m2"}) {
		t.Fatalf("receive = %v", got)
	}
	if got := e.receive(q, 10); len(got) != 0 {
		t.Fatalf("group not blocked: %v", dlBodies(got))
	}
	e.clock.Add(30 * time.Second)
	if got := e.receive(q, 10); len(got) != 0 {
		t.Fatalf("receive after the lapse = %v, want both dead-lettered", dlBodies(got))
	}
	if got := dlBodies(e.receive(d, 10)); !slices.Equal(got, []string{"m1", "m2"}) {
		t.Fatalf("dlq = %v", got)
	}

	e.dlSendGroup(q, "h", "h1")
	e.dlSendGroup(q, "h", "h2")
	if got := dlBodies(e.receive(q, 1)); !slices.Equal(got, []string{"h1"}) {
		t.Fatalf("receive = %v", got)
	}
	if got := e.receive(q, 10); len(got) != 0 {
		t.Fatalf("group not blocked: %v", dlBodies(got))
	}
	e.clock.Add(30 * time.Second)
	got := dlBodies(e.receive(q, 1))
	if len(got) == 0 {
		got = dlBodies(e.receive(q, 1))
	}
	if !slices.Equal(got, []string{"h2"}) {
		t.Fatalf("after h1 was dead-lettered, receive = %v, want [h2]", got)
	}
}

// Moved messages keep their order within a group, with increasing sequence
// numbers, and interleaved groups keep theirs.
func TestDeadLetterFifoOrder(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(true, 1, queue.Attributes{}, queue.Attributes{})
	var order []string
	for i := range 4 {
		for _, g := range []string{"a", "b"} {
			body := fmt.Sprintf("%s%d", g, i)
			e.dlSendGroup(q, g, body)
			order = append(order, body)
		}
	}
	for seen := 0; seen < len(order); {
		got := e.receive(q, 10)
		if len(got) == 0 {
			t.Fatalf("received only %d of %d", seen, len(order))
		}
		seen += len(got)
	}
	e.clock.Add(time.Second)
	if got := e.receive(q, 10); len(got) != 0 {
		t.Fatalf("receive = %v, want everything dead-lettered", dlBodies(got))
	}
	e.dlWantCounts(d, [3]int{len(order), 0, 0})

	var last = map[string]*big.Int{}
	var bodies = map[string][]string{}
	for {
		got := e.dlReceive(d, 10, new(time.Hour))
		if len(got) == 0 {
			break
		}
		for _, m := range got {
			g := m.Attributes[queue.SystemAttributeMessageGroupId]
			s := dlSeq(t, m.Attributes[queue.SystemAttributeSequenceNumber])
			if p := last[g]; p != nil && s.Cmp(p) <= 0 {
				t.Fatalf("group %s: SequenceNumber %s after %s", g, s, p)
			}
			last[g] = s
			bodies[g] = append(bodies[g], m.Body)
		}
	}
	for _, g := range []string{"a", "b"} {
		want := []string{g + "0", g + "1", g + "2", g + "3"}
		if !slices.Equal(bodies[g], want) {
			t.Fatalf("dlq group %s = %v, want %v", g, bodies[g], want)
		}
	}
}

// --- retention (checklist 40) ---

func TestDeadLetterRetention(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		name := "standard"
		if fifo {
			name = "fifo"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			q, d := e.dlPair(fifo, 1, queue.Attributes{}, queue.Attributes{MessageRetentionPeriod: new(time.Minute)})
			send := func(body string) {
				if fifo {
					e.dlSendGroup(q, "g", body)
				} else {
					e.send(q, body)
				}
			}
			// A message 2 minutes old moves into a DLQ that keeps messages 1 minute.
			send("old")
			e.clock.Add(2 * time.Minute)
			if got := dlBodies(e.receive(q, 1)); !slices.Equal(got, []string{"old"}) {
				t.Fatalf("receive = %v", got)
			}
			if got := e.receive(q, 1); len(got) != 0 {
				t.Fatalf("receive = %v, want the move", dlBodies(got))
			}
			e.dlWantCounts(q, [3]int{0, 0, 0})
			if fifo {
				// The enqueue time restarts: it lives its minute in the DLQ.
				e.dlWantCounts(d, [3]int{1, 0, 0})
				e.clock.Add(59 * time.Second)
				e.dlWantCounts(d, [3]int{1, 0, 0})
				e.clock.Add(time.Second)
				e.dlWantCounts(d, [3]int{0, 0, 0})
			} else {
				// It keeps its enqueue time: gone at the next call.
				e.dlWantCounts(d, [3]int{0, 0, 0})
				if got := e.receive(d, 10); len(got) != 0 {
					t.Fatalf("dlq served an expired message: %v", dlBodies(got))
				}
			}

			// A message 30 s old.
			send("young")
			e.clock.Add(30 * time.Second)
			e.receive(q, 1)
			e.receive(q, 1)
			e.dlWantCounts(d, [3]int{1, 0, 0})
			e.clock.Add(29 * time.Second)
			e.dlWantCounts(d, [3]int{1, 0, 0})
			e.clock.Add(time.Second)
			want := [3]int{0, 0, 0}
			if fifo {
				want = [3]int{1, 0, 0} // 30 s into its new minute
			}
			e.dlWantCounts(d, want)
			e.clock.Add(30 * time.Second)
			e.dlWantCounts(d, [3]int{0, 0, 0})
		})
	}
}

// --- deleted DLQ ---

// With its DLQ deleted, a message over maxReceiveCount stays in the source
// and is delivered: nothing is lost, and a DLQ created again under the name
// gets it at the next receive that reaches it.
func TestDeadLetterQueueDeleted(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
	for i := range 3 {
		e.send(q, fmt.Sprint("m", i))
	}
	if got := e.receive(q, 10); len(got) != 3 {
		t.Fatalf("receive = %v", dlBodies(got))
	}
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: d.URL()}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got := e.receive(q, 10); len(got) != 3 {
			t.Fatalf("receive = %v, want all three (no DLQ to move them to)", dlBodies(got))
		}
		e.dlWantCounts(q, [3]int{3, 0, 0})
	}
	e.clock.Add(time.Minute)
	d2 := e.create("dlq", queue.Attributes{})
	if got := e.receive(q, 10); len(got) != 0 {
		t.Fatalf("receive = %v", dlBodies(got))
	}
	e.dlWantCounts(q, [3]int{0, 0, 0})
	e.dlWantCounts(d2, [3]int{3, 0, 0})
	got := dlBodies(e.receive(d2, 10))
	slices.Sort(got)
	if !slices.Equal(got, []string{"m0", "m1", "m2"}) {
		t.Fatalf("new dlq = %v", got)
	}
}

// dlTimerGuard counts the timers a long poll starts: one that keeps
// starting them is spinning, and is stopped by cancelling its context.
type dlTimerGuard struct {
	*clock.Mock
	n      atomic.Int32
	cancel context.CancelFunc
}

func (g *dlTimerGuard) Timer(d time.Duration) *clock.Timer {
	if g.n.Add(1) > 50 {
		g.cancel()
	}
	return g.Mock.Timer(d)
}

// dlGuardedEnv is newEnv with the clock behind a dlTimerGuard; ctx is the
// context to long-poll with.
func dlGuardedEnv(t *testing.T) (*env, *dlTimerGuard, context.Context) {
	mock := clock.NewMock()
	mock.Set(epoch)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	g := &dlTimerGuard{Mock: mock, cancel: cancel}
	svc := queue.New(queue.WithClock(g))
	t.Cleanup(func() { svc.Close() })
	return &env{t: t, ctx: context.Background(), clock: mock, svc: svc}, g, ctx
}

// Regression: a long poll on a source whose DLQ was deleted, meeting a
// message over maxReceiveCount, woke itself when it put the message back and
// spun for the whole wait. Now the message is delivered at once.
func TestDeadLetterQueueDeletedLongPollDelivers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, g, ctx := dlGuardedEnv(t)
		q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
		e.send(q, "m")
		if len(e.receive(q, 1)) != 1 {
			t.Fatal("no message")
		}
		if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: d.URL()}); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
			if err == nil && !slices.Equal(dlBodies(out.Messages), []string{"m"}) {
				err = fmt.Errorf("received %v, want [m]", dlBodies(out.Messages))
			}
			done <- err
		}()
		synctest.Wait()
		if n := g.n.Load(); n > 50 {
			t.Fatalf("the long poll spun: %d timers without the clock moving", n)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatal("long poll still waiting, want the message at once")
		}
	})
}

// Regression: a queue that is its own dead-letter queue woke its own long
// poll when the message it moved came back, and the poll spun.
func TestDeadLetterSelfTargetLongPollWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, g, ctx := dlGuardedEnv(t)
		q := e.create("loop", queue.Attributes{VisibilityTimeout: new(time.Duration(0))})
		if err := e.dlSet(q, queue.Attributes{RedrivePolicy: dlPolicy(q.ARN(), 1)}); err != nil {
			t.Fatal(err)
		}
		e.send(q, "m")
		if len(e.receive(q, 1)) != 1 {
			t.Fatal("no message")
		}
		done := make(chan error, 1)
		go func() {
			out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
			if err == nil && len(out.Messages) > 0 {
				err = fmt.Errorf("received %v", dlBodies(out.Messages))
			}
			done <- err
		}()
		synctest.Wait()
		if n := g.n.Load(); n > 50 {
			t.Fatalf("the long poll spun: %d timers without the clock moving", n)
		}
		e.clock.Add(20 * time.Second)
		synctest.Wait()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatal("long poll still waiting after 20 s")
		}
		e.dlWantCounts(q, [3]int{1, 0, 0})
	})
}

// A message bound for a deleted DLQ becomes receivable again when the
// source's redrive policy is removed, and a long poll waiting then gets it.
func TestDeadLetterQueueDeletedPolicyRemoved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		q, d := e.dlPair(false, 1, queue.Attributes{}, queue.Attributes{})
		e.send(q, "m")
		e.receive(q, 1)
		if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: d.URL()}); err != nil {
			t.Fatal(err)
		}
		done := make(chan []string, 1)
		go func() {
			out, _ := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
			done <- dlBodies(out.Messages)
		}()
		synctest.Wait()
		if err := e.dlSet(q, queue.Attributes{RedrivePolicy: &queue.RedrivePolicy{}}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		select {
		case got := <-done:
			if !slices.Equal(got, []string{"m"}) {
				t.Fatalf("long poll = %v, want [m]", got)
			}
		default:
			t.Fatal("long poll did not wake when the policy was removed")
		}
	})
}

// --- ListDeadLetterSourceQueues (checklist 38) ---

func TestListDeadLetterSourceQueues(t *testing.T) {
	e := newEnv(t)
	d := e.create("dlq", queue.Attributes{})
	other := e.create("other-dlq", queue.Attributes{})
	// Sources created out of order, with other queues between them by name.
	names := []string{"s-d", "s-b", "s-e", "s-a", "s-c"}
	for _, n := range names {
		e.create(n, queue.Attributes{RedrivePolicy: dlPolicy(d.ARN(), 3)})
	}
	e.create("s-aa", queue.Attributes{RedrivePolicy: dlPolicy(other.ARN(), 3)})
	e.create("s-bb", queue.Attributes{})
	e.create("s-cc", queue.Attributes{})
	e.create("s-dd", queue.Attributes{RedrivePolicy: dlPolicy(other.ARN(), 3)})
	sorted := slices.Sorted(slices.Values(names))
	urls := func(ns ...string) []string {
		var out []string
		for _, n := range ns {
			out = append(out, "https://sqs.us-east-1.amazonaws.com/123456789012/"+n)
		}
		return out
	}

	out, err := d.ListDeadLetterSourceQueues(e.ctx, queue.ListDeadLetterSourceQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.QueueUrls, urls(sorted...)) || out.NextToken != "" {
		t.Fatalf("sources = %v %q, want %v", out.QueueUrls, out.NextToken, urls(sorted...))
	}
	out, err = other.ListDeadLetterSourceQueues(e.ctx, queue.ListDeadLetterSourceQueuesInput{})
	if err != nil || !slices.Equal(out.QueueUrls, urls("s-aa", "s-dd")) {
		t.Fatalf("other's sources = %v, %v", out.QueueUrls, err)
	}

	// Paging with MaxResults 2 visits each source once.
	var pages [][]string
	var all []string
	in := queue.ListDeadLetterSourceQueuesInput{MaxResults: 2}
	for {
		out, err := d.ListDeadLetterSourceQueues(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, out.QueueUrls)
		all = append(all, out.QueueUrls...)
		if out.NextToken == "" {
			break
		}
		if len(pages) > 10 {
			t.Fatal("paging does not end")
		}
		in.NextToken = out.NextToken
	}
	if len(pages) != 3 || len(pages[0]) != 2 || len(pages[1]) != 2 || len(pages[2]) != 1 || !slices.Equal(all, urls(sorted...)) {
		t.Fatalf("pages = %v", pages)
	}
	// MaxResults 5 over 5: one page, no token.
	out, err = d.ListDeadLetterSourceQueues(e.ctx, queue.ListDeadLetterSourceQueuesInput{MaxResults: 5})
	if err != nil || len(out.QueueUrls) != 5 || out.NextToken != "" {
		t.Fatalf("MaxResults 5 = %v %q %v", out.QueueUrls, out.NextToken, err)
	}

	_, err = d.ListDeadLetterSourceQueues(e.ctx, queue.ListDeadLetterSourceQueuesInput{NextToken: in.NextToken})
	wantErr(t, err, queue.ErrInvalidParameterValue, "MaxResults is a mandatory parameter when you provide a value for NextToken.")
	for _, n := range []int{-1, 1001} {
		_, err = d.ListDeadLetterSourceQueues(e.ctx, queue.ListDeadLetterSourceQueuesInput{MaxResults: n})
		wantErr(t, err, queue.ErrInvalidParameterValue,
			"Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.")
	}

	// A queue nobody names has no sources.
	for _, q := range []*queue.Queue{e.create("lonely", queue.Attributes{}), e.dlQueue("s-bb")} {
		out, err := q.ListDeadLetterSourceQueues(e.ctx, queue.ListDeadLetterSourceQueuesInput{})
		if err != nil || len(out.QueueUrls) != 0 || out.NextToken != "" {
			t.Fatalf("%s: sources = %v %q %v, want none", q.Name(), out.QueueUrls, out.NextToken, err)
		}
	}

	// A source that drops its policy, or is deleted, is no longer listed.
	if err := e.dlSet(e.dlQueue("s-b"), queue.Attributes{RedrivePolicy: &queue.RedrivePolicy{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: urls("s-d")[0]}); err != nil {
		t.Fatal(err)
	}
	out, err = d.ListDeadLetterSourceQueues(e.ctx, queue.ListDeadLetterSourceQueuesInput{})
	if err != nil || !slices.Equal(out.QueueUrls, urls("s-a", "s-c", "s-e")) {
		t.Fatalf("sources = %v, %v", out.QueueUrls, err)
	}

	// On a deleted queue.
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: d.URL()}); err != nil {
		t.Fatal(err)
	}
	_, err = d.ListDeadLetterSourceQueues(e.ctx, queue.ListDeadLetterSourceQueuesInput{})
	wantErr(t, err, queue.ErrQueueDoesNotExist, "The specified queue does not exist.")
}

func (e *env) dlQueue(name string) *queue.Queue {
	e.t.Helper()
	q, err := e.svc.QueueFromURL("https://sqs.us-east-1.amazonaws.com/123456789012/" + name)
	if err != nil {
		e.t.Fatalf("QueueFromURL(%s): %v", name, err)
	}
	return q
}

// --- conservation ---

// Across random receives, deletes and time, every message sent is in the
// source, in the DLQ or deleted, never in two places, and the source never
// delivers one more than maxReceiveCount times.
func TestDeadLetterConservation(t *testing.T) {
	// In a bubble only so that the mock clock's Add does not really sleep.
	synctest.Test(t, func(t *testing.T) {
		const maxReceives = 3
		e := newEnv(t)
		q, d := e.dlPair(false, maxReceives, queue.Attributes{VisibilityTimeout: new(5 * time.Second)}, queue.Attributes{})
		rng := rand.New(rand.NewPCG(36, 40))
		sent := map[string]bool{}
		deleted := map[string]bool{}
		moved := 0
		visChoices := []time.Duration{0, time.Second, 5 * time.Second, 30 * time.Second}
		check := func(step int) {
			t.Helper()
			if got := e.dlTotal(q) + e.dlTotal(d) + len(deleted); got != len(sent) {
				t.Fatalf("step %d: source %v + dlq %v + deleted %d = %d, sent %d",
					step, e.dlCounts(q), e.dlCounts(d), len(deleted), got, len(sent))
			}
		}
		for step := range 2000 {
			switch r := rng.IntN(10); {
			case r < 3 && len(sent) < 300:
				sent[e.send(q, fmt.Sprint("m", len(sent))).MessageId] = true
			case r < 6:
				for _, m := range e.dlReceive(q, 1+rng.IntN(10), new(visChoices[rng.IntN(len(visChoices))])) {
					if !sent[m.MessageId] || deleted[m.MessageId] {
						t.Fatalf("step %d: source returned %s (sent %v, deleted %v)", step, m.MessageId, sent[m.MessageId], deleted[m.MessageId])
					}
					if c, _ := strconv.Atoi(m.Attributes[queue.SystemAttributeApproximateReceiveCount]); c < 1 || c > maxReceives {
						t.Fatalf("step %d: source delivered a message with ApproximateReceiveCount %d", step, c)
					}
					if rng.IntN(4) == 0 {
						e.dlDelete(q, m)
						deleted[m.MessageId] = true
					}
				}
			case r < 7:
				for _, m := range e.dlReceive(d, 1+rng.IntN(3), new(visChoices[rng.IntN(len(visChoices))])) {
					if !sent[m.MessageId] || deleted[m.MessageId] || m.Attributes[queue.SystemAttributeDeadLetterQueueSourceArn] != q.ARN() {
						t.Fatalf("step %d: dlq returned %+v", step, m)
					}
					moved++
					if rng.IntN(2) == 0 {
						e.dlDelete(d, m)
						deleted[m.MessageId] = true
					}
				}
			default:
				e.clock.Add(time.Duration(rng.IntN(8)) * time.Second)
			}
			check(step)
		}
		if moved == 0 || len(deleted) == 0 {
			t.Fatalf("the walk never reached the DLQ (%d) or deleted (%d)", moved, len(deleted))
		}

		// Drain both: every message is in exactly one place.
		e.clock.Add(time.Minute)
		where := map[string]string{}
		for id := range deleted {
			where[id] = "deleted"
		}
		for _, qq := range []*queue.Queue{q, d} {
			for {
				got := e.dlReceive(qq, 10, new(time.Hour))
				if len(got) == 0 {
					break
				}
				for _, m := range got {
					if w, ok := where[m.MessageId]; ok {
						t.Fatalf("%s found in %s and %s", m.MessageId, w, qq.Name())
					}
					where[m.MessageId] = qq.Name()
				}
			}
		}
		if len(where) != len(sent) {
			t.Fatalf("accounted for %d of %d messages", len(where), len(sent))
		}
		check(-1)
	})
}

// A FIFO source whose DLQ is gone keeps a message over maxReceiveCount in
// its group's place: a receive hands out the group in order, never the
// second message while the first waits to be moved.
func TestDeadLetterQueueDeletedFifoOrder(t *testing.T) {
	e := newEnv(t)
	q, d := e.dlPair(true, 1, queue.Attributes{}, queue.Attributes{})
	for _, body := range []string{"m1", "m2"} {
		if _, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: body, MessageGroupId: "g"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := dlBodies(e.receive(q, 1)); !slices.Equal(got, []string{"m1"}) {
		t.Fatalf("first receive = %v, want [m1]", got)
	}
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: d.URL()}); err != nil {
		t.Fatal(err)
	}
	if got := dlBodies(e.receive(q, 10)); !slices.Equal(got, []string{"m1", "m2"}) {
		t.Fatalf("receive with the DLQ gone = %v, want [m1 m2] in order", got)
	}
}
