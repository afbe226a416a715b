package queue

// ring is a FIFO in a ring buffer a power of two long, which gives memory
// back once a burst has drained. The queue keeps two kinds: messages that
// turned visible in order (seqRing) and the deadlines of a FIFO window.
type ring[T any] struct {
	buf   []T
	start int // index of the front in buf
	n     int
}

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		r.resize(max(16, 2*len(r.buf)))
	}
	r.buf[(r.start+r.n)&(len(r.buf)-1)] = v
	r.n++
}

// front returns the oldest entry; ok is false when the ring is empty.
func (r *ring[T]) front() (v T, ok bool) {
	if r.n == 0 {
		return v, false
	}
	return r.buf[r.start], true
}

func (r *ring[T]) pop() {
	var zero T
	r.buf[r.start] = zero // let the GC have what the entry held
	r.start = (r.start + 1) & (len(r.buf) - 1)
	r.n--
	if len(r.buf) > 64 && r.n < len(r.buf)/4 {
		r.resize(len(r.buf) / 2)
	}
}

func (r *ring[T]) resize(size int) {
	buf := make([]T, size)
	for i := range r.n {
		buf[i] = r.buf[(r.start+i)&(len(r.buf)-1)]
	}
	r.buf, r.start = buf, 0
}
