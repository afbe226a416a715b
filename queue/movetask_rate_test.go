package queue

import (
	"math"
	"testing"
	"time"
)

// owedAtRate never overflows, however long nobody looked at a task.
func TestOwedAtRate(t *testing.T) {
	tests := []struct {
		elapsed time.Duration
		rate    int
		want    int64
	}{
		{0, 500, 0},
		{-time.Second, 500, 0},
		{999 * time.Millisecond, 1, 0},
		{time.Second, 1, 1},
		{1500 * time.Millisecond, 3, 4},
		{time.Second / 3, 3, 0}, // 333,333,333 ns: one nanosecond short
		{300 * 24 * time.Hour, 500, 300 * 24 * 3600 * 500},
		{math.MaxInt64, 500, int64(math.MaxInt64/int64(time.Second))*500 + int64(math.MaxInt64%int64(time.Second))*500/int64(time.Second)},
	}
	for _, tt := range tests {
		if got := owedAtRate(tt.elapsed, tt.rate); got != tt.want || got < 0 {
			t.Errorf("owedAtRate(%v, %d) = %d, want %d", tt.elapsed, tt.rate, got, tt.want)
		}
	}
}
