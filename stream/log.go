package stream

// logChunk is how many records one block of a shard's log holds.
const logChunk = 1024

// recordLog is a shard's retained records, oldest first, in fixed-size
// blocks: appending never copies earlier records, and trimming drops whole
// blocks from the front. The zero value is empty.
type recordLog struct {
	chunks []*[logChunk]record
	head   int // index in chunks[0] of the oldest record
	n      int // records held
}

func (l *recordLog) len() int { return l.n }

// at returns the i-th oldest record.
func (l *recordLog) at(i int) *record {
	off := l.head + i
	return &l.chunks[off/logChunk][off%logChunk]
}

// append adds r as the newest record and returns where it is stored.
func (l *recordLog) append(r record) *record {
	off := l.head + l.n
	if off/logChunk == len(l.chunks) {
		l.chunks = append(l.chunks, new([logChunk]record))
	}
	p := &l.chunks[off/logChunk][off%logChunk]
	*p = r
	l.n++
	return p
}

// dropFront removes the k oldest records, clearing them so their data can
// be collected.
func (l *recordLog) dropFront(k int) {
	for i := range k {
		*l.at(i) = record{}
	}
	l.head += k
	l.n -= k
	drop := l.head / logChunk
	if l.n == 0 {
		drop = len(l.chunks)
		l.head = 0
	} else {
		l.head %= logChunk
	}
	clear(l.chunks[:drop])
	l.chunks = l.chunks[drop:]
}

// search returns the smallest i in [0, n) for which f(record i) is true,
// or n; f must be false then true along the log.
func (l *recordLog) search(f func(r *record) bool) int {
	lo, hi := 0, l.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(l.at(m)) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
