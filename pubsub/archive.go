package pubsub

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/google/btree"

	"github.com/sluicehq/sluice/queue"
)

// Archive limits.
const (
	MinArchiveRetentionDays = 1
	MaxArchiveRetentionDays = 365
)

// AttrBeginningArchiveTime is the read-only topic attribute naming the
// earliest time a replay can start from; AttrReplayStatus the read-only
// subscription attribute reporting a replay's progress.
const (
	AttrBeginningArchiveTime = "BeginningArchiveTime"
	AttrReplayStatus         = "ReplayStatus"
)

// ReplayStatus values, as GetSubscriptionAttributes reports them.
const (
	ReplayStatusPending    = "Pending"
	ReplayStatusInProgress = "In progress"
	ReplayStatusCompleted  = "Completed"
	ReplayStatusFailed     = "Failed"
)

// archive is a FIFO topic's message archive: every message published while
// an ArchivePolicy is set, ordered by publish time, dropped lazily once it
// is older than the retention period. Guarded by the topic's mutex.
type archive struct {
	retention time.Duration
	// enabled is when the policy was first set: nothing older exists.
	enabled time.Time
	msgs    *btree.BTreeG[*archivedMessage]
	seq     uint64
}

type archivedMessage struct {
	n   notification // id, publication, publish time, sequence number
	seq uint64       // publish order among messages of the same instant
}

func newArchive(retention time.Duration, now time.Time) *archive {
	return &archive{
		retention: retention,
		enabled:   now,
		msgs: btree.NewG(btreeDegree, func(a, b *archivedMessage) bool {
			return a.n.now.Before(b.n.now) || a.n.now.Equal(b.n.now) && a.seq < b.seq
		}),
	}
}

// expire drops the messages older than the retention period.
func (a *archive) expire(now time.Time) {
	cutoff := now.Add(-a.retention)
	for {
		m, ok := a.msgs.Min()
		if !ok || m.n.now.After(cutoff) {
			return
		}
		a.msgs.DeleteMin()
	}
}

// beginning is the earliest time a replay can start from: the later of
// when archiving was enabled and the retention period ago.
func (a *archive) beginning(now time.Time) time.Time {
	if b := now.Add(-a.retention); b.After(a.enabled) {
		return b
	}
	return a.enabled
}

// normalizeArchivePolicy validates an ArchivePolicy value. It returns ""
// for a value that removes the policy ("" or the empty JSON object).
func normalizeArchivePolicy(value, prefix string) (string, error) {
	if value == "" {
		return "", nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(value), &m); err != nil {
		return "", errParam("%sArchivePolicy: failed to parse JSON.", prefix)
	}
	if len(m) == 0 {
		return "", nil
	}
	if _, err := archiveRetention(m); err != nil {
		return "", errParam("%sArchivePolicy: %s", prefix, err.Error())
	}
	return value, nil
}

type policyError string

func (e policyError) Error() string { return string(e) }

// archiveRetention reads MessageRetentionPeriod: days 1..365, as a string
// or a number.
func archiveRetention(m map[string]json.RawMessage) (time.Duration, error) {
	for k := range m {
		if k != "MessageRetentionPeriod" {
			return 0, policyError("Unrecognized field " + k)
		}
	}
	raw, ok := m["MessageRetentionPeriod"]
	if !ok {
		return 0, policyError("MessageRetentionPeriod is required")
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(bytes.TrimSpace(raw))
	}
	days, err := strconv.Atoi(s)
	if err != nil || days < MinArchiveRetentionDays || days > MaxArchiveRetentionDays {
		return 0, policyError("MessageRetentionPeriod value is invalid")
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// syncArchiveLocked makes the archive follow the ArchivePolicy attribute:
// created when a policy is set, its retention changed (messages kept) when
// it changes, dropped with its messages when the policy is removed. t.mu
// must be held.
func (t *Topic) syncArchiveLocked() {
	v := t.settings.attrs[AttrArchivePolicy]
	if v == "" {
		t.archive = nil
		return
	}
	var m map[string]json.RawMessage
	_ = json.Unmarshal([]byte(v), &m)
	retention, err := archiveRetention(m)
	if err != nil { // validated by set
		return
	}
	if t.archive == nil {
		t.archive = newArchive(retention, t.nowLocked())
		return
	}
	t.archive.retention = retention
}

// archiveLocked records a published message. t.mu must be held.
func (t *Topic) archiveLocked(n notification) {
	a := t.archive
	if a == nil {
		return
	}
	a.expire(n.now)
	a.seq++
	a.msgs.ReplaceOrInsert(&archivedMessage{n: n, seq: a.seq})
}

// archiveAttributesLocked adds BeginningArchiveTime while an archive
// policy is set. t.mu must be held.
func (t *Topic) archiveAttributesLocked(attrs map[string]string) {
	if t.archive == nil {
		return
	}
	now := t.nowLocked()
	t.archive.expire(now)
	attrs[AttrBeginningArchiveTime] = t.archive.beginning(now).UTC().Format(timestampFormat)
}

// replayPolicy is a validated ReplayPolicy: the window of publish times a
// subscription receives, end zero for none.
type replayPolicy struct {
	start, end time.Time
}

// parseReplayPolicy validates a ReplayPolicy value ("" = none).
func parseReplayPolicy(fifo bool, value, prefix string) (*replayPolicy, error) {
	if value == "" {
		return nil, nil
	}
	if !fifo {
		return nil, errParam("%sReplayPolicy: Replay policy can only be set for subscriptions to FIFO topics", prefix)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(value), &m); err != nil {
		return nil, errParam("%sReplayPolicy: failed to parse JSON.", prefix)
	}
	bad := func(reason string) error { return errParam("%sReplayPolicy: %s", prefix, reason) }
	str := func(k string) (string, bool, error) {
		raw, ok := m[k]
		if !ok {
			return "", false, nil
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", true, bad(k + " must be a string")
		}
		return s, true, nil
	}
	for k := range m {
		if k != "PointType" && k != "StartingPoint" && k != "EndingPoint" {
			return nil, bad("Unrecognized field " + k)
		}
	}
	pt, ok, err := str("PointType")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, bad("PointType is required")
	case pt != "Timestamp":
		return nil, bad("PointType must be Timestamp")
	}
	sp, ok, err := str("StartingPoint")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bad("StartingPoint is required")
	}
	var p replayPolicy
	if p.start, err = time.Parse(time.RFC3339Nano, sp); err != nil {
		return nil, bad("StartingPoint is not a valid timestamp")
	}
	ep, ok, err := str("EndingPoint")
	if err != nil {
		return nil, err
	}
	if ok {
		if p.end, err = time.Parse(time.RFC3339Nano, ep); err != nil {
			return nil, bad("EndingPoint is not a valid timestamp")
		}
		if !p.end.After(p.start) {
			return nil, bad("EndingPoint must be after StartingPoint")
		}
	}
	return &p, nil
}

// replayState is a subscription's current replay.
type replayState struct {
	policy replayPolicy
	// started is when the policy was set.
	started time.Time
}

// inWindow reports whether a message published at ts belongs to the
// replay's window.
func (r *replayState) inWindow(ts time.Time) bool {
	return !ts.Before(r.policy.start) && (r.policy.end.IsZero() || !ts.After(r.policy.end))
}

// status derives the replay's status from the clock: Pending until the
// starting point, In progress until the ending point, then Completed.
// Archived messages in the window are delivered when the policy is set,
// so without an ending point a replay that started in the past is
// Completed at once.
func (r *replayState) status(now time.Time) string {
	switch {
	case now.Before(r.policy.start):
		return ReplayStatusPending
	case !r.policy.end.IsZero() && now.Before(r.policy.end):
		return ReplayStatusInProgress
	}
	return ReplayStatusCompleted
}

// replaySkipsLocked reports whether a live message published at now stays
// out of the subscription: a replay policy narrows what it receives to its
// window, and with an ending point the subscription gets nothing newer.
// topic.mu must be held.
func (sub *Subscription) replaySkipsLocked(now time.Time) bool {
	return sub.replay != nil && !sub.replay.inWindow(now)
}

// startReplayLocked applies the subscription's ReplayPolicy ("" stops it), replacing any
// replay in progress, and returns the deliveries of the archived messages
// in its window, in publish order and through the filter policy. t.mu
// must be held.
func (t *Topic) startReplayLocked(sub *Subscription) []delivery {
	p, err := parseReplayPolicy(t.fifo, sub.settings.replayPolicy, "")
	if err != nil || p == nil { // validated by set
		sub.replay = nil
		return nil
	}
	now := t.nowLocked()
	sub.replay = &replayState{policy: *p, started: now}
	if t.archive == nil || sub.pending {
		return nil
	}
	t.archive.expire(now)
	var ds []delivery
	t.archive.msgs.AscendGreaterOrEqual(&archivedMessage{n: notification{now: p.start}}, func(m *archivedMessage) bool {
		if !sub.replay.inWindow(m.n.now) {
			return false
		}
		if f := sub.settings.filter; f != nil && !f.match(&filterMessage{attrs: m.n.p.in.MessageAttributes, body: m.n.p.message(sub.protocol)}) {
			return true
		}
		d := m.n.deliveryFor(sub)
		markReplayed(&d, sub.settings.raw)
		ds = append(ds, d)
		return true
	})
	return ds
}

// markReplayed adds the Replayed attribute AWS documents on replayed
// messages: a "Replayed" : true field at the end of a JSON notification,
// or a Replayed String attribute "true" on a raw SQS message.
func markReplayed(d *delivery, raw bool) {
	switch {
	case d.clientError != "":
	case d.protocol == "sqs" && raw:
		attrs := make(map[string]queue.MessageAttributeValue, len(d.sqsAttrs)+1)
		maps.Copy(attrs, d.sqsAttrs)
		attrs["Replayed"] = queue.MessageAttributeValue{DataType: "String", StringValue: "true"}
		d.sqsAttrs = attrs
	case d.protocol == "sqs", (d.protocol == "http" || d.protocol == "https") && !raw:
		d.body = withReplayedField(d.body)
	case d.out != nil && (d.protocol == "email-json" || d.protocol == "firehose" && !raw):
		d.out.Body = withReplayedField(d.out.Body)
	}
}

// withReplayedField appends the Replayed field to a JSON notification.
func withReplayedField(envelope string) string {
	if !strings.HasSuffix(envelope, "\n}") {
		return envelope
	}
	return envelope[:len(envelope)-2] + replayedField
}

const replayedField = ",\n  \"Replayed\" : true\n}"

// replayAttributesLocked adds ReplayStatus while a replay policy is set.
// topic.mu must be held.
func (sub *Subscription) replayAttributesLocked(attrs map[string]string) {
	if sub.replay == nil {
		return
	}
	attrs[AttrReplayStatus] = sub.replay.status(sub.topic.nowLocked())
}

// unlockReplay releases t.mu, delivering a replay's messages the way a
// publish delivers (after the FIFO delivery lock, so they keep their place
// in the topic's order) if there are any.
func (t *Topic) unlockReplay(ctx context.Context, ds []delivery) {
	if len(ds) == 0 {
		t.mu.Unlock()
		return
	}
	t.deliverUnlock(ctx, ds)
}
