package queue

// window remembers keys for a fixed time: the 5-minute deduplication window
// and the 5-minute window of receive attempts of a FIFO queue. Entries are
// forgotten lazily, by expire, in deadline order.
//
// Unlike the queue's other indexes this is not a B-tree but a map and a FIFO
// of deadlines: every entry of a window expires a fixed interval after the
// queue's clock, which never goes back, so deadlines arrive in increasing
// order and the oldest entry is always the next to expire. Each operation
// is then O(1), where two B-trees keyed by string paid two searches and
// rebalances (and string compares) per send. Were a deadline ever out of
// order, get would still check it; only forgetting would be late.
type window[V any] struct {
	byKey map[string]windowEntry[V]
	// order holds every put in put order, so in deadline order. An entry
	// replaced by a later put stays until it reaches the front, where
	// expire finds the key's live entry not yet due and leaves it.
	order ring[deadline]
	// peak is the most keys byKey held since it was made: a Go map keeps
	// its peak size, so expire rebuilds it once it holds far fewer.
	peak int
}

type windowEntry[V any] struct {
	expiresAt int64 // unix ns
	value     V
}

func newWindow[V any]() *window[V] {
	return &window[V]{byKey: map[string]windowEntry[V]{}}
}

// get returns the value of a key that has not expired by now.
func (w *window[V]) get(key string, now int64) (V, bool) {
	e, ok := w.byKey[key]
	if !ok || e.expiresAt <= now {
		var zero V
		return zero, false
	}
	return e.value, true
}

// put remembers key until expiresAt, replacing an earlier entry.
func (w *window[V]) put(key string, v V, expiresAt int64) {
	w.byKey[key] = windowEntry[V]{expiresAt: expiresAt, value: v}
	w.peak = max(w.peak, len(w.byKey))
	w.order.push(deadline{key: key, at: expiresAt})
}

// expire forgets every entry whose time ended by now.
func (w *window[V]) expire(now int64) {
	for {
		d, ok := w.order.front()
		if !ok || d.at > now {
			break
		}
		w.order.pop()
		// The key's live entry may be a later put's, not yet due.
		if e, ok := w.byKey[d.key]; ok && e.expiresAt <= now {
			delete(w.byKey, d.key)
		}
	}
	// Give memory back once a burst has expired: the copy costs O(len),
	// less than the 7/8 × peak deletions since the map last grew.
	if w.peak > 1024 && len(w.byKey) < w.peak/8 {
		m := make(map[string]windowEntry[V], len(w.byKey))
		for k, e := range w.byKey {
			m[k] = e
		}
		w.byKey, w.peak = m, len(m)
	}
}

func (w *window[V]) clear() {
	w.byKey, w.peak = map[string]windowEntry[V]{}, 0
	w.order = ring[deadline]{}
}

// deadline is one put of a window: its key, and when it expires.
type deadline struct {
	key string
	at  int64 // unix ns
}
