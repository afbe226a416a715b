package queue

import "github.com/google/btree"

// readySet decides which message a receive takes next. The queue tells it
// of every change of state: a standard queue tracks only visible messages
// (and its tenants' in-flight counts), a FIFO queue every message of a group.
type readySet interface {
	placed(m *message)   // m entered state m.state
	unplaced(m *message) // m is leaving state m.state
	gone(m *message)     // m left the queue
	// next returns the message to take after prev (nil at the start of a
	// receive), or nil if there is none.
	next(prev *message) *message
}

// standardReady serves a standard queue. Messages without a MessageGroupId
// are served oldest first. Messages with one belong to a tenant of a fair
// queue: the tenant with the fewest messages in flight goes first, so one
// busy tenant cannot hold up the others (Amazon SQS fair queues).
type standardReady struct {
	// The visible messages without a group are in inOrder if they turned
	// visible in sequence order, the common case (sent without delay), and
	// otherwise in ungrouped (redeliveries, ends of delays, returned dead
	// letters): the ring adds and takes in O(1) where the tree pays a search
	// and a rebalance each time.
	inOrder   seqRing
	ungrouped *btree.BTreeG[*message] // by seq
	tenants   map[string]*tenant
	// byLoad holds the tenants with visible messages by (inFlight, head seq,
	// name).
	byLoad *btree.BTreeG[*tenant]
}

// tenant is one MessageGroupId of a standard queue.
type tenant struct {
	name     string
	ready    *btree.BTreeG[*message] // by seq
	inFlight int
	live     int // messages of this tenant in the queue, in any state
}

func byLoad(a, b *tenant) bool {
	if a.inFlight != b.inFlight {
		return a.inFlight < b.inFlight
	}
	ha, _ := a.ready.Min()
	hb, _ := b.ready.Min()
	if ha.seq != hb.seq {
		return ha.seq < hb.seq
	}
	return a.name < b.name
}

func newStandardReady() *standardReady {
	return &standardReady{
		ungrouped: btree.NewG(btreeDegree, bySeq),
		tenants:   map[string]*tenant{},
		byLoad:    btree.NewG(btreeDegree, byLoad),
	}
}

func (r *standardReady) placed(m *message) {
	switch m.state {
	case stateVisible:
		r.add(m)
	case stateInFlight:
		if t := r.tenantOf(m); t != nil {
			r.update(t, func() { t.inFlight++ })
		}
	}
}

func (r *standardReady) unplaced(m *message) {
	switch m.state {
	case stateVisible:
		r.remove(m)
	case stateInFlight:
		if t := r.tenantOf(m); t != nil {
			r.update(t, func() { t.inFlight-- })
		}
	}
}

func (r *standardReady) add(m *message) {
	t := r.tenantOf(m)
	if t == nil {
		if !r.inOrder.push(m) {
			m.inRing = false // whatever a ring the queue dropped (purge) left
			r.ungrouped.ReplaceOrInsert(m)
		}
		return
	}
	r.update(t, func() { t.ready.ReplaceOrInsert(m) })
}

func (r *standardReady) remove(m *message) {
	t := r.tenantOf(m)
	if t == nil {
		if m.inRing {
			r.inOrder.remove(m)
		} else {
			r.ungrouped.Delete(m)
		}
		return
	}
	r.update(t, func() { t.ready.Delete(m) })
}

// next ignores prev: a standard queue has no order to keep within a receive.
func (r *standardReady) next(prev *message) *message {
	m, _ := r.ungrouped.Min()
	if h := r.inOrder.head(); h != nil && (m == nil || h.seq < m.seq) {
		m = h
	}
	t, ok := r.byLoad.Min()
	if !ok {
		return m
	}
	head, _ := t.ready.Min()
	if m == nil || t.inFlight == 0 && head.seq < m.seq {
		return head
	}
	return m
}

// tenantOf returns the tenant of a grouped message, creating it on first use.
func (r *standardReady) tenantOf(m *message) *tenant {
	if m.meta == nil || m.meta.groupID == "" {
		return nil
	}
	if m.meta.tenant == nil {
		t := r.tenants[m.meta.groupID]
		if t == nil {
			t = &tenant{name: m.meta.groupID, ready: btree.NewG(btreeDegree, bySeq)}
			r.tenants[t.name] = t
		}
		t.live++
		m.meta.tenant = t
	}
	return m.meta.tenant
}

// update changes t under fn, keeping byLoad ordered: t's key may change.
func (r *standardReady) update(t *tenant, fn func()) {
	if t.ready.Len() > 0 {
		r.byLoad.Delete(t)
	}
	fn()
	if t.ready.Len() > 0 {
		r.byLoad.ReplaceOrInsert(t)
	}
}

// gone forgets m's tenant when m leaves the queue, and the tenant with
// its last message.
func (r *standardReady) gone(m *message) {
	if m.meta == nil || m.meta.tenant == nil {
		return
	}
	t := m.meta.tenant
	m.meta.tenant = nil
	t.live--
	if t.live == 0 {
		delete(r.tenants, t.name)
	}
}

// seqRing is a FIFO of messages in increasing seq order. A message goes in
// only if its seq is above every seq pushed before, so each message enters
// a ring at most once and m.inRing tells exactly whether its entry is live.
// A message leaving from elsewhere than the head (deleted or expired while
// visible) only clears m.inRing; its dead entry is dropped when it reaches
// the head, which is therefore always live.
type seqRing struct {
	ring[*message]        // dead entries included
	nextMin        uint64 // the least seq push still takes
}

// push appends m if it keeps the ring in seq order, and reports whether it
// did.
func (r *seqRing) push(m *message) bool {
	if m.seq < r.nextMin {
		return false
	}
	r.ring.push(m)
	r.nextMin = m.seq + 1
	m.inRing = true
	return true
}

// head returns the oldest live message, or nil.
func (r *seqRing) head() *message {
	m, _ := r.front()
	return m
}

// remove takes m, which is in the ring, out of it.
func (r *seqRing) remove(m *message) {
	m.inRing = false
	for m, ok := r.front(); ok && !m.inRing; m, ok = r.front() {
		r.pop()
	}
}
