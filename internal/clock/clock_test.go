package clock

import (
	"testing"
	"time"
)

func TestMonotonicNeverGoesBack(t *testing.T) {
	mock := NewMock()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mock.Set(start)
	var m Monotonic
	if got := m.Now(mock); !got.Equal(start) {
		t.Fatalf("Now = %v, want %v", got, start)
	}
	mock.Set(start.Add(-time.Hour))
	if got := m.Now(mock); !got.Equal(start) {
		t.Fatalf("after the clock went back: Now = %v, want %v", got, start)
	}
	mock.Set(start.Add(time.Minute))
	if got := m.Now(mock); !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("after the clock went on: Now = %v, want %v", got, start.Add(time.Minute))
	}
}
