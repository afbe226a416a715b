package queue_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

// TestModelStandardQueue runs random sequences of operations on one standard
// queue and checks every answer against pmModel, a plain model that knows
// nothing of the library's internals. Time moves only through the "advance"
// action; every call is a short poll. Each check runs in a synctest bubble
// only because the mock clock's Add pauses for a millisecond, which costs no
// real time there.
func TestModelStandardQueue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			pm := newPMMachine(t)
			defer pm.svc.Close()
			t.Repeat(map[string]func(*rapid.T){
				"send":                  pm.send,
				"sendBatch":             pm.sendBatch,
				"receive":               pm.receive,
				"delete":                pm.delete,
				"deleteBatch":           pm.deleteBatch,
				"changeVisibility":      pm.changeVisibility,
				"changeVisibilityBatch": pm.changeVisibilityBatch,
				"purge":                 pm.purge,
				"setAttributes":         pm.setAttributes,
				"advance":               pm.advance,
				"":                      pm.check,
			})
		})
	})
}

// pmState is where the model keeps a message. The first three are live.
type pmState int

const (
	pmDelayed pmState = iota
	pmVisible
	pmInFlight
	pmDeleted
	pmExpired
	pmPurged
	pmNumStates
)

var pmStateNames = [pmNumStates]string{"delayed", "visible", "in flight", "deleted", "expired", "purged"}

func (s pmState) String() string { return pmStateNames[s] }

func (s pmState) live() bool { return s <= pmInFlight }

// pmMsg is one sent message as the model sees it.
type pmMsg struct {
	seq        int // send order
	id         string
	body       string
	enqueuedAt time.Time
	state      pmState
	deadline   time.Time // end of the delay or of the visibility timeout
	receives   int
	receivedAt time.Time // latest receive
	handles    []string  // one per receive, oldest first
}

// pmModel is SQS's documented behaviour for one standard queue, as sluice
// specifies it (doc.go "Differences from Amazon SQS"): exact counts, a short
// poll returns every visible message up to the maximum, oldest first, and any
// handle the message was received with deletes it or changes its visibility.
type pmModel struct {
	now       time.Time
	vis       time.Duration // queue VisibilityTimeout
	delay     time.Duration // queue DelaySeconds
	retention time.Duration // queue MessageRetentionPeriod
	purgedAt  time.Time
	purged    bool
	msgs      []*pmMsg          // every message ever sent, in send order
	byID      map[string]*pmMsg // by MessageId
	handles   map[string]*pmMsg // every receipt handle the queue issued
}

const (
	pmMaxVisibility = 12 * time.Hour
	pmPurgeCooldown = 60 * time.Second
)

// catchUp applies the time rules due by now: delays and visibility timeouts
// that ended make messages visible, and messages as old as the retention
// period expire.
func (m *pmModel) catchUp() {
	for _, msg := range m.msgs {
		if (msg.state == pmDelayed || msg.state == pmInFlight) && !msg.deadline.After(m.now) {
			msg.state = pmVisible
		}
		if msg.state.live() && !msg.enqueuedAt.Add(m.retention).After(m.now) {
			msg.state = pmExpired
		}
	}
}

func (m *pmModel) counts() [pmNumStates]int {
	var c [pmNumStates]int
	for _, msg := range m.msgs {
		c[msg.state]++
	}
	return c
}

// send records a sent message; delay nil means the queue's delay.
func (m *pmModel) send(t *rapid.T, id, md5OfBody, body string, delay *time.Duration) {
	t.Helper()
	m.catchUp()
	if id == "" || m.byID[id] != nil {
		t.Fatalf("SendMessage returned MessageId %q, empty or already used", id)
	}
	if want := pmMD5(body); md5OfBody != want {
		t.Fatalf("MD5OfMessageBody of %q = %s, want %s", body, md5OfBody, want)
	}
	d := m.delay
	if delay != nil {
		d = *delay
	}
	msg := &pmMsg{seq: len(m.msgs), id: id, body: body, enqueuedAt: m.now, state: pmVisible}
	if d > 0 {
		msg.state, msg.deadline = pmDelayed, m.now.Add(d)
	}
	m.msgs = append(m.msgs, msg)
	m.byID[id] = msg
}

// receive returns the messages a short poll for up to n must return, oldest
// first, and puts them in flight for vis.
func (m *pmModel) receive(n int, vis time.Duration) []*pmMsg {
	m.catchUp()
	var out []*pmMsg
	for _, msg := range m.msgs {
		if len(out) == n {
			break
		}
		if msg.state == pmVisible {
			out = append(out, msg)
		}
	}
	for _, msg := range out {
		msg.state, msg.deadline = pmInFlight, m.now.Add(vis)
		msg.receives++
		msg.receivedAt = m.now
	}
	return out
}

// delete applies DeleteMessage and returns the error it must give.
func (m *pmModel) delete(h string) *queue.Error {
	m.catchUp()
	msg, ok := m.handles[h]
	if !ok {
		return queue.ErrReceiptHandleIsInvalid
	}
	if msg.state.live() {
		msg.state = pmDeleted
	}
	return nil
}

// changeVisibility applies ChangeMessageVisibility and returns the error it
// must give. The handle is checked before the timeout; a standard queue
// takes any handle the message was received with; the total since the
// latest receive may not pass 12 h; 0 makes an in-flight message visible; a
// positive timeout puts the message in flight, visible or not.
func (m *pmModel) changeVisibility(h string, vis time.Duration) *queue.Error {
	msg, ok := m.handles[h]
	if !ok {
		return queue.ErrReceiptHandleIsInvalid
	}
	if vis < 0 || vis > pmMaxVisibility || vis%time.Second != 0 {
		return queue.ErrInvalidParameterValue
	}
	m.catchUp()
	if !msg.state.live() || m.now.Add(vis).Sub(msg.receivedAt) > pmMaxVisibility {
		return queue.ErrInvalidParameterValue
	}
	switch {
	case vis == 0:
		if msg.state == pmInFlight {
			msg.state = pmVisible
		}
	default:
		msg.state, msg.deadline = pmInFlight, m.now.Add(vis)
	}
	return nil
}

func (m *pmModel) purge() *queue.Error {
	m.catchUp()
	if m.purged && m.now.Sub(m.purgedAt) < pmPurgeCooldown {
		return queue.ErrPurgeQueueInProgress
	}
	m.purged, m.purgedAt = true, m.now
	for _, msg := range m.msgs {
		if msg.state.live() {
			msg.state = pmPurged
		}
	}
	return nil
}

// setAttributes applies the three settings the machine changes, all or
// nothing.
func (m *pmModel) setAttributes(vis, delay, retention *time.Duration) *queue.Error {
	m.catchUp()
	inRange := func(d *time.Duration, lo, hi time.Duration) bool {
		return d == nil || *d >= lo && *d <= hi && *d%time.Second == 0
	}
	if !inRange(delay, 0, 15*time.Minute) || !inRange(retention, time.Minute, 14*24*time.Hour) ||
		!inRange(vis, 0, pmMaxVisibility) {
		return queue.ErrInvalidAttributeValue
	}
	if vis != nil {
		m.vis = *vis
	}
	if delay != nil {
		m.delay = *delay
	}
	if retention != nil {
		m.retention = *retention
	}
	m.catchUp()
	return nil
}

func pmMD5(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// pmMachine drives one queue and its model.
type pmMachine struct {
	ctx     context.Context
	clock   *clock.Mock
	svc     *queue.Service
	q       *queue.Queue
	foreign []string // handles issued by another queue of the same service
	model   *pmModel
	sent    int // successful sends
}

func newPMMachine(t *rapid.T) *pmMachine {
	mock := clock.NewMock()
	mock.Set(epoch)
	svc := queue.New(queue.WithClock(mock), queue.WithRand(rand.NewPCG(1, 2)))
	pm := &pmMachine{ctx: context.Background(), clock: mock, svc: svc}
	vis := time.Duration(rapid.IntRange(0, 10).Draw(t, "queueVisibility")) * time.Second
	delay := time.Duration(rapid.IntRange(0, 3).Draw(t, "queueDelay")) * time.Second
	retention := time.Duration(rapid.IntRange(60, 120).Draw(t, "queueRetention")) * time.Second
	q, err := svc.CreateQueue(pm.ctx, queue.CreateQueueInput{QueueName: "pm-model", Attributes: queue.Attributes{
		VisibilityTimeout: &vis, DelaySeconds: &delay, MessageRetentionPeriod: &retention,
	}})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	pm.q = q
	pm.model = &pmModel{now: epoch, vis: vis, delay: delay, retention: retention,
		byID: map[string]*pmMsg{}, handles: map[string]*pmMsg{}}

	other, err := svc.CreateQueue(pm.ctx, queue.CreateQueueInput{QueueName: "pm-other"})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	for range 2 {
		if _, err := other.SendMessage(pm.ctx, queue.SendMessageInput{MessageBody: "elsewhere"}); err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
	}
	out, err := other.ReceiveMessage(pm.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), WaitTimeSeconds: new(time.Duration(0))})
	if err != nil || len(out.Messages) != 2 {
		t.Fatalf("ReceiveMessage on pm-other = %d messages, %v; want 2", len(out.Messages), err)
	}
	for _, msg := range out.Messages {
		pm.foreign = append(pm.foreign, msg.ReceiptHandle)
	}
	return pm
}

// pmWant fails unless err is nil when want is, or a *queue.Error matching want.
func pmWant(t *rapid.T, op string, err error, want *queue.Error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("%s: error %v, want success", op, err)
		}
		return
	}
	var qe *queue.Error
	if !errors.As(err, &qe) || !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %s", op, err, want.Code)
	}
}

func pmBody(t *rapid.T, label string) string {
	return rapid.StringOfN(rapid.RuneFrom([]rune("abcxyz019 \t\n\r~é€\U0001F600\uFFFD")), 1, 12, -1).Draw(t, label)
}

// pmDelay draws a message delay: nil (the queue's) or 0..3 s.
func pmDelay(t *rapid.T, label string) *time.Duration {
	if rapid.Bool().Draw(t, label+"QueueDefault") {
		return nil
	}
	return new(time.Duration(rapid.IntRange(0, 3).Draw(t, label)) * time.Second)
}

func (pm *pmMachine) send(t *rapid.T) {
	body := pmBody(t, "body")
	delay := pmDelay(t, "delay")
	out, err := pm.q.SendMessage(pm.ctx, queue.SendMessageInput{MessageBody: body, DelaySeconds: delay})
	if err != nil {
		t.Fatalf("SendMessage(%q): %v", body, err)
	}
	pm.model.send(t, out.MessageId, out.MD5OfMessageBody, body, delay)
	pm.sent++
}

func (pm *pmMachine) sendBatch(t *rapid.T) {
	n := rapid.IntRange(1, 10).Draw(t, "entries")
	entries := make([]queue.SendMessageBatchRequestEntry, n)
	for i := range entries {
		entries[i] = queue.SendMessageBatchRequestEntry{
			Id:           fmt.Sprintf("e%d", i),
			MessageBody:  pmBody(t, "body"),
			DelaySeconds: pmDelay(t, "delay"),
		}
	}
	out, err := pm.q.SendMessageBatch(pm.ctx, queue.SendMessageBatchInput{Entries: entries})
	if err != nil {
		t.Fatalf("SendMessageBatch: %v", err)
	}
	if len(out.Failed) != 0 || len(out.Successful) != n {
		t.Fatalf("SendMessageBatch: %d successful, failed %+v; want %d successful", len(out.Successful), out.Failed, n)
	}
	for i, res := range out.Successful {
		if res.Id != entries[i].Id {
			t.Fatalf("SendMessageBatch result %d has Id %q, want %q (entry order)", i, res.Id, entries[i].Id)
		}
		pm.model.send(t, res.MessageId, res.MD5OfMessageBody, entries[i].MessageBody, entries[i].DelaySeconds)
		pm.sent++
	}
}

func (pm *pmMachine) receive(t *rapid.T) {
	n := rapid.IntRange(1, 10).Draw(t, "max")
	var visIn *time.Duration
	if !rapid.Bool().Draw(t, "queueVisibility") {
		visIn = new(time.Duration(rapid.IntRange(0, 5).Draw(t, "visibility")) * time.Second)
	}
	out, err := pm.q.ReceiveMessage(pm.ctx, queue.ReceiveMessageInput{
		MaxNumberOfMessages: &n,
		VisibilityTimeout:   visIn,
		WaitTimeSeconds:     new(time.Duration(0)),
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{
			queue.SystemAttributeApproximateReceiveCount, queue.SystemAttributeSentTimestamp,
		},
	})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	m := pm.model
	vis := m.vis
	if visIn != nil {
		vis = *visIn
	}
	m.catchUp()
	// Report an invisible or unknown message before comparing order.
	for _, got := range out.Messages {
		msg := m.byID[got.MessageId]
		if msg == nil {
			t.Fatalf("received MessageId %s, never sent", got.MessageId)
		}
		if msg.state != pmVisible {
			t.Fatalf("received message #%d (%s), which the model has %v", msg.seq, got.MessageId, msg.state)
		}
	}
	want := m.receive(n, vis)
	if len(out.Messages) == 0 && out.Messages != nil {
		t.Fatalf("ReceiveMessage returned an empty non-nil Messages")
	}
	if len(out.Messages) != len(want) {
		t.Fatalf("ReceiveMessage(max %d) returned %d messages, want %d (every visible one up to the max)",
			n, len(out.Messages), len(want))
	}
	for i, got := range out.Messages {
		msg := want[i]
		if got.MessageId != msg.id {
			t.Fatalf("received message %d is #%d, want #%d: visible messages come oldest first",
				i, m.byID[got.MessageId].seq, msg.seq)
		}
		if got.Body != msg.body || got.MD5OfBody != pmMD5(msg.body) {
			t.Fatalf("message #%d: body %q md5 %s, want %q md5 %s", msg.seq, got.Body, got.MD5OfBody, msg.body, pmMD5(msg.body))
		}
		if rc := got.Attributes[queue.SystemAttributeApproximateReceiveCount]; rc != strconv.Itoa(msg.receives) {
			t.Fatalf("message #%d: ApproximateReceiveCount %q, want %d", msg.seq, rc, msg.receives)
		}
		if ts, want := got.Attributes[queue.SystemAttributeSentTimestamp], strconv.FormatInt(msg.enqueuedAt.UnixMilli(), 10); ts != want {
			t.Fatalf("message #%d: SentTimestamp %q, want %s", msg.seq, ts, want)
		}
		if m.handles[got.ReceiptHandle] != nil {
			t.Fatalf("message #%d: receipt handle %q issued before", msg.seq, got.ReceiptHandle)
		}
		m.handles[got.ReceiptHandle] = msg
		msg.handles = append(msg.handles, got.ReceiptHandle)
	}
}

// pmHandleKinds are the receipt handles delete and change visibility use.
var pmHandleKinds = []string{"current", "stale", "gone", "garbage", "mutated", "foreign"}

const pmBase64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// drawHandle picks a handle of the drawn kind, or garbage when the model has
// none of that kind.
func (pm *pmMachine) drawHandle(t *rapid.T) string {
	m := pm.model
	pick := func(hs []string) string { return hs[rapid.IntRange(0, len(hs)-1).Draw(t, "pick")] }
	var candidates []string
	switch rapid.SampledFrom(pmHandleKinds).Draw(t, "handleKind") {
	case "current":
		for _, msg := range m.msgs {
			if msg.state.live() && len(msg.handles) > 0 {
				candidates = append(candidates, msg.handles[len(msg.handles)-1])
			}
		}
	case "stale":
		for _, msg := range m.msgs {
			if msg.state.live() && len(msg.handles) > 1 {
				candidates = append(candidates, msg.handles[:len(msg.handles)-1]...)
			}
		}
	case "gone":
		for _, msg := range m.msgs {
			if !msg.state.live() {
				candidates = append(candidates, msg.handles...)
			}
		}
	case "mutated":
		for _, msg := range m.msgs {
			candidates = append(candidates, msg.handles...)
		}
		if len(candidates) > 0 {
			h := []byte(pick(candidates))
			i := rapid.IntRange(0, len(h)-1).Draw(t, "position")
			c := pmBase64URL[rapid.IntRange(0, len(pmBase64URL)-1).Draw(t, "char")]
			if c == h[i] {
				c = '.'
			}
			h[i] = c
			return string(h)
		}
	case "foreign":
		candidates = pm.foreign
	}
	if len(candidates) > 0 {
		return pick(candidates)
	}
	// Not empty: an empty handle is MissingParameter (TestEmptyReceiptHandle).
	return rapid.OneOf(rapid.StringN(1, -1, -1), rapid.StringMatching(`[A-Za-z0-9_-]{39}`)).Draw(t, "garbage")
}

// drawVisibility draws a ChangeMessageVisibility timeout, now and then out of
// range or not whole seconds.
func pmDrawVisibility(t *rapid.T) time.Duration {
	if rapid.IntRange(0, 9).Draw(t, "visibilityValid") == 0 {
		return rapid.SampledFrom([]time.Duration{-time.Second, pmMaxVisibility + time.Second, 1500 * time.Millisecond}).Draw(t, "badVisibility")
	}
	return time.Duration(rapid.IntRange(0, 5).Draw(t, "visibility")) * time.Second
}

func (pm *pmMachine) delete(t *rapid.T) {
	h := pm.drawHandle(t)
	_, err := pm.q.DeleteMessage(pm.ctx, queue.DeleteMessageInput{ReceiptHandle: h})
	pmWant(t, fmt.Sprintf("DeleteMessage(%q)", h), err, pm.model.delete(h))
}

func (pm *pmMachine) deleteBatch(t *rapid.T) {
	n := rapid.IntRange(1, 10).Draw(t, "entries")
	entries := make([]queue.DeleteMessageBatchRequestEntry, n)
	for i := range entries {
		entries[i] = queue.DeleteMessageBatchRequestEntry{Id: fmt.Sprintf("d%d", i), ReceiptHandle: pm.drawHandle(t)}
	}
	out, err := pm.q.DeleteMessageBatch(pm.ctx, queue.DeleteMessageBatchInput{Entries: entries})
	if err != nil {
		t.Fatalf("DeleteMessageBatch: %v", err)
	}
	var ok, failed []string
	for _, e := range entries {
		if want := pm.model.delete(e.ReceiptHandle); want != nil {
			failed = append(failed, e.Id+":"+want.Code)
		} else {
			ok = append(ok, e.Id)
		}
	}
	pmCompareBatch(t, "DeleteMessageBatch", ok, failed, len(out.Successful), func(i int) string { return out.Successful[i].Id }, out.Failed)
}

func pmCompareBatch(t *rapid.T, op string, ok, failed []string, nOK int, okID func(int) string, gotFailed []queue.BatchResultErrorEntry) {
	t.Helper()
	var gotOK, gotBad []string
	for i := range nOK {
		gotOK = append(gotOK, okID(i))
	}
	for _, f := range gotFailed {
		if !f.SenderFault {
			t.Fatalf("%s: entry %s failed with SenderFault false", op, f.Id)
		}
		gotBad = append(gotBad, f.Id+":"+f.Code)
	}
	if fmt.Sprint(gotOK) != fmt.Sprint(ok) || fmt.Sprint(gotBad) != fmt.Sprint(failed) {
		t.Fatalf("%s: successful %v, failed %v; want %v, %v", op, gotOK, gotBad, ok, failed)
	}
}

func (pm *pmMachine) changeVisibility(t *rapid.T) {
	h := pm.drawHandle(t)
	vis := pmDrawVisibility(t)
	_, err := pm.q.ChangeMessageVisibility(pm.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: h, VisibilityTimeout: vis})
	pmWant(t, fmt.Sprintf("ChangeMessageVisibility(%q, %v)", h, vis), err, pm.model.changeVisibility(h, vis))
}

func (pm *pmMachine) changeVisibilityBatch(t *rapid.T) {
	n := rapid.IntRange(1, 10).Draw(t, "entries")
	entries := make([]queue.ChangeMessageVisibilityBatchRequestEntry, n)
	for i := range entries {
		entries[i] = queue.ChangeMessageVisibilityBatchRequestEntry{
			Id: fmt.Sprintf("c%d", i), ReceiptHandle: pm.drawHandle(t), VisibilityTimeout: pmDrawVisibility(t),
		}
	}
	out, err := pm.q.ChangeMessageVisibilityBatch(pm.ctx, queue.ChangeMessageVisibilityBatchInput{Entries: entries})
	if err != nil {
		t.Fatalf("ChangeMessageVisibilityBatch: %v", err)
	}
	var ok, failed []string
	for _, e := range entries {
		if want := pm.model.changeVisibility(e.ReceiptHandle, e.VisibilityTimeout); want != nil {
			failed = append(failed, e.Id+":"+want.Code)
		} else {
			ok = append(ok, e.Id)
		}
	}
	pmCompareBatch(t, "ChangeMessageVisibilityBatch", ok, failed, len(out.Successful), func(i int) string { return out.Successful[i].Id }, out.Failed)
}

func (pm *pmMachine) purge(t *rapid.T) {
	_, err := pm.q.PurgeQueue(pm.ctx, queue.PurgeQueueInput{})
	pmWant(t, "PurgeQueue", err, pm.model.purge())
}

func (pm *pmMachine) setAttributes(t *rapid.T) {
	draw := func(label string, lo, hi int, bad time.Duration) *time.Duration {
		switch rapid.IntRange(0, 9).Draw(t, label+"Kind") {
		case 0, 1, 2, 3:
			return nil
		case 4:
			if rapid.Bool().Draw(t, label+"Bad") {
				return new(bad)
			}
		}
		return new(time.Duration(rapid.IntRange(lo, hi).Draw(t, label)) * time.Second)
	}
	vis := draw("visibility", 0, 10, -time.Second)
	delay := draw("delay", 0, 3, 1500*time.Millisecond)
	retention := draw("retention", 60, 120, 59*time.Second)
	_, err := pm.q.SetQueueAttributes(pm.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{
		VisibilityTimeout: vis, DelaySeconds: delay, MessageRetentionPeriod: retention,
	}})
	pmWant(t, "SetQueueAttributes", err, pm.model.setAttributes(vis, delay, retention))
}

// deadlines returns the moments after now when the model changes by itself:
// a delay or visibility timeout ends, a message expires, the purge cooldown
// ends.
func (m *pmModel) deadlines() []time.Time {
	var out []time.Time
	add := func(at time.Time) {
		if at.After(m.now) {
			out = append(out, at)
		}
	}
	for _, msg := range m.msgs {
		if msg.state == pmDelayed || msg.state == pmInFlight {
			add(msg.deadline)
		}
		if msg.state.live() {
			add(msg.enqueuedAt.Add(m.retention))
		}
	}
	if m.purged {
		add(m.purgedAt.Add(pmPurgeCooldown))
	}
	return out
}

// advance moves the clock by up to 90 s, or to a moment when the model
// changes by itself, or just before it: the boundaries are where an
// off-by-one would show.
func (pm *pmMachine) advance(t *rapid.T) {
	var d time.Duration
	switch rapid.IntRange(0, 2).Draw(t, "advanceKind") {
	case 0:
		d = time.Duration(rapid.IntRange(0, 90).Draw(t, "seconds")) * time.Second
	case 1:
		d = time.Duration(rapid.IntRange(0, 5000).Draw(t, "millis")) * time.Millisecond
	default:
		ds := pm.model.deadlines()
		if len(ds) == 0 {
			return
		}
		at := ds[rapid.IntRange(0, len(ds)-1).Draw(t, "deadline")]
		d = at.Sub(pm.model.now)
		if rapid.Bool().Draw(t, "justBefore") {
			d -= time.Millisecond
		}
	}
	pm.clock.Add(d)
	pm.model.now = pm.model.now.Add(d)
}

// check is the invariant: the queue's exact counts are the model's, and the
// model accounts for every message sent.
func (pm *pmMachine) check(t *rapid.T) {
	m := pm.model
	if now := pm.clock.Now(); !now.Equal(m.now) {
		t.Fatalf("clock at %v, model at %v", now, m.now)
	}
	m.catchUp()
	c := m.counts()
	total := 0
	for _, n := range c {
		total += n
	}
	if total != pm.sent || len(m.msgs) != pm.sent {
		t.Fatalf("model holds %d messages by state, %d in all, for %d sent", total, len(m.msgs), pm.sent)
	}
	out, err := pm.q.GetQueueAttributes(pm.ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{
		queue.AttributeApproximateNumberOfMessages,
		queue.AttributeApproximateNumberOfMessagesNotVisible,
		queue.AttributeApproximateNumberOfMessagesDelayed,
	}})
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	for _, x := range []struct {
		name  queue.AttributeName
		state pmState
	}{
		{queue.AttributeApproximateNumberOfMessages, pmVisible},
		{queue.AttributeApproximateNumberOfMessagesNotVisible, pmInFlight},
		{queue.AttributeApproximateNumberOfMessagesDelayed, pmDelayed},
	} {
		if got, want := out.Attributes[x.name], strconv.Itoa(c[x.state]); got != want {
			t.Fatalf("%s = %s, model has %s %v (counts by state %v)", x.name, got, want, x.state, c)
		}
	}
}
