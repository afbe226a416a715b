package pubsub

import (
	"time"

	"github.com/google/btree"
)

// DeduplicationInterval is how long a FIFO topic remembers a
// MessageDeduplicationId.
const DeduplicationInterval = 5 * time.Minute

// dedupWindow remembers the deduplication ids a FIFO topic saw in the last
// 5 minutes: a map by key, and a B-tree by expiry that drops them in
// deadline order as the clock passes.
type dedupWindow struct {
	byKey    map[string]*dedupEntry
	byExpiry *btree.BTreeG[*dedupEntry]
	seq      uint64
}

type dedupEntry struct {
	key     string // group + "\x00" + id with MessageGroup scope, else id
	expires time.Time
	seq     uint64
	// messageID and sequenceNumber are what a duplicate publish returns.
	messageID      string
	sequenceNumber string
}

func newDedupWindow() dedupWindow {
	return dedupWindow{
		byKey: map[string]*dedupEntry{},
		byExpiry: btree.NewG(btreeDegree, func(a, b *dedupEntry) bool {
			return a.expires.Before(b.expires) || a.expires.Equal(b.expires) && a.seq < b.seq
		}),
	}
}

// expire forgets the ids whose window ended by now.
func (w *dedupWindow) expire(now time.Time) {
	for {
		e, ok := w.byExpiry.Min()
		if !ok || e.expires.After(now) {
			return
		}
		w.byExpiry.DeleteMin()
		delete(w.byKey, e.key)
	}
}

// seen returns the entry of key if it was seen within the window, and
// remembers it with messageID if not. The window runs from the first
// publish: a duplicate does not extend it.
func (w *dedupWindow) seen(key string, now time.Time, messageID string) (*dedupEntry, bool) {
	w.expire(now)
	if e, ok := w.byKey[key]; ok {
		return e, true
	}
	w.seq++
	e := &dedupEntry{key: key, expires: now.Add(DeduplicationInterval), seq: w.seq, messageID: messageID}
	w.byKey[key] = e
	w.byExpiry.ReplaceOrInsert(e)
	return e, false
}

// setSequenceNumber records the sequence number given to key's message.
func (w *dedupWindow) setSequenceNumber(key, seq string) {
	if e, ok := w.byKey[key]; ok {
		e.sequenceNumber = seq
	}
}
