package pubsub_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

const archiveTS = "2006-01-02T15:04:05.000Z"

// archEnv is a FIFO topic with an archive policy and a helper to publish
// to it with distinct deduplication ids.
type archEnv struct {
	*psEnv
	ft *pubsub.Topic
	n  int
}

func archNewEnv(t *testing.T, days string) *archEnv {
	e := psNewEnv(t)
	attrs := map[string]string{"FifoTopic": "true"}
	if days != "" {
		attrs["ArchivePolicy"] = `{"MessageRetentionPeriod":"` + days + `"}`
	}
	return &archEnv{psEnv: e, ft: e.topic("arch.fifo", attrs)}
}

func (e *archEnv) pub(msg string, attrs map[string]pubsub.MessageAttributeValue) pubsub.PublishOutput {
	e.t.Helper()
	e.n++
	return e.publish(e.ft, pubsub.PublishInput{Message: msg, MessageGroupId: "g", MessageDeduplicationId: fmt.Sprint("d", e.n), MessageAttributes: attrs})
}

func (e *archEnv) topicAttrs() map[string]string {
	e.t.Helper()
	out, err := e.ft.GetTopicAttributes(e.ctx, pubsub.GetTopicAttributesInput{})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Attributes
}

func (e *archEnv) sub(arn string) *pubsub.Subscription {
	e.t.Helper()
	s, err := e.svc.SubscriptionFromARN(arn)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *archEnv) setReplay(arn, policy string) error {
	_, err := e.sub(arn).SetSubscriptionAttributes(e.ctx, pubsub.SetSubscriptionAttributesInput{AttributeName: "ReplayPolicy", AttributeValue: policy})
	return err
}

func (e *archEnv) replayStatus(arn string) string {
	e.t.Helper()
	out, err := e.sub(arn).GetSubscriptionAttributes(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Attributes["ReplayStatus"]
}

// drain receives up to 10 messages and deletes them, so a later receive
// on a moved clock does not see them again.
func (e *archEnv) drain(q *queue.Queue) []queue.Message {
	e.t.Helper()
	msgs := e.receive(q)
	for _, m := range msgs {
		if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
			e.t.Fatal(err)
		}
	}
	return msgs
}

// archNotes decodes SQS envelopes into (Message, MessageId, Timestamp).
func archNotes(t *testing.T, bodies []string) (msgs, ids, stamps []string) {
	t.Helper()
	for _, b := range bodies {
		var env struct{ Message, MessageId, Timestamp string }
		if err := json.Unmarshal([]byte(b), &env); err != nil {
			t.Fatalf("envelope %q: %v", b, err)
		}
		msgs, ids, stamps = append(msgs, env.Message), append(ids, env.MessageId), append(stamps, env.Timestamp)
	}
	return msgs, ids, stamps
}

func replayJSON(start, end time.Time) string {
	s := `{"PointType":"Timestamp","StartingPoint":"` + start.UTC().Format(time.RFC3339Nano) + `"`
	if !end.IsZero() {
		s += `,"EndingPoint":"` + end.UTC().Format(time.RFC3339Nano) + `"`
	}
	return s + "}"
}

func TestArchivePolicy_Validation(t *testing.T) {
	e := archNewEnv(t, "")
	std := e.topic("std", nil)
	set := func(tp *pubsub.Topic, v string) error {
		_, err := tp.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "ArchivePolicy", AttributeValue: v})
		return err
	}
	for _, tc := range []struct {
		topic *pubsub.Topic
		value string
		msg   string // "" = accepted
	}{
		{e.ft, `{"MessageRetentionPeriod":"1"}`, ""},
		{e.ft, `{"MessageRetentionPeriod":"365"}`, ""},
		{e.ft, `{"MessageRetentionPeriod":30}`, ""},
		{e.ft, `{"MessageRetentionPeriod":"0"}`, "Invalid parameter: ArchivePolicy: MessageRetentionPeriod value is invalid"},
		{e.ft, `{"MessageRetentionPeriod":"366"}`, "Invalid parameter: ArchivePolicy: MessageRetentionPeriod value is invalid"},
		{e.ft, `{"MessageRetentionPeriod":"ten"}`, "Invalid parameter: ArchivePolicy: MessageRetentionPeriod value is invalid"},
		{e.ft, `{"MessageRetentionPeriod":"1.5"}`, "Invalid parameter: ArchivePolicy: MessageRetentionPeriod value is invalid"},
		{e.ft, `{"Retention":"1"}`, "Invalid parameter: ArchivePolicy: Unrecognized field Retention"},
		{e.ft, `{"MessageRetentionPeriod":"1","x":1}`, "Invalid parameter: ArchivePolicy: Unrecognized field x"},
		{e.ft, `[1]`, "Invalid parameter: ArchivePolicy: failed to parse JSON."},
		{e.ft, `{`, "Invalid parameter: ArchivePolicy: failed to parse JSON."},
		{std, `{"MessageRetentionPeriod":"1"}`, "Invalid parameter: ArchivePolicy: Archive policy can only be set for FIFO topics"},
	} {
		err := set(tc.topic, tc.value)
		if tc.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.value, err)
			}
			continue
		}
		psWantErr(t, err, pubsub.ErrInvalidParameter, tc.msg)
	}
	_, err := e.svc.CreateTopic(e.ctx, pubsub.CreateTopicInput{Name: "c.fifo", Attributes: map[string]string{"FifoTopic": "true", "ArchivePolicy": `{"MessageRetentionPeriod":"400"}`}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Attributes Reason: ArchivePolicy: MessageRetentionPeriod value is invalid")
	_, err = e.ft.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "BeginningArchiveTime", AttributeValue: "2026-01-01T00:00:00.000Z"})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: AttributeName")

	// Set, then removed by "" and by {}.
	for _, off := range []string{"", "{}"} {
		if err := set(e.ft, `{"MessageRetentionPeriod":"7"}`); err != nil {
			t.Fatal(err)
		}
		if a := e.topicAttrs(); a["ArchivePolicy"] != `{"MessageRetentionPeriod":"7"}` || a["BeginningArchiveTime"] == "" {
			t.Fatalf("with a policy: %v", a)
		}
		if err := set(e.ft, off); err != nil {
			t.Fatal(err)
		}
		a := e.topicAttrs()
		if _, ok := a["ArchivePolicy"]; ok {
			t.Errorf("ArchivePolicy %q left the policy: %v", off, a)
		}
		if _, ok := a["BeginningArchiveTime"]; ok {
			t.Errorf("ArchivePolicy %q left BeginningArchiveTime", off)
		}
	}
}

func TestArchive_BeginningArchiveTime(t *testing.T) {
	e := archNewEnv(t, "2")
	const h = time.Hour
	for _, tc := range []struct {
		at, want time.Duration // since the epoch
	}{
		{0, 0},             // when archiving was enabled
		{36 * h, 0},        // younger than the retention period
		{48 * h, 0},        // exactly the retention period
		{72 * h, 24 * h},   // now - 2 days
		{96 * h, 48 * h},   // moves with the clock
		{336 * h, 288 * h}, // long after
		{96 * h, 288 * h},  // the clock set back: time never runs backwards
	} {
		e.clock.Set(psEpoch.Add(tc.at))
		want := psEpoch.Add(tc.want).Format(archiveTS)
		if got := e.topicAttrs()["BeginningArchiveTime"]; got != want {
			t.Errorf("at %v: BeginningArchiveTime = %s, want %s", tc.at, got, want)
		}
	}
	// Changing the retention keeps the archive's start.
	_, err := e.ft.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "ArchivePolicy", AttributeValue: `{"MessageRetentionPeriod":"365"}`})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.topicAttrs()["BeginningArchiveTime"]; got != psEpoch.Format(archiveTS) {
		t.Errorf("after raising the retention: %s, want %s", got, psEpoch.Format(archiveTS))
	}
}

func TestReplayPolicy_Validation(t *testing.T) {
	e := archNewEnv(t, "1")
	arn := e.subscribe(e.ft, "sqs", e.queue("v").ARN(), nil)
	std := e.topic("std", nil)
	stdArn := e.subscribe(std, "sqs", e.queue("w").ARN(), nil)
	for _, tc := range []struct {
		arn, value, msg string
	}{
		{arn, `{"PointType":"Timestamp","StartingPoint":"2026-01-02T00:00:00.000Z"}`, ""},
		{arn, `{"PointType":"Timestamp","StartingPoint":"2026-01-02T00:00:00Z","EndingPoint":"2026-01-02T01:00:00.5Z"}`, ""},
		{arn, `{"PointType":"Timestamp","StartingPoint":"2026-01-02T02:00:00+02:00"}`, ""},
		{arn, ``, ""},
		{arn, `{`, "Invalid parameter: ReplayPolicy: failed to parse JSON."},
		{arn, `"x"`, "Invalid parameter: ReplayPolicy: failed to parse JSON."},
		{arn, `{"StartingPoint":"2026-01-02T00:00:00Z"}`, "Invalid parameter: ReplayPolicy: PointType is required"},
		{arn, `{"PointType":"Offset","StartingPoint":"2026-01-02T00:00:00Z"}`, "Invalid parameter: ReplayPolicy: PointType must be Timestamp"},
		{arn, `{"PointType":1,"StartingPoint":"2026-01-02T00:00:00Z"}`, "Invalid parameter: ReplayPolicy: PointType must be a string"},
		{arn, `{"PointType":"Timestamp"}`, "Invalid parameter: ReplayPolicy: StartingPoint is required"},
		{arn, `{"PointType":"Timestamp","StartingPoint":"yesterday"}`, "Invalid parameter: ReplayPolicy: StartingPoint is not a valid timestamp"},
		{arn, `{"PointType":"Timestamp","StartingPoint":1767312000}`, "Invalid parameter: ReplayPolicy: StartingPoint must be a string"},
		{arn, `{"PointType":"Timestamp","StartingPoint":"2026-01-02T00:00:00Z","EndingPoint":"soon"}`, "Invalid parameter: ReplayPolicy: EndingPoint is not a valid timestamp"},
		{arn, `{"PointType":"Timestamp","StartingPoint":"2026-01-02T00:00:00Z","EndingPoint":"2026-01-02T00:00:00Z"}`, "Invalid parameter: ReplayPolicy: EndingPoint must be after StartingPoint"},
		{arn, `{"PointType":"Timestamp","StartingPoint":"2026-01-02T00:00:00Z","EndingPoint":"2026-01-01T00:00:00Z"}`, "Invalid parameter: ReplayPolicy: EndingPoint must be after StartingPoint"},
		{arn, `{"PointType":"Timestamp","StartingPoint":"2026-01-02T00:00:00Z","Speed":"2"}`, "Invalid parameter: ReplayPolicy: Unrecognized field Speed"},
		{stdArn, `{"PointType":"Timestamp","StartingPoint":"2026-01-02T00:00:00Z"}`, "Invalid parameter: ReplayPolicy: Replay policy can only be set for subscriptions to FIFO topics"},
	} {
		err := e.setReplay(tc.arn, tc.value)
		if tc.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.value, err)
			}
			continue
		}
		psWantErr(t, err, pubsub.ErrInvalidParameter, tc.msg)
	}
	_, err := e.ft.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: e.queue("x").ARN(), Attributes: map[string]string{"ReplayPolicy": `{"PointType":"Timestamp"}`}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Attributes Reason: ReplayPolicy: StartingPoint is required")
}

// TestReplay_Window publishes over three hours, then replays windows of the
// archive and checks what arrives, in order, with the original MessageId
// and Timestamp.
func TestReplay_Window(t *testing.T) {
	e := archNewEnv(t, "1")
	var ids []string
	var stamps []time.Time
	for i := range 4 {
		ids = append(ids, e.pub(fmt.Sprint("m", i), nil).MessageId)
		stamps = append(stamps, e.clock.Now())
		e.clock.Add(time.Hour)
	}
	// now = epoch+4h; messages at epoch, +1h, +2h, +3h.
	for _, tc := range []struct {
		name       string
		start, end time.Time
		want       []int
	}{
		{"everything", psEpoch.Add(-time.Hour), time.Time{}, []int{0, 1, 2, 3}},
		{"from the second", stamps[1], time.Time{}, []int{1, 2, 3}},
		{"between two", stamps[1].Add(time.Millisecond), time.Time{}, []int{2, 3}},
		{"closed window, ends inclusive", stamps[1], stamps[2], []int{1, 2}},
		{"window before the first", psEpoch.Add(-2 * time.Hour), psEpoch.Add(-time.Hour), nil},
		{"from the future", psEpoch.Add(5 * time.Hour), time.Time{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := e.queue("q" + fmt.Sprint(len(tc.name)) + tc.name[:3])
			arn := e.subscribe(e.ft, "sqs", q.ARN(), nil)
			if got := e.drain(q); len(got) != 0 {
				t.Fatalf("a new subscription got %d archived messages without a replay", len(got))
			}
			if err := e.setReplay(arn, replayJSON(tc.start, tc.end)); err != nil {
				t.Fatal(err)
			}
			msgs, gotIDs, gotStamps := archNotes(t, psBodies(e.drain(q)))
			var wantMsgs, wantIDs, wantStamps []string
			for _, i := range tc.want {
				wantMsgs = append(wantMsgs, fmt.Sprint("m", i))
				wantIDs = append(wantIDs, ids[i])
				wantStamps = append(wantStamps, stamps[i].Format(archiveTS))
			}
			if !slices.Equal(msgs, wantMsgs) || !slices.Equal(gotIDs, wantIDs) || !slices.Equal(gotStamps, wantStamps) {
				t.Errorf("replayed %v %v %v, want %v %v %v", msgs, gotIDs, gotStamps, wantMsgs, wantIDs, wantStamps)
			}
		})
	}
}

func TestReplay_FilterPolicyAndRaw(t *testing.T) {
	e := archNewEnv(t, "1")
	color := func(c string) map[string]pubsub.MessageAttributeValue {
		return map[string]pubsub.MessageAttributeValue{"color": {DataType: "String", StringValue: c}}
	}
	e.pub("red 1", color("red"))
	e.pub("blue", color("blue"))
	e.pub("red 2", color("red"))
	e.pub("none", nil)
	e.clock.Add(time.Minute)
	q := e.queue("filtered")
	arn := e.subscribe(e.ft, "sqs", q.ARN(), map[string]string{"FilterPolicy": `{"color":["red"]}`, "RawMessageDelivery": "true"})
	if err := e.setReplay(arn, replayJSON(psEpoch, time.Time{})); err != nil {
		t.Fatal(err)
	}
	got := e.drain(q)
	if bodies := psBodies(got); !slices.Equal(bodies, []string{"red 1", "red 2"}) {
		t.Fatalf("replayed %q, want the red messages raw", bodies)
	}
	if a := got[0].MessageAttributes["color"]; a.StringValue != "red" {
		t.Errorf("raw replay attributes = %v", got[0].MessageAttributes)
	}
}

// TestReplay_Status checks ReplayStatus against the clock and that a
// subscription receives only messages inside its replay window: after an
// EndingPoint it is paused until a new policy without one.
func TestReplay_Status(t *testing.T) {
	e := archNewEnv(t, "1")
	q := e.queue("status")
	arn := e.subscribe(e.ft, "sqs", q.ARN(), nil)
	if s := e.replayStatus(arn); s != "" {
		t.Fatalf("ReplayStatus without a policy = %q", s)
	}
	e.pub("before", nil)
	if got := len(e.drain(q)); got != 1 {
		t.Fatalf("live delivery: %d messages", got)
	}
	start, end := psEpoch.Add(time.Hour), psEpoch.Add(2*time.Hour)
	if err := e.setReplay(arn, replayJSON(start, end)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at        time.Time
		publish   string
		status    string
		delivered bool
	}{
		{psEpoch.Add(30 * time.Minute), "early", "Pending", false},
		{start, "at start", "In progress", true},
		{start.Add(30 * time.Minute), "inside", "In progress", true},
		{end, "at end", "Completed", true},
		{end.Add(time.Millisecond), "after", "Completed", false},
		{end.Add(time.Hour), "later", "Completed", false},
	} {
		e.clock.Set(tc.at)
		if s := e.replayStatus(arn); s != tc.status {
			t.Errorf("at %v: ReplayStatus = %q, want %q", tc.at.Sub(psEpoch), s, tc.status)
		}
		e.pub(tc.publish, nil)
		msgs, _, _ := archNotes(t, psBodies(e.drain(q)))
		if want := tc.delivered; (len(msgs) == 1 && msgs[0] == tc.publish) != want {
			t.Errorf("at %v: publish %q delivered %v, want delivered=%v", tc.at.Sub(psEpoch), tc.publish, msgs, want)
		}
	}
	// Resuming: a policy without an EndingPoint from the previous end
	// replays what the pause held back and delivers live messages again.
	e.clock.Add(10 * time.Minute) // past the queue's deduplication of the replayed ids
	if err := e.setReplay(arn, replayJSON(end, time.Time{})); err != nil {
		t.Fatal(err)
	}
	msgs, _, _ := archNotes(t, psBodies(e.drain(q)))
	if !slices.Equal(msgs, []string{"at end", "after", "later"}) {
		t.Errorf("resumed replay = %q", msgs)
	}
	if s := e.replayStatus(arn); s != "Completed" {
		t.Errorf("resumed ReplayStatus = %q", s)
	}
	e.pub("live", nil)
	if msgs, _, _ := archNotes(t, psBodies(e.drain(q))); !slices.Equal(msgs, []string{"live"}) {
		t.Errorf("after resuming: %q", msgs)
	}
	// Removing the policy removes ReplayStatus.
	if err := e.setReplay(arn, ""); err != nil {
		t.Fatal(err)
	}
	out, _ := e.sub(arn).GetSubscriptionAttributes(e.ctx)
	if _, ok := out.Attributes["ReplayStatus"]; ok {
		t.Errorf("ReplayStatus after removing the policy: %v", out.Attributes)
	}
	if _, ok := out.Attributes["ReplayPolicy"]; ok {
		t.Errorf("ReplayPolicy after removing it: %v", out.Attributes)
	}
}

// TestArchive_Retention checks that messages older than the retention
// period are not replayed, and that a topic without an archive replays
// nothing.
func TestArchive_Retention(t *testing.T) {
	e := archNewEnv(t, "1")
	e.pub("old", nil)
	e.clock.Add(12 * time.Hour)
	e.pub("newer", nil)
	for _, tc := range []struct {
		advance time.Duration
		want    []string
	}{
		{11 * time.Hour, []string{"old", "newer"}}, // old is 23h old
		{time.Hour, []string{"newer"}},             // old is exactly 1 day old: gone
		{11*time.Hour + 59*time.Minute, []string{"newer"}},
		{time.Minute, nil}, // newer is 1 day old
	} {
		e.clock.Add(tc.advance)
		q := e.queue(fmt.Sprint("r", e.clock.Now().Unix()))
		arn := e.subscribe(e.ft, "sqs", q.ARN(), nil)
		if err := e.setReplay(arn, replayJSON(psEpoch.Add(-time.Hour), time.Time{})); err != nil {
			t.Fatal(err)
		}
		if msgs, _, _ := archNotes(t, psBodies(e.drain(q))); !slices.Equal(msgs, tc.want) {
			t.Errorf("at %v: replayed %q, want %q", e.clock.Now().Sub(psEpoch), msgs, tc.want)
		}
	}

	// Without an archive policy nothing is archived; removing the policy
	// drops the archive.
	plain := archNewEnv(t, "")
	plain.pub("not archived", nil)
	q := plain.queue("plain")
	arn := plain.subscribe(plain.ft, "sqs", q.ARN(), nil)
	if err := plain.setReplay(arn, replayJSON(psEpoch.Add(-time.Hour), time.Time{})); err != nil {
		t.Fatal(err)
	}
	if got := plain.drain(q); len(got) != 0 {
		t.Errorf("replay without an archive delivered %q", psBodies(got))
	}
	d := archNewEnv(t, "3")
	d.pub("dropped", nil)
	if _, err := d.ft.SetTopicAttributes(d.ctx, pubsub.SetTopicAttributesInput{AttributeName: "ArchivePolicy", AttributeValue: "{}"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ft.SetTopicAttributes(d.ctx, pubsub.SetTopicAttributesInput{AttributeName: "ArchivePolicy", AttributeValue: `{"MessageRetentionPeriod":"3"}`}); err != nil {
		t.Fatal(err)
	}
	q = d.queue("d")
	arn = d.subscribe(d.ft, "sqs", q.ARN(), nil)
	if err := d.setReplay(arn, replayJSON(psEpoch.Add(-time.Hour), time.Time{})); err != nil {
		t.Fatal(err)
	}
	if got := d.drain(q); len(got) != 0 {
		t.Errorf("replay after the archive was dropped delivered %q", psBodies(got))
	}
}

// TestReplay_SubscribeAndSupersede replays on Subscribe, and a new policy
// replaces the previous one.
func TestReplay_SubscribeAndSupersede(t *testing.T) {
	e := archNewEnv(t, "1")
	e.pub("a", nil)
	e.clock.Add(time.Hour)
	e.pub("b", nil)
	e.clock.Add(time.Hour)
	q := e.queue("onsub")
	arn := e.subscribe(e.ft, "sqs", q.ARN(), map[string]string{"ReplayPolicy": replayJSON(psEpoch, time.Time{})})
	if msgs, _, _ := archNotes(t, psBodies(e.drain(q))); !slices.Equal(msgs, []string{"a", "b"}) {
		t.Errorf("Subscribe with a ReplayPolicy replayed %q", msgs)
	}
	if s := e.replayStatus(arn); s != "Completed" {
		t.Errorf("ReplayStatus = %q", s)
	}
	e.clock.Add(10 * time.Minute)
	if err := e.setReplay(arn, replayJSON(psEpoch.Add(time.Hour), psEpoch.Add(3*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if msgs, _, _ := archNotes(t, psBodies(e.drain(q))); !slices.Equal(msgs, []string{"b"}) {
		t.Errorf("second replay = %q", msgs)
	}
	if s := e.replayStatus(arn); s != "In progress" {
		t.Errorf("ReplayStatus before its EndingPoint = %q", s)
	}
}

// TestReplay_ReplayedMarker checks the Replayed attribute: a last
// "Replayed" : true field of a replayed envelope, a Replayed SQS attribute
// of a replayed raw message, and nothing on live messages.
func TestReplay_ReplayedMarker(t *testing.T) {
	e := archNewEnv(t, "1")
	envQ, rawQ := e.queue("env"), e.queue("raw")
	envArn := e.subscribe(e.ft, "sqs", envQ.ARN(), nil)
	rawArn := e.subscribe(e.ft, "sqs", rawQ.ARN(), map[string]string{"RawMessageDelivery": "true"})
	e.pub("m", map[string]pubsub.MessageAttributeValue{"a": {DataType: "String", StringValue: "v"}})
	live, liveRaw := e.drain(envQ), e.drain(rawQ)
	if len(live) != 1 || len(liveRaw) != 1 {
		t.Fatalf("live deliveries: %d, %d", len(live), len(liveRaw))
	}
	for _, arn := range []string{envArn, rawArn} {
		if err := e.setReplay(arn, replayJSON(psEpoch, time.Time{})); err != nil {
			t.Fatal(err)
		}
	}
	replayed, replayedRaw := e.drain(envQ), e.drain(rawQ)
	if len(replayed) != 1 || len(replayedRaw) != 1 {
		t.Fatalf("replayed deliveries: %d, %d", len(replayed), len(replayedRaw))
	}
	for _, tc := range []struct {
		name, body string
		want       bool
	}{
		{"live envelope", live[0].Body, false},
		{"replayed envelope", replayed[0].Body, true},
	} {
		var env map[string]any
		if err := json.Unmarshal([]byte(tc.body), &env); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got, ok := env["Replayed"]; ok != tc.want || ok && got != true {
			t.Errorf("%s: Replayed = %v (present %v), want present %v", tc.name, got, ok, tc.want)
		}
	}
	if want := strings.Replace(live[0].Body, "\n}", ",\n  \"Replayed\" : true\n}", 1); replayed[0].Body != want {
		t.Errorf("replayed envelope\n%s\nwant the live one with a last Replayed field\n%s", replayed[0].Body, want)
	}
	if _, ok := liveRaw[0].MessageAttributes["Replayed"]; ok {
		t.Errorf("live raw message has a Replayed attribute")
	}
	if a := replayedRaw[0].MessageAttributes["Replayed"]; a.DataType != "String" || a.StringValue != "true" || replayedRaw[0].Body != "m" ||
		replayedRaw[0].MessageAttributes["a"].StringValue != "v" {
		t.Errorf("replayed raw message: %q %v", replayedRaw[0].Body, replayedRaw[0].MessageAttributes)
	}
}

// TestReplay_Concurrent publishes from four goroutines while another sets
// replay policies and reads the topic's archive attributes, then replays
// the whole archive: every message once, each publisher's in its order.
func TestReplay_Concurrent(t *testing.T) {
	e := archNewEnv(t, "1")
	busyQ := e.queue("busy")
	busy := e.subscribe(e.ft, "sqs", busyQ.ARN(), nil)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				_, err := e.ft.Publish(e.ctx, pubsub.PublishInput{Message: fmt.Sprint(w, "-", i), MessageGroupId: fmt.Sprint(w),
					MessageDeduplicationId: fmt.Sprint(w, "-", i)})
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			if err := e.setReplay(busy, replayJSON(psEpoch, time.Time{})); err != nil {
				t.Error(err)
			}
			if _, err := e.ft.GetTopicAttributes(e.ctx, pubsub.GetTopicAttributesInput{}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	q := e.queue("all")
	arn := e.subscribe(e.ft, "sqs", q.ARN(), nil)
	if err := e.setReplay(arn, replayJSON(psEpoch, time.Time{})); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		batch := e.drain(q)
		if len(batch) == 0 {
			break
		}
		msgs, _, _ := archNotes(t, psBodies(batch))
		got = append(got, msgs...)
	}
	if len(got) != 200 {
		t.Fatalf("replayed %d messages, want 200", len(got))
	}
	next := map[string]int{}
	for _, m := range got {
		w, i, _ := strings.Cut(m, "-")
		if n, _ := strconv.Atoi(i); n != next[w] {
			t.Fatalf("publisher %s: replayed %s, want %d next", w, m, next[w])
		}
		next[w]++
	}
}
