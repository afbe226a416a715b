package queue

import (
	"strconv"
	"testing"
)

// The window is internal; these tests pin down what the FIFO model reaches
// only rarely: replaced keys, the ring's growth and shrinking, and the map
// rebuild after a burst.
func TestWindow(t *testing.T) {
	w := newWindow[int]()
	w.put("a", 1, 10)
	w.put("b", 2, 20)
	if v, ok := w.get("a", 9); !ok || v != 1 {
		t.Fatalf("get(a) before its deadline = %v, %v; want 1, true", v, ok)
	}
	if _, ok := w.get("a", 10); ok {
		t.Fatalf("get(a) at its deadline found it; want it expired")
	}
	w.put("a", 3, 30) // a later put of the same key replaces the first
	w.expire(25)      // passes the first put of a and b, not the second of a
	if v, ok := w.get("a", 25); !ok || v != 3 {
		t.Fatalf("get(a) after replace and expire = %v, %v; want 3, true", v, ok)
	}
	if _, ok := w.get("b", 25); ok || len(w.byKey) != 1 {
		t.Fatalf("b still held (%d keys); want only a", len(w.byKey))
	}
	w.expire(30)
	if len(w.byKey) != 0 || w.order.len() != 0 {
		t.Fatalf("after every deadline: %d keys, %d deadlines; want none", len(w.byKey), w.order.len())
	}
}

func TestWindowGivesMemoryBack(t *testing.T) {
	w := newWindow[int]()
	const n = 5000
	for i := range n {
		w.put(strconv.Itoa(i), i, int64(i))
	}
	if w.peak != n || len(w.order.buf) < n {
		t.Fatalf("peak %d, ring %d; want %d and at least %d", w.peak, len(w.order.buf), n, n)
	}
	w.expire(n - 101) // deadlines 0..n-101 pass: all but the last 100
	if len(w.byKey) != 100 || w.order.len() != 100 {
		t.Fatalf("%d keys, %d deadlines; want 100 and 100", len(w.byKey), w.order.len())
	}
	if w.peak != 100 {
		t.Fatalf("peak %d after the burst expired; want the map rebuilt at 100", w.peak)
	}
	if len(w.order.buf) > 512 {
		t.Fatalf("ring still %d long for 100 deadlines", len(w.order.buf))
	}
	for i := n - 100; i < n; i++ {
		if v, ok := w.get(strconv.Itoa(i), int64(n-101)); !ok || v != i {
			t.Fatalf("get(%d) = %v, %v after the rebuild", i, v, ok)
		}
	}
}

func TestRingWrapsAround(t *testing.T) {
	var r ring[int]
	next, want := 0, 0
	for round := range 50 {
		for range round % 7 {
			r.push(next)
			next++
		}
		for range round % 5 {
			if v, ok := r.front(); ok {
				if v != want {
					t.Fatalf("front = %d, want %d", v, want)
				}
				r.pop()
				want++
			}
		}
	}
	if r.len() != next-want {
		t.Fatalf("len = %d, want %d", r.len(), next-want)
	}
}
