package queue

import "github.com/google/btree"

// window remembers keys for a fixed time: the 5-minute deduplication window
// and the 5-minute window of receive attempts of a FIFO queue. Entries are
// forgotten lazily, by expire, in deadline order.
type window[V any] struct {
	byKey    *btree.BTreeG[*windowEntry[V]]
	byExpiry *btree.BTreeG[*windowEntry[V]]
	nextSeq  uint64
}

type windowEntry[V any] struct {
	key       string
	expiresAt int64 // unix ns
	seq       uint64
	value     V
}

func newWindow[V any]() *window[V] {
	return &window[V]{
		byKey: btree.NewG(btreeDegree, func(a, b *windowEntry[V]) bool { return a.key < b.key }),
		byExpiry: btree.NewG(btreeDegree, func(a, b *windowEntry[V]) bool {
			return a.expiresAt < b.expiresAt || a.expiresAt == b.expiresAt && a.seq < b.seq
		}),
	}
}

// get returns the value of a key that has not expired by now.
func (w *window[V]) get(key string, now int64) (V, bool) {
	e, ok := w.byKey.Get(&windowEntry[V]{key: key})
	if !ok || e.expiresAt <= now {
		var zero V
		return zero, false
	}
	return e.value, true
}

// put remembers key until expiresAt, replacing an earlier entry.
func (w *window[V]) put(key string, v V, expiresAt int64) {
	if old, ok := w.byKey.Get(&windowEntry[V]{key: key}); ok {
		w.byExpiry.Delete(old)
	}
	w.nextSeq++
	e := &windowEntry[V]{key: key, expiresAt: expiresAt, seq: w.nextSeq, value: v}
	w.byKey.ReplaceOrInsert(e)
	w.byExpiry.ReplaceOrInsert(e)
}

// expire forgets every entry whose time ended by now.
func (w *window[V]) expire(now int64) {
	for {
		e, ok := w.byExpiry.Min()
		if !ok || e.expiresAt > now {
			return
		}
		w.byExpiry.DeleteMin()
		w.byKey.Delete(e)
	}
}

func (w *window[V]) clear() {
	w.byKey.Clear(false)
	w.byExpiry.Clear(false)
}
